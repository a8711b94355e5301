"""
Every API list and detail runs a fixed number of queries, whatever the amount
of data. Measured with full data (claims with speakers, roles and their
organisations, channels, events, evidence, actors they are about and the
briefings featuring them) at two sizes: thin fixtures hide N+1 queries.
"""

from django.test import TestCase

from briefings.models import (
    ActorAlias,
    ActorKind,
    BriefingArticle,
    BriefingClaim,
    ClaimEvidence,
    SourceKind,
    Verdict,
)
from sco.models import Membership, Milestone, Participation
from tests import factories


class Newsroom:
    """
    Published briefings that grow round by round. Each round adds new rows to
    every list, and adds to the hub objects whose details are measured: a
    speaker gains aliases, affiliations and claims, an article and a briefing
    gain claims, a summit, a meeting and a milestone gain participants and evidence.
    """

    def __init__(self):
        self.speaker = factories.ActorFactory(country=factories.ActorFactory(kind=ActorKind.STATE))
        self.role = factories.AffiliationFactory(actor=self.speaker)
        self.summit = factories.SummitFactory(host=self.speaker)
        self.article = factories.ArticleFactory()
        self.briefing = factories.BriefingFactory(published=True, event=self.summit)
        self.meeting = self.summit.meetings.create(
            slug="hub-meeting", title="Talks", kind="bilateral"
        )
        self.membership = factories.MembershipFactory()
        self.milestone = Milestone.objects.create(slug="hub-milestone", title="Founded", year=2001)
        self.participation = Participation.objects.create(
            summit=self.summit, participant=self.speaker, capacity="guest", status="in_person"
        )
        self.rounds = 0

    def grow(self, rounds):
        for _ in range(rounds):
            self.rounds += 1
            self.add_round()

    def add_round(self):
        state = factories.ActorFactory(kind=ActorKind.STATE)
        speaker = factories.ActorFactory(country=state)
        role = factories.AffiliationFactory(actor=speaker, organisation=state)
        ActorAlias.objects.create(actor=self.speaker, name=f"Alias {self.rounds}")
        factories.AffiliationFactory(actor=self.speaker, organisation=state)
        channel = factories.SourceFactory(kind=SourceKind.RELEASE, publisher=speaker)
        summit = factories.SummitFactory(country=state, host=speaker)
        claims = [
            factories.ClaimFactory(
                article=article,
                speaker=who,
                speaker_role=their_role,
                channel=channel,
                event=summit,
                about=[self.speaker, state],
                verdict=Verdict.ACCURATE,
                rationale="Matches the **record**.",
            )
            for article, who, their_role in [
                (factories.ArticleFactory(), speaker, role),
                (self.article, self.speaker, self.role),
            ]
        ]
        for claim in claims:
            ClaimEvidence.objects.create(claim=claim, source=factories.SourceFactory(), note="p. 1")
        briefing = factories.BriefingFactory(published=True, claims=claims, event=summit)
        briefing.actors.add(speaker, state)
        BriefingClaim.objects.create(briefing=self.briefing, claim=claims[0], position=self.rounds)
        BriefingArticle.objects.create(
            briefing=self.briefing, article=claims[0].article, position=self.rounds
        )
        self.briefing.actors.add(speaker)
        participation = Participation.objects.create(
            summit=summit, participant=state, capacity="member", status="in_person"
        )
        meeting = summit.meetings.create(
            slug=f"meeting-{summit.pk}", title="Talks", kind="bilateral"
        )
        milestone = Milestone.objects.create(slug=f"milestone-{summit.pk}", title="Step", year=2002)
        membership = Membership.objects.create(state=state, status="member", start_year=2001)
        self.meeting.participants.add(speaker)
        for fact in (
            summit, participation, meeting, milestone, membership,
            self.summit, self.participation, self.meeting, self.milestone, self.membership,
        ):  # fmt: skip
            fact.evidence.add(*claims)


# url → queries for an anonymous reader. Each list: COUNT(*) for the paginator,
# the page with its foreign keys, then one query per prefetched relation.
LIST_QUERIES = {
    # claims page with articles, sources, speakers, roles, organisations, channels,
    # events; about; evidence links with their sources; published briefings
    "/api/v1/claims/": 5,
    "/api/v1/claims/?cursor=": 4,  # the same without the COUNT(*)
    "/api/v1/claims/?speaker={speaker}": 5,
    "/api/v1/claims/?about={speaker}": 5,
    "/api/v1/claims/?briefing={briefing}": 5,
    # briefings page with events; actors; key-claim links; article links
    "/api/v1/briefings/": 5,
    # actors page (with country); aliases; affiliations; their organisations
    "/api/v1/actors/": 5,
    "/api/v1/articles/": 2,  # articles page with sources
    "/api/v1/articles/?cursor=": 1,
    "/api/v1/sources/": 2,  # sources page with publishers
    "/api/v1/events/": 2,  # events page with countries
    "/api/v1/sco/memberships/": 3,  # page with states; evidence claims
    "/api/v1/sco/summits/": 3,  # page with countries and hosts; evidence claims
    "/api/v1/sco/participations/": 3,  # page with summit and actors; evidence claims
    "/api/v1/sco/meetings/": 4,  # page with summit and host; participants; evidence
    "/api/v1/sco/milestones/": 3,  # page; evidence claims
}

