"""Reading the API: resources, visibility, filters, ordering and pagination."""

import datetime

from django.test import TestCase
from django.utils import timezone

from briefings.models import (
    ActorAlias,
    ActorKind,
    AttributionKind,
    ClaimEvidence,
    QuoteType,
    ReviewStatus,
    Verdict,
)
from sco.models import MembershipStatus
from tests import factories

DRAFT_BODY = "A secret draft text. The minister stated a plan nobody may see yet."


class PublishedAndDraftData:
    """One published briefing and one draft, each with its own article, actors and claims."""

    @classmethod
    def setUpTestData(cls):
        cls.russia = factories.ActorFactory(name="Russia", slug="russia", kind=ActorKind.STATE)
        cls.putin = factories.ActorFactory(
            name="Vladimir Putin", slug="vladimir-putin", country=cls.russia, wikidata_qid="Q7747"
        )
        ActorAlias.objects.create(actor=cls.putin, name="Путин", language="ru")
        cls.kremlin = factories.ActorFactory(
            name="Kremlin",
            name_article="the",
            slug="kremlin",
            kind=ActorKind.BODY,
            country=cls.russia,
        )
        cls.release = factories.SourceFactory(
            name="Kremlin release", slug="kremlin-release", kind="release"
        )
        cls.summit = factories.EventFactory(
            name="SCO summit", slug="sco-summit", start_date=datetime.date(2024, 7, 3)
        )
        cls.article = factories.ArticleFactory(slug="astana", title="Putin and Xi in Astana")
        cls.quote_claim = factories.ClaimFactory(
            article=cls.article,
            speaker=cls.kremlin,
            channel=cls.release,
            event=cls.summit,
            said_date=datetime.date(2024, 7, 2),
            verdict=Verdict.ACCURATE,
            rationale="Matches the **release**.",
            about=[cls.putin],
        )
        ClaimEvidence.objects.create(claim=cls.quote_claim, source=cls.release, note="The text")
        cls.assertion = factories.ClaimFactory(
            article=cls.article,
            quote="Critics said the summit changed little.",
            speaker=None,
            attribution_kind=AttributionKind.ASSERTION,
            quote_type=QuoteType.NONE,
            cue="",
            said_date=datetime.date(2024, 7, 4),
        )
        cls.published = factories.BriefingFactory(
            published=True,
            slug="putin-and-xi",
            event=cls.summit,
            claims=[cls.quote_claim, cls.assertion],
        )
        cls.published.actors.add(cls.putin, cls.russia)

        cls.secret = factories.ActorFactory(name="Secret Minister", slug="secret-minister")
        cls.draft_article = factories.ArticleFactory(slug="draft-article", body=DRAFT_BODY)
        cls.draft_claim = factories.ClaimFactory(
            article=cls.draft_article, quote="a plan nobody may see yet", speaker=cls.secret
        )
        cls.draft = factories.BriefingFactory(slug="secret-draft", claims=[cls.draft_claim])
        cls.editor = factories.editor()

    def results(self, url, **params):
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()["results"]

    def slugs(self, url, key="slug", **params):
        return [row[key] for row in self.results(url, **params)]


class RootAndDocsTests(TestCase):
    def test_root_lists_every_resource(self):
        response = self.client.get("/api/v1/")
        self.assertEqual(
            set(response.json()),
            {
                "briefings",
                "articles",
                "claims",
                "actors",
                "sources",
                "events",
                "sco/memberships",
                "sco/summits",
                "sco/participations",
                "sco/meetings",
                "sco/milestones",
            },
        )

    def test_schema_served_as_yaml_and_json(self):
        yaml_response = self.client.get("/api/schema/")
        self.assertEqual(yaml_response.status_code, 200)
        self.assertTrue(yaml_response.content.startswith(b"openapi: 3"))
        json_response = self.client.get("/api/schema/", {"format": "json"})
        self.assertEqual(json_response.json()["info"]["title"], "Briefings API")

    def test_docs_pages_load_assets_from_this_site_only(self):
        # ReDoc's bundle comes through a view that points its logo here (test_security).
        assets = {
            "/api/docs/": "/static/drf_spectacular_sidecar/",
            "/api/redoc/": "/api/redoc/redoc.standalone.js",
        }
        for url, asset in assets.items():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, asset)
                self.assertNotContains(response, "https://")


