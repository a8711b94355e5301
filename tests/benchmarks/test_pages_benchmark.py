"""
How fast the public pages render, and how much memory they take, with 20 and
with 200 key claims. Not a timed test: it asserts only that each page answers
with the same number of queries at both sizes, and records its numbers for the
table printed at the end of the run (tests/benchmarks/conftest.py).

    .venv/bin/pytest tests/benchmarks
"""

import statistics
import time
import tracemalloc

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from briefings import models
from briefings.cache import GENERATION_KEY
from sco import models as sco_models
from tests import factories
from tests.benchmarks import report

SIZES = (20, 200)
RUNS = 3
SPEAKERS = 5


def briefing_with_claims(count):
    """
    A published briefing about a summit with `count` key claims, each using
    every part of a claim card: a speaker's role, a channel, evidence, a
    rationale, an actor it is about and an editor's comment.
    """
    summit = factories.SummitFactory()
    article = factories.article_with_sentences(count, url="https://example.org/story")
    channel = factories.SourceFactory(kind=models.SourceKind.RELEASE)
    evidence = factories.SourceFactory(kind=models.SourceKind.DOCUMENT)
    people = [factories.ActorFactory() for _ in range(SPEAKERS)]
    roles = [factories.AffiliationFactory(actor=person) for person in people]
    claims = []
    for n in range(count):
        claim = factories.ClaimFactory(
            article=article,
            quote=f"point {n} holds",
            speaker=people[n % SPEAKERS],
            speaker_role=roles[n % SPEAKERS],
            channel=channel,
            event=summit,
            about=[people[(n + 1) % SPEAKERS]],
            verdict=models.Verdict.ACCURATE if n % 2 else models.Verdict.MISLEADING,
            rationale=f"Checked against **record {n}**.",
        )
        models.ClaimEvidence.objects.create(claim=claim, source=evidence, note=f"p. {n}")
        claims.append(claim)
    briefing = factories.BriefingFactory(published=True, event=summit, claims=claims)
    models.BriefingClaim.objects.filter(briefing=briefing).update(comment="Why it matters.")
    for person in people:
        models.BriefingActor.objects.create(briefing=briefing, actor=person)
        sco_models.Participation.objects.create(
            summit=summit,
            participant=person,
            capacity=sco_models.ParticipationCapacity.MEMBER,
            status=sco_models.ParticipationStatus.IN_PERSON,
        )
        factories.MembershipFactory(state=person.country or factories.ActorFactory())
    return briefing


def milliseconds(fetch):
    """CPU time of fetch(): steadier than wall time on a shared machine, and SQLite runs inside."""
    start = time.process_time()
    fetch()
    return (time.process_time() - start) * 1000


@pytest.mark.benchmark
class PublicPagesBenchmark(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefings = {size: briefing_with_claims(size) for size in SIZES}

    def pages(self, briefing):
        """(name, url) of each public page, sized by the briefing."""
        claim = briefing.key_claims.first()
        return [
            ("briefing", briefing.get_absolute_url()),
            ("article", claim.article.get_absolute_url()),
            ("actor", claim.speaker.get_absolute_url()),
            ("claim", claim.get_absolute_url()),
            ("sco", reverse("sco:overview")),
        ]

    def measure(self, url):
        """Return (queries, cold, render, cached milliseconds, HTML KB, peak MB) for url."""

        match = resolve(url)

        def fetch():
            # The view itself, as a server calls it: the test client would copy the
            # template context on every {% include %} to record it, skewing the numbers.
            request = RequestFactory().get(url)
            request.user = AnonymousUser()
            response = match.func(request, *match.args, **match.kwargs)
            self.assertEqual(response.status_code, 200, url)
            return response

        def cold():
            cache.clear()
            fetch()

        def render():
            cache.delete(GENERATION_KEY)  # what any save does to the page cache
            fetch()

        cold()
        with CaptureQueriesContext(connection) as queries:
            render()
        size = len(fetch().content) / 1024
        tracemalloc.start()
        render()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        return (
            len(queries),
            statistics.median(milliseconds(cold) for _ in range(RUNS)),
            statistics.median(milliseconds(render) for _ in range(RUNS)),
            statistics.median(milliseconds(fetch) for _ in range(RUNS)),
            size,
            peak,
        )

    def test_pages_answer_in_the_same_queries_at_every_size(self):
        queries = {}
        for size, briefing in self.briefings.items():
            for name, url in self.pages(briefing):
                row = self.measure(url)
                queries.setdefault(name, set()).add(row[0])
                report.ROWS.append((name, size, *row))
        for name, counts in queries.items():
            self.assertEqual(len(counts), 1, f"{name} page queries vary with size: {counts}")
