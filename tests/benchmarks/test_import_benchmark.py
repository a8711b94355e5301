"""
How long the briefing import takes at 2,000 claims and at the limit,
IMPORT_MAX_CLAIMS (10,000), through the API as a client posts it. Not a timed
test: it asserts the rows arrived, and prints the seconds per size (wall clock,
and this process's CPU: the rest is the database and other processes), to
compare with gunicorn's timeout (briefings/gunicorn.py, 60 s by default).

    .venv/bin/pytest tests/benchmarks/test_import_benchmark.py -s
"""

import json
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import TestCase

from briefings.models import Claim, ClaimActor, ClaimEvidence
from tests import factories
from tests.documents import large_document

SIZES = (2_000, settings.IMPORT_MAX_CLAIMS)


@pytest.mark.benchmark
class ImportBenchmark(TestCase):
    def test_import_time(self):
        self.client.force_login(factories.editor())
        for size in SIZES:
            body = json.dumps(large_document(size, slug=f"bulk-{size}"))
            started, cpu = time.perf_counter(), time.process_time()
            response = self.client.post(
                "/api/v1/briefings/import/", body, content_type="application/json"
            )
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            self.assertEqual(response.status_code, 201, response.content[:500])
            imported = Claim.objects.filter(article__slug__startswith=f"bulk-{size}-")
            self.assertEqual(imported.count(), size)
            self.assertEqual(ClaimActor.objects.filter(claim__in=imported).count(), size)
            self.assertEqual(ClaimEvidence.objects.filter(claim__in=imported).count(), size)
            print(
                f"\nimport {size:>6} claims ({len(body) / 1e6:.1f} MB) on {connection.vendor}: "
                f"{seconds:.1f} s ({cpu:.1f} s of this process's CPU), "
                f"{seconds / size * 1000:.2f} ms per claim"
            )
