"""What readers expect of the public site: key-claim order, search by speaker, indexes, feeds."""

from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from briefings.models import (
    ActorAlias,
    ActorKind,
    BriefingActor,
    BriefingAuthor,
    BriefingClaim,
    Claim,
    SourceKind,
)
from tests import factories


class KeyClaimOrderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Speakers alternate: A, B, A. Grouping would put the two of A together.
        cls.briefing = factories.published_briefing(claims=3, speakers=2)
        cls.links = list(BriefingClaim.objects.filter(briefing=cls.briefing).order_by("position"))

    def setUp(self):
        cache.clear()

    def card_order(self, content):
        found = {link.claim_id: content.index(f'id="claim-{link.claim_id}"') for link in self.links}
        return sorted(found, key=found.get)

    def test_key_claims_follow_the_editors_positions(self):
        # The editor moves the last claim to the top.
        for position, link in enumerate([self.links[-1], *self.links[:-1]]):
            BriefingClaim.objects.filter(pk=link.pk).update(position=position)
        content = self.client.get(self.briefing.get_absolute_url()).content.decode()
        expected = [self.links[-1].claim_id] + [link.claim_id for link in self.links[:-1]]
        self.assertEqual(self.card_order(content), expected)
        self.assertNotIn('class="speaker-group"', content)

    def test_grouping_by_speaker_is_the_readers_choice(self):
        url = self.briefing.get_absolute_url()
        self.assertContains(self.client.get(url), 'href="?group=speaker#claims-heading"')
        content = self.client.get(url, {"group": "speaker"}).content.decode()
        first, second, third = (link.claim_id for link in self.links)
        self.assertEqual(self.card_order(content), [first, third, second])
        self.assertEqual(content.count('class="speaker-group"'), 2)


class SearchBySpeakerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.putin = factories.ActorFactory(name="Путин", slug="putin")
        ActorAlias.objects.create(actor=cls.putin, name="Vladimir Putin", language="en")
        cls.peskov = factories.ActorFactory(name="Dmitry Peskov", slug="dmitry-peskov")
        article = factories.ArticleFactory(
            body="Trade will grow. Peskov wrote the memo. Talks went well. Sanctions failed."
        )
        cls.said = factories.ClaimFactory(
            article=article, quote="Trade will grow", speaker=cls.putin
        )
        cls.quoted = factories.ClaimFactory(
            article=article, quote="Peskov wrote the memo", speaker=factories.ActorFactory()
        )
        cls.by_peskov = factories.ClaimFactory(
            article=article, quote="Talks went well", speaker=cls.peskov
        )
        cls.about = factories.ClaimFactory(
            article=article,
            quote="Sanctions failed",
            speaker=factories.ActorFactory(),
            about=[cls.putin],
        )
        factories.BriefingFactory(
            published=True, claims=[cls.said, cls.quoted, cls.by_peskov, cls.about]
        )
        hidden_article = factories.ArticleFactory(body="Secret talks happened.")
        cls.unreviewed = factories.ClaimFactory(
            article=hidden_article,
            quote="Secret talks happened",
            speaker=cls.putin,
            unreviewed=True,
        )

    def setUp(self):
        cache.clear()

    def found(self, text):
        return list(Claim.objects.public().search(text))

    def test_finds_claims_by_speaker_name_in_another_script_and_case(self):
        for text in ("путин", "ПУТИН", "Путин"):
            with self.subTest(text=text):
                self.assertIn(self.said, self.found(text))

    def test_finds_claims_by_speaker_alias_and_by_whom_they_are_about(self):
        found = self.found("vladimir putin")
        self.assertIn(self.said, found)
        self.assertIn(self.about, found)
        self.assertNotIn(self.unreviewed, found)

    def test_a_quote_match_ranks_before_a_speaker_match(self):
        found = self.found("Peskov")
        self.assertEqual(found[:2], [self.quoted, self.by_peskov])

    def test_the_search_page_lists_them(self):
        response = self.client.get(reverse("briefings:search"), {"q": "путин"})
        self.assertContains(response, self.said.get_absolute_url())
        self.assertNotContains(response, self.unreviewed.get_absolute_url())


class SeedSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_seeds", verbosity=0)

    def test_kremlin_finds_the_kremlins_public_claims(self):
        kremlin = Claim.objects.public().filter(speaker__slug="the-kremlin")
        self.assertTrue(kremlin.exists())
        response = self.client.get(reverse("briefings:search"), {"q": "Kremlin"})
        for claim in kremlin:
            self.assertContains(response, claim.get_absolute_url())


class IndexPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefing = factories.published_briefing(claims=2, speakers=2)
        cls.claim = cls.briefing.key_claims.first()
        cls.event = factories.EventFactory(name="Astana summit")
        cls.briefing.event = cls.event
        cls.briefing.save()
        cls.state = factories.ActorFactory(name="Kazakhstan", kind=ActorKind.STATE)
        BriefingActor.objects.create(briefing=cls.briefing, actor=cls.state)
        draft = factories.BriefingFactory(event=factories.EventFactory(name="HIDDEN event"))
        BriefingActor.objects.create(
            briefing=draft, actor=factories.ActorFactory(name="HIDDEN actor")
        )
        factories.ArticleFactory(title="HIDDEN article")
        factories.SourceFactory(name="HIDDEN source", kind=SourceKind.RELEASE)

    def setUp(self):
        cache.clear()

    def test_each_index_lists_what_readers_may_see_and_nothing_else(self):
        article = self.claim.article
        pages = {
            "/actors/": [self.state.name, self.claim.speaker.name],
            "/articles/": [article.title],
            "/sources/": [article.source.name],
            "/events/": [self.event.name],
        }
        for path, names in pages.items():
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                for name in names:
                    self.assertContains(response, name)
                self.assertNotContains(response, "HIDDEN")

    def test_actors_are_grouped_by_kind_people_first(self):
        content = self.client.get("/actors/").content.decode()
        self.assertLess(content.index(">People <"), content.index(">States <"))
        self.assertLess(content.index(self.claim.speaker.name), content.index(">States <"))
        self.assertGreater(content.index("Kazakhstan"), content.index(">States <"))

    def test_indexes_are_paginated_fifty_a_page(self):
        for n in range(55):
            BriefingActor.objects.create(
                briefing=self.briefing, actor=factories.ActorFactory(name=f"Zz {n:02}")
            )
        first = self.client.get("/actors/").content.decode()
        second = self.client.get("/actors/", {"page": 2}).content.decode()
        self.assertIn("Page 1 of 2", first)
        self.assertIn("Zz 44", first)
        self.assertNotIn("Zz 54", first)
        self.assertIn("Zz 54", second)
        self.assertEqual(self.client.get("/actors/", {"page": 3}).status_code, 404)

    def test_query_counts_do_not_grow_with_the_rows(self):
        def counts():
            for path in ("/actors/", "/articles/", "/sources/", "/events/"):
                cache.clear()
                with self.subTest(path=path), self.assertNumQueries(2):  # the count and the page
                    self.assertEqual(self.client.get(path).status_code, 200)

        counts()
        more = factories.published_briefing(claims=4, speakers=4)
        more.event = factories.EventFactory()
        more.save()
        counts()

    def test_indexes_are_cached_in_the_sitemap_and_in_the_navigation(self):
        self.client.get("/events/")
        with self.assertNumQueries(0):
            self.assertContains(self.client.get("/events/"), self.event.name)
        sitemap = self.client.get("/sitemap-pages.xml").content.decode()
        home = self.client.get("/").content.decode()
        for path in ("/actors/", "/articles/", "/sources/", "/events/"):
            with self.subTest(path=path):
                self.assertIn(f"http://testserver{path}</loc>", sitemap)
                self.assertIn(f'href="{path}"', home)


class ObjectFeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefing = factories.published_briefing(claims=2, speakers=2)
        cls.event = factories.EventFactory(name="Astana summit")
        cls.briefing.event = cls.event
        cls.briefing.save()
        cls.said, cls.other = cls.briefing.key_claims.order_by("pk")
        cls.speaker = cls.said.speaker
        Claim.objects.filter(pk=cls.said.pk).update(event=cls.event)
        author = factories.UserFactory(first_name="Ada", last_name="Editor")
        BriefingAuthor.objects.create(briefing=cls.briefing, user=author)
        draft = factories.BriefingFactory(event=factories.EventFactory(slug="hidden-event"))
        cls.hidden_actor = factories.ActorFactory(slug="hidden-actor")
        BriefingActor.objects.create(briefing=draft, actor=cls.hidden_actor)

    def setUp(self):
        cache.clear()

    def test_actor_feed_holds_claims_by_and_about_them_and_their_briefings(self):
        response = self.client.get(f"/actors/{self.speaker.slug}/feed.atom")
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        content = response.content.decode()
        # said by the speaker; the other claim is about them (published_briefing's rule).
        self.assertIn(f"/claims/{self.said.pk}/", content)
        self.assertIn(f"/claims/{self.other.pk}/", content)
        self.assertIn(self.briefing.get_absolute_url(), content)
        self.assertIn("<name>Ada Editor</name>", content)

    def test_event_feed_holds_its_claims_and_briefings(self):
        content = self.client.get(f"/events/{self.event.slug}/feed.atom").content.decode()
        self.assertIn(f"/claims/{self.said.pk}/", content)
        self.assertNotIn(f"/claims/{self.other.pk}/", content)
        self.assertIn(self.briefing.get_absolute_url(), content)

    def test_feed_query_counts_do_not_grow_with_the_entries(self):
        path = f"/actors/{self.speaker.slug}/feed.atom"
        # the actor; claims; briefings; their authors
        with self.assertNumQueries(4):
            self.client.get(path)
        for _ in range(3):
            more = factories.published_briefing(claims=2, speakers=1)
            BriefingActor.objects.create(briefing=more, actor=self.speaker)
            BriefingAuthor.objects.create(briefing=more, user=factories.UserFactory())
        cache.clear()
        with self.assertNumQueries(4):
            content = self.client.get(path).content.decode()
        self.assertEqual(content.count("<entry>"), 6)

    def test_hidden_actors_and_events_have_no_feed(self):
        self.assertEqual(self.client.get("/actors/hidden-actor/feed.atom").status_code, 404)
        self.assertEqual(self.client.get("/events/hidden-event/feed.atom").status_code, 404)

    def test_actor_and_event_pages_link_their_feeds(self):
        for page, feed in (
            (self.speaker.get_absolute_url(), f"/actors/{self.speaker.slug}/feed.atom"),
            (f"/events/{self.event.slug}/", f"/events/{self.event.slug}/feed.atom"),
        ):
            with self.subTest(page=page):
                response = self.client.get(page)
                self.assertContains(
                    response, '<link rel="alternate" type="application/atom+xml"', count=2
                )
                self.assertContains(response, f'href="{feed}"', count=2)

    def test_every_entry_of_the_main_feed_names_an_author(self):
        factories.BriefingFactory(published=True, title="Unsigned")
        content = self.client.get("/feed.atom").content.decode()
        self.assertEqual(content.count("<entry>"), 2)
        self.assertIn("<name>Ada Editor</name>", content)
        self.assertIn("<author><name>Briefings</name></author><id>", content.split("Unsigned")[1])


class FaviconTests(TestCase):
    def test_favicon_answers_with_an_icon(self):
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/x-icon")
        self.assertEqual(response.content[:4], b"\x00\x00\x01\x00")
        self.assertContains(self.client.get("/"), 'rel="icon"')


class ObjectPageListsTests(TestCase):
    """An actor's, source's or event's page lists claims fifty at a time, each list alone."""

    @classmethod
    def setUpTestData(cls):
        cls.briefing = factories.published_briefing(claims=55, speakers=1)
        cls.speaker = cls.briefing.key_claims.first().speaker
        cls.event = factories.EventFactory()
        Claim.objects.update(event=cls.event)

    def setUp(self):
        cache.clear()

    def test_an_actors_claims_come_a_page_at_a_time(self):
        url = self.speaker.get_absolute_url()
        first = self.client.get(url).content.decode()
        self.assertIn('<span class="count">55</span>', first)
        # each claim is by and about the one speaker: 50 rows in each list
        self.assertEqual(first.count('<article class="claim-row">'), 50 + 50)
        self.assertIn("point 49 holds", first)
        self.assertNotIn("point 54 holds", first)
        self.assertIn('href="?said=2"', first)
        second = self.client.get(url, {"said": 2}).content.decode()
        self.assertEqual(second.count('<article class="claim-row">'), 5 + 50)
        self.assertIn(f'href="{url}"', second)  # back to page 1 without ?said=1

    def test_paging_one_list_keeps_the_others_place(self):
        url = self.speaker.get_absolute_url()
        page = self.client.get(url, {"said": 2, "about": 1}).content.decode()
        self.assertIn('href="?said=2&amp;about=2"', page)  # next of "about" keeps "said"

    def test_an_events_claims_come_a_page_at_a_time(self):
        url = self.event.get_absolute_url()
        first = self.client.get(url).content.decode()
        self.assertIn('href="?claims=2"', first)
        self.assertNotIn("point 54 holds", first)
        self.assertIn("point 54 holds", self.client.get(url, {"claims": 2}).content.decode())

    def test_a_page_past_the_end_shows_the_last(self):
        response = self.client.get(self.speaker.get_absolute_url(), {"said": 99})
        self.assertContains(response, "point 54 holds")
