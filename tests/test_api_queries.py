"""Every list page and detail runs a fixed number of queries, whatever the amount of data."""

from django.test import TestCase

from briefings.models import ActorAlias, Affiliation, ClaimEvidence
from sco.models import Milestone, Participation
from tests import factories


def build(n):
    """n published briefings, each with an article, two claims, actors, an SCO summit…"""
    for _ in range(n):
        speaker = factories.ActorFactory(country=factories.ActorFactory(kind="state"))
        ActorAlias.objects.create(actor=speaker, name=f"Alias of {speaker.name}")
        Affiliation.objects.create(actor=speaker, organisation=speaker.country, kind="office")
        article = factories.ArticleFactory()
        first = factories.ClaimFactory(
            article=article, speaker=speaker, channel=factories.SourceFactory(), about=[speaker]
        )
        ClaimEvidence.objects.create(claim=first, source=article.source)
        second = factories.ClaimFactory(article=article, quote="Critics said", speaker=speaker)
        summit = factories.SummitFactory()
        briefing = factories.BriefingFactory(published=True, claims=[first, second], event=summit)
        briefing.actors.add(speaker)
        summit.evidence.add(first)
        Participation.objects.create(
            summit=summit, participant=speaker.country, capacity="member", status="in_person"
        )
        summit.meetings.create(slug=f"meeting-{summit.pk}", title="Talks", kind="bilateral")
        factories.MembershipFactory(state=speaker.country)
        Milestone.objects.create(slug=f"milestone-{summit.pk}", title="Founded", year=2001)


# url → queries for an anonymous reader. Each list: COUNT(*) for the paginator,
# the page, then one query per prefetched relation:
LIST_QUERIES = {
    # claims page; about; evidence links; their sources; published briefings
    "/api/v1/claims/": 6,
    # briefings page; key-claim links with claims, articles, speakers, channels;
    # article links with articles; actors; authors
    "/api/v1/briefings/": 6,
    # actors page (with country); aliases; affiliations; their organisations
    "/api/v1/actors/": 5,
    "/api/v1/articles/": 2,  # articles page with sources
    "/api/v1/sources/": 2,  # sources page with publishers
    "/api/v1/events/": 2,  # events page with countries
    "/api/v1/sco/memberships/": 3,  # page with states; evidence claims
    "/api/v1/sco/summits/": 3,  # page with countries and hosts; evidence claims
    "/api/v1/sco/participations/": 3,  # page with summit and actors; evidence claims
    "/api/v1/sco/meetings/": 4,  # page with summit and host; participants; evidence
    "/api/v1/sco/milestones/": 3,  # page; evidence claims
}


class ListQueryCountTests(TestCase):
    def test_list_pages_run_a_fixed_number_of_queries(self):
        build(2)
        for url, expected in LIST_QUERIES.items():
            with self.subTest(url=url, size=2), self.assertNumQueries(expected):
                self.assertEqual(self.client.get(url).status_code, 200)
        build(4)
        for url, expected in LIST_QUERIES.items():
            with self.subTest(url=url, size=6), self.assertNumQueries(expected):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertGreaterEqual(len(response.json()["results"]), 1)


class DetailQueryCountTests(TestCase):
    def test_briefing_detail_is_fixed_for_staff_too(self):
        editor = factories.editor()
        build(1)
        self.client.force_login(editor)
        # session; user; permissions (user, group) checked for briefings and claims;
        # the briefing; key-claim links; article links; actors; authors
        for size in (1, 4):
            briefing = factories.BriefingFactory(
                published=True, claims=factories.ClaimFactory.create_batch(size)
            )
            with self.subTest(size=size), self.assertNumQueries(9):
                response = self.client.get(f"/api/v1/briefings/{briefing.slug}/")
                self.assertEqual(len(response.json()["key_claims"]), size)

    def test_annotation_collection_is_fixed(self):
        article = factories.ArticleFactory()
        factories.BriefingFactory(published=True, claims=[factories.ClaimFactory(article=article)])
        for extra in (0, 3):
            for _ in range(extra):
                factories.ClaimFactory(article=article, quote="Critics said")
            # the article; its claims with speakers, roles and channels; about; evidence;
            # briefings
            with self.subTest(extra=extra), self.assertNumQueries(5):
                self.client.get(f"/api/v1/articles/{article.slug}/annotations/")
