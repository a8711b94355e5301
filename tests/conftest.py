import pytest


@pytest.fixture(autouse=True)
def _fast_passwords_and_clean_cache(settings):
    """
    Hash test passwords cheaply (PBKDF2 costs ~0.3 s a user) and start every
    test with an empty cache, so cached pages never leak between tests.
    """
    from django.core.cache import cache

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()