# url (filled from the Newsroom) → queries for an anonymous reader.
DETAIL_QUERIES = {
    # the claim with its foreign keys (as in the list); about; evidence links with
    # their sources; published briefings
    "/api/v1/claims/{claim}/": 4,
    "/api/v1/claims/{claim}/annotation/": 4,
    "/api/v1/claims/{claim}/claimreview/": 4,
    # the briefing with its event; actors; key-claim links with claims, articles,
    # speakers and channels; article links with articles; authors
    "/api/v1/briefings/{briefing}/": 5,
    # the actor with its country; aliases; affiliations; their organisations
    "/api/v1/actors/{speaker}/": 4,
    "/api/v1/actors/{speaker}/popolo/": 4,
    "/api/v1/articles/{article}/": 1,  # the article with its source
    # the article; its claims with their foreign keys, as in the claims list
    "/api/v1/articles/{article}/annotations/": 2,
    "/api/v1/sources/{source}/": 1,  # the source with its publisher
    "/api/v1/events/{event}/": 1,  # the event with its country
    "/api/v1/sco/memberships/{membership}/": 2,  # the membership with its state; evidence
    "/api/v1/sco/summits/{summit}/": 2,  # the summit with country and host; evidence
    # the participation with summit, participant and representative; evidence
    "/api/v1/sco/participations/{participation}/": 2,
    "/api/v1/sco/meetings/{meeting}/": 3,  # the meeting with summit, host; participants; evidence
    "/api/v1/sco/milestones/{milestone}/": 2,  # the milestone; evidence
}


def urls(table, newsroom):
    """Return `table` with its urls filled from the newsroom's hub objects."""
    keys = {
        "speaker": newsroom.speaker.slug,
        "briefing": newsroom.briefing.slug,
        "article": newsroom.article.slug,
        "claim": newsroom.article.claims.first().pk,
        "source": newsroom.article.claims.first().channel.slug,
        "event": newsroom.summit.slug,
        "summit": newsroom.summit.slug,
        "membership": newsroom.membership.pk,
        "participation": newsroom.participation.pk,
        "meeting": newsroom.meeting.slug,
        "milestone": newsroom.milestone.slug,
    }
    return {url.format(**keys): expected for url, expected in table.items()}


class QueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.newsroom = Newsroom()

    def assertQueriesAtTwoSizes(self, table, user=None):
        if user is not None:
            self.client.force_login(user)
        for rounds in (2, 5):
            self.newsroom.grow(rounds - self.newsroom.rounds)
            for url, expected in urls(table, self.newsroom).items():
                with self.subTest(url=url, rounds=rounds), self.assertNumQueries(expected):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200, response.content[:200])
                    data = response.json()
                    if "results" in data:
                        self.assertTrue(data["results"])

    def test_lists_run_a_fixed_number_of_queries(self):
        self.assertQueriesAtTwoSizes(LIST_QUERIES)

    def test_details_run_a_fixed_number_of_queries(self):
        self.assertQueriesAtTwoSizes(DETAIL_QUERIES)

    def test_claims_and_briefings_are_fixed_for_staff_too(self):
        # session; user; the user's and groups' permissions, checked for briefings and
        # claims (visibility) — then the reader's queries, with pending changes joined.
        staff = {
            "/api/v1/claims/": 9,
            "/api/v1/briefings/": 9,
            "/api/v1/claims/{claim}/": 8,
            "/api/v1/briefings/{briefing}/": 9,
        }
        self.assertQueriesAtTwoSizes(staff, user=factories.editor())

    def test_grown_details_hold_every_row(self):
        """The details measured above do grow with the data (else the test proves nothing)."""
        self.newsroom.grow(3)
        briefing = self.client.get(f"/api/v1/briefings/{self.newsroom.briefing.slug}/").json()
        self.assertEqual(len(briefing["key_claims"]), 3)
        actor = self.client.get(f"/api/v1/actors/{self.newsroom.speaker.slug}/").json()
        self.assertEqual(len(actor["affiliations"]), 4)
        annotations = self.client.get(f"/api/v1/articles/{self.newsroom.article.slug}/annotations/")
        self.assertEqual(annotations.json()["total"], 3)
        claim = self.client.get(f"/api/v1/claims/{self.newsroom.article.claims.first().pk}/")
        self.assertEqual(len(claim.json()["about"]), 2)
        self.assertTrue(claim.json()["speaker_role"])
