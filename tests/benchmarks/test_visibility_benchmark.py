"""
What a visibility check costs with the index (public_since) and with the old
rule derived per request, on a newsroom of 20,000 claims. Not a timed test:
it asserts that both give the same answer and records the numbers that
tests/benchmarks/conftest.py prints at the end of the run.

    DATABASE_URL=postgres://… .venv/bin/pytest tests/benchmarks/test_visibility_benchmark.py
"""

import statistics
import time

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from briefings import models, visibility
from tests.test_visibility_index import derived_public

CLAIMS_PER_ARTICLE = 20
ARTICLES = 1000  # 20,000 claims
ACTORS = 2000
SOURCES = 200
RUNS = 5
LINES = []


def milliseconds(fetch):
    """Median wall time of fetch(): the database server's work is what is measured."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fetch()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def newsroom():
    """
    Bulk-create the rows (no signals), then index them with refresh_all():
    every article is in a briefing, half the briefings are published, each
    claim has a speaker and an actor it is about, every fifth one evidence.
    """
    now = timezone.now()
    sources = models.Source.objects.bulk_create(
        models.Source(slug=f"s{n}", name=f"Source {n}", kind=models.SourceKind.OUTLET)
        for n in range(SOURCES)
    )
    actors = models.Actor.objects.bulk_create(
        models.Actor(slug=f"a{n}", name=f"Actor {n}", kind=models.ActorKind.PERSON)
        for n in range(ACTORS)
    )
    body = "".join(f"Point {n:03d}. " for n in range(CLAIMS_PER_ARTICLE))
    articles = models.Article.objects.bulk_create(
        models.Article(slug=f"r{n}", title=f"Article {n}", source=sources[n % SOURCES], body=body)
        for n in range(ARTICLES)
    )
    claims = models.Claim.objects.bulk_create(
        models.Claim(
            article=article,
            start=n * 12,
            end=n * 12 + 9,
            quote=f"Point {n:03d}",
            speaker=actors[(a * 7 + n) % ACTORS],
            attribution_kind=models.AttributionKind.DIRECT_QUOTE,
            quote_type=models.QuoteType.DIRECT,
            claim_type=models.ClaimType.FACTUAL,
            review_status=models.ReviewStatus.REVIEWED,
            reviewed_at=now,
        )
        for a, article in enumerate(articles)
        for n in range(CLAIMS_PER_ARTICLE)
    )
    models.ClaimActor.objects.bulk_create(
        models.ClaimActor(claim=claim, actor=actors[(n * 13) % ACTORS])
        for n, claim in enumerate(claims)
    )
    models.ClaimEvidence.objects.bulk_create(
        models.ClaimEvidence(claim=claim, source=sources[n % SOURCES])
        for n, claim in enumerate(claims[::5])
    )
    briefings = models.Briefing.objects.bulk_create(
        models.Briefing(
            slug=f"b{n}",
            title=f"Briefing {n}",
            lede="Lede.",
            status=models.BriefingStatus.PUBLISHED if n % 2 else models.BriefingStatus.DRAFT,
            published_at=now if n % 2 else None,
        )
        for n in range(ARTICLES)
    )
    models.BriefingArticle.objects.bulk_create(
        models.BriefingArticle(briefing=briefing, article=article)
        for briefing, article in zip(briefings, articles, strict=True)
    )
    models.BriefingClaim.objects.bulk_create(
        models.BriefingClaim(briefing=briefing, claim=claims[n * CLAIMS_PER_ARTICLE])
        for n, briefing in enumerate(briefings)
    )
    return briefings


@pytest.mark.benchmark
class VisibilityBenchmark(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefings = newsroom()
        start = time.perf_counter()
        visibility.refresh_all()
        cls.refresh_all_ms = (time.perf_counter() - start) * 1000
        cls.shown = models.Actor.objects.public().order_by("pk").first()
        # Spoken about only in a claim of a draft's article.
        cls.hidden = models.Actor.objects.create(slug="hidden", name="Hidden", kind="person")
        claim = models.Claim.objects.filter(article__briefings=cls.briefings[0]).first()
        models.ClaimActor.objects.create(claim=claim, actor=cls.hidden)

    def test_index_and_derived_rule_agree_and_their_costs(self):
        def derived(model):
            return derived_public(timezone.now())[model]

        checks = {
            "actor check, shown": (
                lambda: models.Actor.objects.public().filter(pk=self.shown.pk).exists(),
                lambda: derived(models.Actor).filter(pk=self.shown.pk).exists(),
            ),
            "actor check, hidden": (
                lambda: models.Actor.objects.public().filter(pk=self.hidden.pk).exists(),
                lambda: derived(models.Actor).filter(pk=self.hidden.pk).exists(),
            ),
            "Claim public().count()": (
                lambda: models.Claim.objects.public().count(),
                lambda: derived(models.Claim).count(),
            ),
            "Actor public().count()": (
                lambda: models.Actor.objects.public().count(),
                lambda: derived(models.Actor).count(),
            ),
        }
        LINES.append(f"{connection.vendor}, {models.Claim.objects.count()} claims; median ms")
        LINES.append(f"{'check':<24}{'index':>9}{'derived':>10}")
        for name, (indexed, old) in checks.items():
            self.assertEqual(indexed(), old())
            LINES.append(f"{name:<24}{milliseconds(indexed):>9.2f}{milliseconds(old):>10.1f}")

        # The price on write: publishing one briefing, and rebuilding everything.
        draft = self.briefings[0]
        draft.status, draft.published_at = models.BriefingStatus.PUBLISHED, timezone.now()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            draft.save()
            publish_ms = (time.perf_counter() - start) * 1000
        self.assertTrue(models.Claim.objects.public().filter(article__briefings=draft).exists())
        LINES.append(
            f"publish one briefing: {publish_ms:.1f} ms, {len(queries)} queries "
            f"(history and cache included); refresh_all(): {self.refresh_all_ms:.0f} ms"
        )
