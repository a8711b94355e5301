"""Public pages: each URL renders what readers need, in a fixed number of queries."""

from collections import defaultdict

from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from briefings.models import Actor, Article, Briefing, BriefingClaim, Claim, Source, Verdict
from sco.models import (
    Meeting,
    MeetingKind,
    MeetingParticipant,
    Membership,
    MembershipStatus,
    Participation,
    ParticipationCapacity,
    ParticipationStatus,
    Summit,
)
from tests import factories

SLUG = "putin-and-xi-meet-at-sco-summit-in-astana"
ARTICLE_SLUG = "putin-and-xi-to-meet-at-sco-summit-in-astana"


class AstanaPagesTests(TestCase):
    """Every public URL, on the seed briefing (manage.py load_seeds)."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_seeds", verbosity=0)
        cls.briefing = Briefing.objects.get(slug=SLUG)
        cls.url = cls.briefing.get_absolute_url()
        cls.article = Article.objects.get(slug=ARTICLE_SLUG)
        # The seeds record no correction; one is added to see how it is shown.
        factories.CorrectionFactory(
            briefing=cls.briefing,
            reason="The summit dates were given as July 4–5; they are July 3–4.",
            changed_fields=["lede"],
        )

    def test_briefing_shows_title_lede_analysis_and_byline(self):
        response = self.client.get(reverse("briefings:briefing-detail", args=[SLUG]))
        self.assertContains(response, "<h1>Putin and Xi meet at the SCO summit in Astana</h1>")
        self.assertContains(response, "India&#x27;s prime minister stayed away")
        self.assertContains(response, "<strong>Narendra Modi</strong>")  # markdown, sanitised
        self.assertContains(response, 'rel="canonical" href="http://testserver' + self.url)
        self.assertContains(response, 'property="og:type" content="article"')

    def test_key_claims_are_in_the_editors_order_by_default(self):
        content = self.client.get(self.url).content.decode()
        order = BriefingClaim.objects.filter(briefing=self.briefing).order_by("position", "id")
        cards = [
            content.index(f'<details class="claim" id="claim-{link.claim_id}"') for link in order
        ]
        self.assertEqual(cards, sorted(cards))
        self.assertEqual(content.count('<details class="claim"'), 14)
        self.assertNotIn('class="speaker-group"', content)
        self.assertIn('href="?group=speaker#claims-heading"', content)

    def test_reader_may_group_key_claims_by_speaker_in_editor_order(self):
        content = self.client.get(self.url, {"group": "speaker"}).content.decode()
        speakers = ("Kremlin", "India", "Shanghai Cooperation Organisation", "Joe Biden")
        groups = [content.index(f">{name}</a>\n") for name in speakers]
        self.assertEqual(groups, sorted(groups))
        self.assertIn("The articles’ own assertions", content)
        self.assertEqual(content.count('<details class="claim"'), 14)
        self.assertIn(f'href="{self.url}#claims-heading"', content)

    def test_claims_show_verdict_in_words_and_attribution_chain(self):
        response = self.client.get(self.url)
        self.assertContains(response, '<span class="verdict verdict-accurate">Accurate</span>')
        self.assertContains(response, "Opinion — not checkable")
        self.assertContains(
            response,
            "In an official release, the Kremlin, Office of the President of Russia, stated",
        )
        self.assertContains(response, "As announced by the Kremlin")
        self.assertContains(response, '<span class="attribution">India stated</span>')

    def test_expanded_claim_holds_sentence_outlet_link_and_editor_comment(self):
        claim = Claim.objects.get(quote__startswith="Prime Minister Narendra Modi")
        response = self.client.get(self.url)
        self.assertContains(
            response,
            "India stated that <mark>Prime Minister Narendra Modi, who is anticipated in Moscow "
            "later this month, will not be in attendance</mark>.",
        )
        self.assertContains(response, "<cite>Outlet not recorded</cite>")
        self.assertContains(response, f'href="{self.article.get_absolute_url()}#claim-{claim.pk}"')
        self.assertContains(response, "Modi skipped Astana but was due in Moscow days later.")
        self.assertContains(response, "Modi did not travel to Astana")  # rationale

    def test_article_text_marks_every_anchored_claim_with_a_link(self):
        content = self.client.get(self.url).content.decode()
        claims = Claim.objects.public().filter(article=self.article)
        self.assertEqual(len(claims), 15)
        for hidden in Claim.objects.exclude(pk__in=claims.values("pk")):
            self.assertNotRegex(content, rf'data-claims="[^"]*\bclaim-{hidden.pk}\b')
        on_span = defaultdict(list)
        for claim in claims:
            self.assertRegex(content, rf'data-claims="[^"]*\bclaim-{claim.pk}\b')
            on_span[claim.start, claim.end].append(claim)
        self.assertEqual(len(on_span), 15)
        for shared in on_span.values():
            links = [f'href="/claims/{claim.pk}/" data-claim="{claim.pk}"' for claim in shared]
            self.assertTrue(any(link in content for link in links), shared)

    def test_briefing_shows_summit_panel_actors_sources_and_corrections(self):
        response = self.client.get(self.url)
        self.assertContains(response, "At the summit:")
        self.assertContains(response, 'Sends <a href="/actors/subrahmanyam-jaishankar/">')
        self.assertContains(response, "On the sidelines")
        self.assertContains(response, "Informal dinner hosted by Kassym-Jomart Tokayev")
        # Tokayev has no public page yet: named, not linked.
        self.assertNotContains(response, 'href="/actors/kassym-jomart-tokayev/"')
        self.assertContains(response, "Who is involved")
        self.assertContains(response, "Kremlin release on the SCO summit in Astana</a>")
        self.assertContains(response, "The summit dates were given as July 4–5")
        self.assertContains(response, "Corrected 1 time")

    def test_claim_permalink_shows_context_attribution_verdict_and_evidence(self):
        claim = Claim.objects.get(quote__startswith="Belarus will participate")
        response = self.client.get(claim.get_absolute_url())
        self.assertContains(response, '<h2 id="verdict-heading">Verdict: Accurate</h2>')
        self.assertContains(response, "According to the Kremlin")
        self.assertContains(
            response,
            '<a href="/sources/sco-astana-declaration-2024/">Astana Declaration of the SCO '
            "Council of Heads of State</a>",
        )
        self.assertContains(response, f'href="{self.url}#claim-{claim.pk}"')

    def test_claim_permalink_lists_other_appearances_of_the_statement(self):
        from briefings.models import Statement

        claim = Claim.objects.get(quote__startswith="Prime Minister Narendra Modi")
        other_article = factories.ArticleFactory(
            source=factories.SourceFactory(name="Other Outlet"),
            body="Modi will not attend, India said.",
        )
        other = factories.ClaimFactory(article=other_article, quote="Modi will not attend")
        factories.BriefingFactory(published=True, claims=[other])
        statement = Statement.objects.create(summary="India: Modi will skip the summit")
        Claim.objects.filter(pk__in=[claim.pk, other.pk]).update(statement=statement)
        response = self.client.get(claim.get_absolute_url())
        self.assertContains(response, "The same statement elsewhere")
        self.assertContains(response, "Modi will not attend")
        self.assertContains(response, "Other Outlet")

    def test_actor_page_shows_profile_aliases_roles_and_claims(self):
        response = self.client.get(reverse("briefings:actor-detail", args=["xi-jinping"]))
        self.assertContains(response, "<h1>Xi Jinping</h1>")
        self.assertContains(response, "习近平</span>")
        self.assertContains(response, 'href="https://www.wikidata.org/wiki/Q15031"')
        self.assertContains(response, "Said about Xi Jinping")
        self.assertContains(response, "“dictator”")
        # Tokayev speaks and is spoken of only in claims not reviewed yet: no page.
        response = self.client.get(
            reverse("briefings:actor-detail", args=["kassym-jomart-tokayev"])
        )
        self.assertEqual(response.status_code, 404)

    def test_article_page_is_an_annotated_reading_view(self):
        response = self.client.get(reverse("briefings:article-detail", args=[ARTICLE_SLUG]))
        # Readers see the reviewed claims only (15 of the seed's 28).
        self.assertContains(response, "15 claims marked")
        self.assertContains(response, '<mark class="claim-span span-')
        self.assertContains(response, '<div class="article-body" lang="en">')

    def test_source_and_event_pages_show_what_they_hold(self):
        response = self.client.get(reverse("briefings:source-detail", args=["seed-article-outlet"]))
        self.assertContains(response, "Annotated articles")
        response = self.client.get(
            reverse("briefings:source-detail", args=["kremlin-release-sco-summit-2024"])
        )
        self.assertContains(response, "Claims made through this source")
        response = self.client.get(
            reverse("briefings:source-detail", args=["sco-astana-declaration-2024"])
        )
        self.assertContains(response, "Cited as evidence for")
        response = self.client.get(
            reverse("briefings:event-detail", args=["sco-summit-astana-2024"])
        )
        self.assertContains(response, "Claims about this event")
        self.assertContains(response, "At the summit:")

    def test_sco_overview_draws_timeline_and_links_facts_to_claims(self):
        response = self.client.get(reverse("sco:overview"))
        self.assertContains(response, '<svg viewBox="0 0 760')
        # India, Iran and Pakistan joined "after 2001"; nine dialogue partners have no dates.
        self.assertContains(response, "tl-bar-unknown", count=12)
        self.assertContains(response, "joined after 2001 (date not given)")
        self.assertContains(response, "Belarus: Member, since 2024")
        founded = Claim.objects.get(quote__startswith="a club established")
        self.assertContains(response, f'href="/claims/{founded.pk}/"')
        self.assertContains(response, "The SCO&#x27;s predecessor is established")

    def test_summit_page_shows_participation_and_meetings(self):
        response = self.client.get(reverse("sco:summit-detail", args=["sco-summit-astana-2024"]))
        self.assertContains(response, "Who attends, and who was sent in whose place")
        self.assertContains(response, "Putin and Xi Jinping")
        self.assertContains(response, '<span class="tag">expected</span>')


class EscapingTests(TestCase):
    def test_text_from_articles_and_editors_is_escaped(self):
        article = factories.ArticleFactory(body="He said <script>alert(1)</script> loudly.")
        claim = factories.ClaimFactory(article=article, quote="<script>alert(1)</script>")
        briefing = factories.BriefingFactory(
            published=True,
            claims=[claim],
            title="<img src=x onerror=alert(1)>",
            analysis="<script>alert(2)</script> **ok**",
        )
        response = self.client.get(briefing.get_absolute_url())
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "<img src=x")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertContains(response, "<strong>ok</strong>")


class ErrorPageTests(TestCase):
    def test_unknown_page_gets_a_friendly_404(self):
        response = self.client.get("/no-such-page/")
        self.assertContains(response, "We could not find that page", status_code=404)
        self.assertContains(response, 'role="search"', status_code=404)

    @override_settings(DEBUG=False)
    def test_server_error_page_renders_without_context(self):
        from django.template.loader import render_to_string

        html = render_to_string("500.html")
        self.assertIn("Something went wrong on our side", html)
        self.assertIn('lang="en"', html)


class QueryCountTests(TestCase):
    """Each page costs the same number of queries with 3 claims as with 30."""

    def assert_constant_queries(self, expected, url_for):
        for size in (3, 30):
            with self.subTest(claims=size):
                Briefing.objects.all().delete()
                briefing = factories.published_briefing(claims=size, speakers=3)
                cache.clear()
                url = url_for(briefing)
                with self.assertNumQueries(expected):
                    response = self.client.get(url)
                self.assertEqual(response.status_code, 200)

    def test_briefing_page(self):
        # briefing + event; key claims with speaker, role and channel; articles; span
        # claims; sources (outlets, channels, evidence); covered actors; authors; corrections
        self.assert_constant_queries(8, lambda briefing: briefing.get_absolute_url())

    def test_briefing_page_about_a_summit(self):
        summit = factories.SummitFactory()
        Participation.objects.create(
            summit=summit,
            participant=factories.ActorFactory(),
            capacity=ParticipationCapacity.MEMBER,
            status=ParticipationStatus.IN_PERSON,
        )
        meeting = Meeting.objects.create(
            slug="talks", title="Talks", summit=summit, kind=MeetingKind.BILATERAL
        )
        MeetingParticipant.objects.create(meeting=meeting, actor=factories.ActorFactory())
        for size in (3, 30):
            with self.subTest(claims=size):
                briefing = factories.published_briefing(claims=size, event=summit)
                cache.clear()
                # the 8 above + summit panel: summit; its evidence; participations; their
                # evidence; meetings; their evidence; meeting participants; public actors
                with self.assertNumQueries(8 + 8):
                    self.client.get(briefing.get_absolute_url())

    def test_article_page(self):
        # article + source; claims with attribution; briefings using it; public()
        # check is not run for readers
        self.assert_constant_queries(
            3,
            lambda briefing: Article.objects.filter(briefings=briefing).get().get_absolute_url(),
        )

    def test_actor_page(self):
        # actor + country; aliases; affiliations (none here, so no query for which of
        # their organisations are public); claims made, claims about and briefings,
        # each a count and a page
        self.assert_constant_queries(
            9,
            lambda briefing: Actor.objects.filter(briefings=briefing).first().get_absolute_url(),
        )

    def test_claim_page(self):
        # claim with speaker, role, channel, article, source, event, statement; about
        # actors; evidence; briefings
        self.assert_constant_queries(
            4, lambda briefing: briefing.key_claims.first().get_absolute_url()
        )

    def test_source_page(self):
        # source + publisher; articles (a count and a page); claims channelled and claims
        # evidenced (a count each; none here, so no page query)
        self.assert_constant_queries(
            5,
            lambda briefing: (
                Source.objects.filter(articles__briefings=briefing).get().get_absolute_url()
            ),
        )

    def test_home_page(self):
        # count for the paginator; briefings with their events
        self.assert_constant_queries(2, lambda briefing: reverse("briefings:home"))

    def test_search_page(self):
        # briefings; claims ranked, then loaded; actors (the aliases subquery runs inside)
        self.assert_constant_queries(4, lambda briefing: reverse("briefings:search") + "?q=point")

    def test_sco_overview(self):
        summit = factories.SummitFactory()
        factories.BriefingFactory(published=True, event=summit)
        for size in (3, 30):
            with self.subTest(memberships=size):
                Membership.objects.all().delete()
                for _ in range(size):
                    factories.MembershipFactory(status=MembershipStatus.OBSERVER)
                cache.clear()
                # memberships; their evidence; milestones (none, so no evidence query);
                # summits; their evidence; participations; meetings; public actors
                with self.assertNumQueries(8):
                    self.client.get(reverse("sco:overview"))
        self.assertTrue(Summit.objects.filter(pk=summit.pk).exists())


class PageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefing = factories.published_briefing(claims=2)

    def test_second_anonymous_view_is_served_from_cache(self):
        self.client.get(self.briefing.get_absolute_url())
        with self.assertNumQueries(0):
            response = self.client.get(self.briefing.get_absolute_url())
        self.assertContains(response, self.briefing.title)
        self.assertIn("public", response["Cache-Control"])

    def test_saving_anything_shown_invalidates_the_cached_page(self):
        self.client.get(self.briefing.get_absolute_url())
        claim = self.briefing.key_claims.first()
        claim.verdict = Verdict.MISLEADING
        claim.save()
        response = self.client.get(self.briefing.get_absolute_url())
        self.assertContains(response, '<span class="verdict verdict-misleading">')

    def test_deleting_a_correction_invalidates_the_cached_page(self):
        correction = factories.CorrectionFactory(briefing=self.briefing, reason="Typo fixed.")
        self.assertContains(self.client.get(self.briefing.get_absolute_url()), "Typo fixed.")
        correction.delete()
        self.assertNotContains(self.client.get(self.briefing.get_absolute_url()), "Typo fixed.")

    def test_signed_in_users_are_never_served_or_stored_in_the_cache(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(factories.editor())
        response = self.client.get(self.briefing.get_absolute_url())
        self.assertIn("no-store", response["Cache-Control"])
        self.client.logout()
        with CaptureQueriesContext(connection) as queries:
            self.client.get(self.briefing.get_absolute_url())
        self.assertGreater(len(queries), 0, "the signed-in render must not have been cached")
