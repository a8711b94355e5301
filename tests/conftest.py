import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests: a fixed set of examples (derandomized, no example database)
# so a run takes seconds and fails the same way twice; HYPOTHESIS_PROFILE=thorough
# searches much further when anchoring code changes.
hypothesis_settings.register_profile(
    "ci",
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile("thorough", max_examples=3000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """
    Run the benchmarks after the other TestCases. They build and roll back tens
    of thousands of rows, and on a PostgreSQL without autovacuum the dead rows
    would slow every test after them. pytest-django's stable sort, which runs
    next, still puts every TestCase before the transactional tests (which need
    the groups the migrations made, and whose flush empties the tables).
    """
    items.sort(key=lambda item: item.get_closest_marker("benchmark") is not None)
