import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Every test starts with an empty cache, so cached pages never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
