"""
How fast the API answers its heaviest reads: a page of 100 claims, a
briefing with 200 key claims, the briefing list and an article's Web
Annotation collection, every claim with a speaker, role, channel, event,
evidence and an actor it is about. Not a timed test: it asserts only that each
request runs the same number of queries at both sizes, and records its
numbers for the table printed at the end of the run (conftest.py).

    .venv/bin/pytest tests/benchmarks/test_api_benchmark.py
"""

import statistics

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from rest_framework.test import APIRequestFactory

from tests.benchmarks import report
from tests.benchmarks.test_pages_benchmark import briefing_with_claims, milliseconds

SIZES = (20, 200)
RUNS = 7


@pytest.mark.benchmark
class APIBenchmark(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefings = {size: briefing_with_claims(size) for size in SIZES}

    def requests(self, size, briefing):
        """(name, url) of each measured request, sized by the briefing."""
        article = briefing.key_claims.first().article
        return [
            (f"claims?page_size={min(size, 100)}", f"/api/v1/claims/?page_size={min(size, 100)}"),
            ("briefing detail", f"/api/v1/briefings/{briefing.slug}/"),
            ("briefing list", "/api/v1/briefings/"),
            ("annotations", f"/api/v1/articles/{article.slug}/annotations/"),
        ]

    def measure(self, url):
        """Return (queries, median CPU milliseconds, response KB) for an anonymous GET of url."""
        path, _, query = url.partition("?")
        match = resolve(path)
        factory = APIRequestFactory()

        def fetch():
            # The view as a server calls it, rendered, without the test client's bookkeeping.
            cache.clear()  # throttle counters and the schema, not API responses
            request = factory.get(url)
            request.user = AnonymousUser()
            response = match.func(request, *match.args, **match.kwargs)
            response.render()
            self.assertEqual(response.status_code, 200, url)
            return response

        fetch()
        with CaptureQueriesContext(connection) as queries:
            size = len(fetch().content) / 1024
        times = [milliseconds(fetch) for _ in range(RUNS)]
        return len(queries), statistics.median(times), size

    def test_api_reads_run_the_same_queries_at_every_size(self):
        queries = {}
        for size, briefing in self.briefings.items():
            for index, (name, url) in enumerate(self.requests(size, briefing)):
                row = self.measure(url)
                queries.setdefault(index, set()).add(row[0])
                report.API_ROWS.append((name, size, *row))
        for index, counts in queries.items():
            self.assertEqual(len(counts), 1, f"request {index} queries vary with size: {counts}")