class VisibilityTests(PublishedAndDraftData, TestCase):
    def test_anonymous_sees_only_published_briefings(self):
        self.assertEqual(self.slugs("/api/v1/briefings/"), ["putin-and-xi"])
        self.assertEqual(self.client.get("/api/v1/briefings/secret-draft/").status_code, 404)

    def test_anonymous_sees_nothing_reachable_only_through_drafts(self):
        self.assertNotIn("draft-article", self.slugs("/api/v1/articles/"))
        self.assertNotIn("secret-minister", self.slugs("/api/v1/actors/"))
        self.assertNotIn(self.draft_claim.pk, self.slugs("/api/v1/claims/", key="id"))
        for url in (
            "/api/v1/articles/draft-article/",
            "/api/v1/actors/secret-minister/",
            f"/api/v1/claims/{self.draft_claim.pk}/",
            f"/api/v1/claims/{self.draft_claim.pk}/annotation/",
            "/api/v1/articles/draft-article/annotations/",
            "/api/v1/actors/secret-minister/popolo/",
            "/api/v1/briefings/secret-draft/export/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_filtering_by_a_draft_briefing_reveals_nothing(self):
        self.assertEqual(self.results("/api/v1/claims/", briefing="secret-draft"), [])
        self.assertEqual(self.results("/api/v1/articles/", briefing="secret-draft"), [])

    def test_claims_list_only_published_briefings_they_are_in(self):
        self.draft.claim_links.create(claim=self.quote_claim, position=1)
        claim = self.client.get(f"/api/v1/claims/{self.quote_claim.pk}/").json()
        self.assertEqual([b["slug"] for b in claim["briefings"]], ["putin-and-xi"])

    def test_staff_see_drafts(self):
        self.client.force_login(self.editor)
        self.assertEqual(set(self.slugs("/api/v1/briefings/")), {"putin-and-xi", "secret-draft"})
        self.assertEqual(self.client.get(f"/api/v1/claims/{self.draft_claim.pk}/").status_code, 200)

    def test_editor_note_is_for_staff_only(self):
        url = f"/api/v1/claims/{self.quote_claim.pk}/"
        self.assertNotIn("editor_note", self.client.get(url).json())
        self.client.force_login(self.editor)
        self.assertIn("editor_note", self.client.get(url).json())

    def test_retired_key_claims_are_hidden_from_readers(self):
        self.assertion.review_status = ReviewStatus.RETIRED
        self.assertion.reviewed_at = timezone.now()
        self.assertion.save()
        briefing = self.client.get("/api/v1/briefings/putin-and-xi/").json()
        self.assertEqual([k["claim"]["id"] for k in briefing["key_claims"]], [self.quote_claim.pk])


class RepresentationTests(PublishedAndDraftData, TestCase):
    def test_claim_carries_everything_a_consumer_needs(self):
        claim = self.client.get(f"/api/v1/claims/{self.quote_claim.pk}/").json()
        self.assertEqual(claim["quote"], "We will deepen cooperation")
        self.assertEqual(self.article.body[claim["start"] : claim["end"]], claim["quote"])
        self.assertEqual(
            claim["article"],
            {
                "id": self.article.pk,
                "slug": "astana",
                "title": "Putin and Xi in Astana",
                "api_url": "http://testserver/api/v1/articles/astana/",
                "page_url": "http://testserver/articles/astana/",
            },
        )
        self.assertEqual(
            claim["speaker"],
            {
                "slug": "kremlin",
                "name": "Kremlin",
                "kind": "body",
                "api_url": "http://testserver/api/v1/actors/kremlin/",
            },
        )
        self.assertEqual((claim["cue"], claim["quote_type"]), ("stated", "direct"))
        self.assertEqual(claim["channel"]["slug"], "kremlin-release")
        self.assertEqual(claim["attribution_text"], "In an official release, the Kremlin stated")
        self.assertEqual(claim["claim_type"], "announcement")
        self.assertEqual([a["slug"] for a in claim["about"]], ["vladimir-putin"])
        self.assertEqual(
            (claim["verdict"], claim["rationale"]), ("accurate", "Matches the **release**.")
        )
        self.assertIn("<strong>release</strong>", claim["rationale_html"])
        self.assertEqual(claim["evidence"], [{"source": claim["channel"], "note": "The text"}])
        self.assertEqual([b["slug"] for b in claim["briefings"]], ["putin-and-xi"])
        self.assertEqual(claim["page_url"], f"http://testserver/claims/{self.quote_claim.pk}/")

    def test_briefing_embeds_ordered_key_claims_with_comments(self):
        self.published.claim_links.filter(claim=self.assertion).update(comment="Context.")
        briefing = self.client.get("/api/v1/briefings/putin-and-xi/").json()
        self.assertEqual(
            [(k["position"], k["claim"]["id"], k["comment"]) for k in briefing["key_claims"]],
            [(0, self.quote_claim.pk, ""), (1, self.assertion.pk, "Context.")],
        )
        self.assertEqual(briefing["key_claims"][0]["claim"]["speaker"]["slug"], "kremlin")
        self.assertEqual([a["slug"] for a in briefing["articles"]], ["astana"])
        self.assertEqual(briefing["event"]["slug"], "sco-summit")

    def test_article_carries_its_body(self):
        article = self.client.get("/api/v1/articles/astana/").json()
        self.assertEqual(article["body"], self.article.body)
        self.assertEqual(article["source"]["slug"], self.article.source.slug)

    def test_actor_carries_aliases_and_wikidata(self):
        actor = self.client.get("/api/v1/actors/vladimir-putin/").json()
        self.assertEqual(actor["aliases"], [{"name": "Путин", "language": "ru"}])
        self.assertEqual(actor["wikidata_url"], "https://www.wikidata.org/wiki/Q7747")
        self.assertEqual(actor["country"]["slug"], "russia")

    def test_unknown_objects_are_json_404s(self):
        for url in ("/api/v1/claims/999999/", "/api/v1/actors/nobody/"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 404)
            self.assertIn("detail", response.json())


class ClaimFilterTests(PublishedAndDraftData, TestCase):
    def ids(self, **params):
        return self.slugs("/api/v1/claims/", key="id", **params)

    def test_filters_select_the_matching_claims(self):
        quote, assertion = self.quote_claim.pk, self.assertion.pk
        cases = {
            "speaker": ("kremlin", [quote]),
            "about": ("vladimir-putin", [quote]),
            "article": ("astana", [quote, assertion]),
            "briefing": ("putin-and-xi", [quote, assertion]),
            "event": ("sco-summit", [quote]),
            "channel": ("kremlin-release", [quote]),
            "quote_type": ("none", [assertion]),
            "attribution_kind": ("direct_quote", [quote]),
            "claim_type": ("announcement", [quote, assertion]),
            "verdict": ("accurate", [quote]),
            "review_status": ("reviewed", [quote, assertion]),
            "said_after": ("2024-07-03", [assertion]),
            "said_before": ("2024-07-03", [quote]),
            "q": ("CRITICS", [assertion]),
        }
        for name, (value, expected) in cases.items():
            with self.subTest(filter=name):
                self.assertEqual(sorted(self.ids(**{name: value})), sorted(expected))

    def test_published_date_range_uses_the_article_date(self):
        published = self.article.published_at
        after = (published + datetime.timedelta(days=1)).isoformat()
        before = (published + datetime.timedelta(days=1)).isoformat()
        self.assertEqual(self.ids(published_after=after), [])
        self.assertEqual(len(self.ids(published_before=before)), 2)

    def test_verdict_takes_several_values(self):
        ids = self.client.get("/api/v1/claims/?verdict=accurate&verdict=unverified").json()
        self.assertEqual(ids["count"], 2)

    def test_date_times_with_offsets_the_database_refuses_still_work(self):
        response = self.client.get(
            "/api/v1/claims/", {"published_after": "0541-08-17T04:00:16-19:50"}
        )
        self.assertEqual(response.status_code, 200)
        response = self.client.get(
            "/api/v1/claims/", {"published_after": "0001-01-01T00:00:00+10:00"}
        )
        self.assertEqual(response.status_code, 400)

    def test_invalid_filter_values_are_400_with_the_field_named(self):
        for params in ({"verdict": "maybe"}, {"said_after": "yesterday"}):
            with self.subTest(params=params):
                response = self.client.get("/api/v1/claims/", params)
                self.assertEqual(response.status_code, 400)
                self.assertIn(next(iter(params)), response.json())


class OtherFilterTests(PublishedAndDraftData, TestCase):
    def test_actor_filters(self):
        self.assertEqual(self.slugs("/api/v1/actors/", kind="state"), ["russia"])
        self.assertEqual(
            self.slugs("/api/v1/actors/", country="russia"), ["kremlin", "vladimir-putin"]
        )
        self.assertEqual(self.slugs("/api/v1/actors/", q="Путин"), ["vladimir-putin"])
        self.assertEqual(self.slugs("/api/v1/actors/", q="kreml"), ["kremlin"])

    def test_briefing_filters(self):
        self.assertEqual(self.slugs("/api/v1/briefings/", event="sco-summit"), ["putin-and-xi"])
        self.assertEqual(self.slugs("/api/v1/briefings/", actor="vladimir-putin"), ["putin-and-xi"])
        tomorrow = (timezone.now() + datetime.timedelta(days=1)).isoformat()
        self.assertEqual(self.slugs("/api/v1/briefings/", published_after=tomorrow), [])
        self.assertEqual(
            self.slugs("/api/v1/briefings/", published_before=tomorrow), ["putin-and-xi"]
        )

    def test_briefing_status_filter_shows_drafts_to_staff_only(self):
        self.assertEqual(self.slugs("/api/v1/briefings/", status="draft"), [])
        self.client.force_login(self.editor)
        self.assertEqual(self.slugs("/api/v1/briefings/", status="draft"), ["secret-draft"])

    def test_article_source_and_event_filters(self):
        self.assertEqual(
            self.slugs("/api/v1/articles/", source=self.article.source.slug), ["astana"]
        )
        self.assertEqual(self.slugs("/api/v1/articles/", language="en"), ["astana"])
        self.assertEqual(self.slugs("/api/v1/events/", starts_after="2024-07-01"), ["sco-summit"])
        self.assertEqual(self.slugs("/api/v1/events/", starts_before="2024-07-01"), [])
        self.assertEqual(self.slugs("/api/v1/sources/", kind="outlet"), [self.article.source.slug])
        self.assertEqual(self.slugs("/api/v1/sources/", kind="release"), ["kremlin-release"])


class SCOTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.india = factories.MembershipFactory(
            state__name="India", state__slug="india", start_year=2017
        )
        cls.founder = factories.MembershipFactory(
            state__name="Russia", state__slug="russia", is_founding=True
        )
        cls.old = factories.MembershipFactory(
            state__name="Mongolia",
            state__slug="mongolia",
            status=MembershipStatus.OBSERVER,
            start_year=2004,
            end_year=2005,
        )
        cls.summit = factories.SummitFactory(
            slug="astana-2024", start_date=datetime.date(2024, 7, 3)
        )
        cls.summit.participations.create(
            participant=cls.india.state, capacity="member", status="represented",
            representative=factories.ActorFactory(slug="jaishankar"),
        )  # fmt: skip
        meeting = cls.summit.meetings.create(
            slug="putin-xi", title="Putin meets Xi", kind="bilateral"
        )
        meeting.participant_links.create(actor=cls.founder.state)
        cls.summit.evidence.add(factories.ClaimFactory())  # a claim in no published briefing
        factories.BriefingFactory(published=True, event=cls.summit)

    def slugs(self, url, key, **params):
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200, response.content)
        return [row[key] for row in response.json()["results"]]

    def test_memberships_filter_by_status_and_date(self):
        def states(**params):
            return sorted(row["slug"] for row in [
                m["state"] for m in self.client.get("/api/v1/sco/memberships/", params)
                .json()["results"]])  # fmt: skip

        self.assertEqual(states(status="observer"), ["mongolia"])
        self.assertEqual(states(on="2004-06-01"), ["mongolia", "russia"])
        self.assertEqual(states(on="2020-01-01"), ["india", "russia"])
        self.assertEqual(states(state="india"), ["india"])
        self.assertEqual(states(since_year=2010), ["india"])

    def test_summits_participations_and_meetings(self):
        self.assertEqual(self.slugs("/api/v1/sco/summits/", "slug", year=2024), ["astana-2024"])
        participation = self.client.get("/api/v1/sco/participations/", {"summit": "astana-2024"})
        row = participation.json()["results"][0]
        self.assertEqual((row["participant"]["slug"], row["status"]), ("india", "represented"))
        self.assertEqual(row["representative"]["slug"], "jaishankar")
        self.assertEqual(
            self.slugs("/api/v1/sco/meetings/", "slug", participant="russia"), ["putin-xi"]
        )

    def test_evidence_lists_only_claims_the_reader_may_see(self):
        summit = self.client.get("/api/v1/sco/summits/astana-2024/").json()
        self.assertEqual(summit["evidence"], [])
        self.client.force_login(factories.editor())
        summit = self.client.get("/api/v1/sco/summits/astana-2024/").json()
        self.assertEqual(len(summit["evidence"]), 1)


class OrderingAndPaginationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.actors = [factories.ActorFactory(name=f"Name {n:02}") for n in range(25)]
        factories.BriefingFactory(published=True).actors.add(*cls.actors)

    def test_pages_link_to_their_neighbours_without_overlap(self):
        first = self.client.get("/api/v1/actors/", {"page_size": 10}).json()
        self.assertEqual(first["count"], 25)
        self.assertIsNone(first["previous"])
        second = self.client.get(first["next"]).json()
        self.assertIn("page=2", first["next"])
        third = self.client.get(second["next"]).json()
        self.assertIsNone(third["next"])
        names = [a["name"] for page in (first, second, third) for a in page["results"]]
        self.assertEqual(names, sorted(f"Name {n:02}" for n in range(25)))

    def test_page_size_is_bounded(self):
        factories.ActorFactory.create_batch(80)
        # Only the 25 covered actors are public; a staff member sees all 105.
        self.client.force_login(factories.editor())
        response = self.client.get("/api/v1/actors/", {"page_size": 1000})
        self.assertEqual(len(response.json()["results"]), 100)

    def test_ordering_parameter(self):
        names = [a["name"] for a in self.client.get("/api/v1/actors/", {"ordering": "-name"})
                 .json()["results"]]  # fmt: skip
        self.assertEqual(names[0], "Name 24")

    def test_unknown_page_is_404_not_500(self):
        self.assertEqual(self.client.get("/api/v1/actors/", {"page": 99}).status_code, 404)
        self.assertEqual(self.client.get("/api/v1/actors/", {"page": "x"}).status_code, 404)


class SummitFormatFilterTests(TestCase):
    def test_summits_filter_by_format_without_clashing_with_the_response_format(self):
        virtual = factories.SummitFactory(slug="virtual-2023", format="virtual")
        in_person = factories.SummitFactory(slug="astana-2024")
        for summit in (virtual, in_person):
            factories.BriefingFactory(published=True, event=summit)
        response = self.client.get("/api/v1/sco/summits/", {"summit_format": "virtual"})
        self.assertEqual([row["slug"] for row in response.json()["results"]], ["virtual-2023"])
