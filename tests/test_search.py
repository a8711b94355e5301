"""Search over public briefings, claims and actors, with the match highlighted."""

from unittest import skipUnless

from django.db import connection
from django.test import TestCase
from django.urls import reverse

from briefings.models import ActorAlias, Briefing, Claim
from briefings.search import MAX_QUERY_LENGTH, highlight
from tests import factories


class SearchPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.xi = factories.ActorFactory(name="Xi Jinping", slug="xi-jinping")
        ActorAlias.objects.create(actor=cls.xi, name="Си Цзиньпин", language="ru")
        article = factories.ArticleFactory(
            body="The leaders will discuss deepening multifaceted cooperation. Markets rose."
        )
        cls.claim = factories.ClaimFactory(
            article=article, quote="deepening multifaceted cooperation", speaker=cls.xi
        )
        cls.briefing = factories.BriefingFactory(
            published=True,
            claims=[cls.claim],
            title="Leaders meet in Astana",
            lede="A summit on security cooperation.",
        )
        cls.url = reverse("briefings:search")

    def search(self, text):
        return self.client.get(self.url, {"q": text})

    def test_finds_briefings_by_title_and_highlights_the_match(self):
        response = self.search("Astana")
        self.assertContains(response, self.briefing.get_absolute_url())
        response = self.search("security")
        self.assertContains(response, "<mark>security</mark>")

    def test_finds_claims_and_highlights_the_words(self):
        response = self.search("multifaceted")
        self.assertContains(response, self.claim.get_absolute_url())
        self.assertContains(response, "<mark>multifaceted</mark>")

    def test_finds_actors_by_alias_in_another_script(self):
        response = self.search("Цзиньпин")
        self.assertContains(response, self.xi.get_absolute_url())

    def test_every_word_must_match(self):
        self.assertContains(self.search("Astana nothinglikethis"), "Nothing published matches")

    def test_no_query_shows_just_the_form(self):
        response = self.client.get(self.url)
        self.assertContains(response, 'role="search"')
        self.assertNotContains(response, "result")

    def test_too_long_query_is_a_clear_400(self):
        response = self.search("a" * (MAX_QUERY_LENGTH + 1))
        self.assertContains(response, f"limited to {MAX_QUERY_LENGTH} characters", status_code=400)

    def test_punctuation_only_and_operators_do_not_break(self):
        for text in ("!!!", "& | ! :*", "'", "<script>"):
            with self.subTest(text=text):
                response = self.search(text)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "<script>")

    def test_search_pages_are_not_indexed(self):
        self.assertContains(self.search("Astana"), 'content="noindex, nofollow"')


class HighlightTests(TestCase):
    def test_escapes_before_marking(self):
        self.assertEqual(
            highlight("<b>Xi</b> & Putin", ["xi"]), "&lt;b&gt;<mark>Xi</mark>&lt;/b&gt; &amp; Putin"
        )

    def test_marks_every_occurrence_case_insensitively(self):
        self.assertEqual(highlight("SCO and sco", ["sco"]), "<mark>SCO</mark> and <mark>sco</mark>")


@skipUnless(connection.vendor == "postgresql", "GIN indexes exist only on PostgreSQL")
class PostgresFullTextTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefing = factories.BriefingFactory(
            published=True, title="Leaders meet", lede="The presidents meets often."
        )

    def test_matches_word_stems_and_ranks(self):
        found = list(Briefing.objects.public().search("meeting"))
        self.assertEqual(found, [self.briefing])
        self.assertIn("\x02", found[0].headline)

    def test_query_uses_the_gin_index(self):
        for model, name in (
            (Briefing, "briefings_briefing_search"),
            (Claim, "briefings_claim_search"),
        ):
            queryset = model.objects.search("summit")
            with connection.cursor() as cursor:
                cursor.execute("SET enable_seqscan = off")
                plan = queryset.explain()
                cursor.execute("SET enable_seqscan = on")
            self.assertIn(name, plan)
