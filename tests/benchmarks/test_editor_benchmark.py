"""
How fast the editors' pages answer: the article workspace with 200 and 1,000
claims, saving one claim from it, the briefing change page with 200 key
claims, and saving and reordering a briefing with 1,000. Full data (speakers
with roles, channels, evidence, about-actors). Not a timed test: it checks
only that each request succeeds, and records its numbers for the table
printed at the end of the run (tests/benchmarks/conftest.py).

    .venv/bin/pytest tests/benchmarks/test_editor_benchmark.py
"""

import json
import statistics
import time

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import editor_data, factories
from tests.benchmarks import report
from tests.change_control import change_form_data, workspace_data

RUNS = 3


def measure(fetch, runs=RUNS):
    """(queries, median CPU ms, median wall ms, last response) of fetch()."""
    cpu, wall = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = fetch()
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    return len(queries), statistics.median(cpu), statistics.median(wall), response


@pytest.mark.benchmark
class EditorBenchmark(TestCase):
    def setUp(self):
        self.client.force_login(factories.editor())

    def record(self, what, size, fetch, runs=RUNS):
        queries, cpu, wall, response = measure(fetch, runs)
        self.assertLess(response.status_code, 400, what)
        report.EDITOR_ROWS.append((what, size, queries, cpu, wall))
        return response

    def test_workspace_open_and_one_claim_save(self):
        for size in (200, 1000):
            article, claims = editor_data.article_with_claims(size)
            url = reverse("admin:briefings_article_change", args=[article.pk])
            self.client.get(url)  # warm the template, URL and permission caches
            self.record("workspace open", size, lambda url=url: self.client.get(url))
            save = reverse("admin:briefings_article_claim_save", args=[article.pk])
            claim = claims[size // 2]
            verdicts = iter(["false", "accurate"] * RUNS)

            def verdict(claim=claim, save=save, article=article, verdicts=verdicts):
                claim.refresh_from_db()
                return self.client.post(
                    save, workspace_data(claim, article, verdict=next(verdicts))
                )

            self.record("claim save (verdict)", size, verdict)
            starts = iter([claim.start - len("said that "), claim.start] * RUNS)

            def span(claim=claim, save=save, article=article, starts=starts):
                claim.refresh_from_db()
                start = next(starts)
                quote = article.body[start : claim.end]
                return self.client.post(
                    save, workspace_data(claim, article, start=start, quote=quote)
                )

            self.record("claim save (span)", size, span)

    def test_briefing_page_and_saving_1000_key_claims(self):
        briefing = editor_data.briefing_with_key_claims(200)
        url = reverse("admin:briefings_briefing_change", args=[briefing.pk])
        self.client.get(url)
        self.record("briefing page", 200, lambda: self.client.get(url))

        briefing = editor_data.briefing_with_key_claims(1000)
        url = reverse("admin:briefings_briefing_change", args=[briefing.pk])
        self.client.get(url)
        self.record("briefing page", 1000, lambda: self.client.get(url))

        def save_lede():
            data = change_form_data(self.client.get(url), lede=f"Lede {time.time()}.")
            return self.client.post(url, data)

        self.record("briefing save (lede)", 1000, save_lede)

        # The POST alone: every one of the 1,000 key claims moves (the order reversed).
        rows = list(briefing.claim_links.order_by("position").values("claim", "comment"))
        data = change_form_data(self.client.get(url), key_claim_rows=json.dumps(rows[::-1]))
        self.record("briefing reorder", 1000, lambda: self.client.post(url, data), runs=1)
