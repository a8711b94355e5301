"""A statement's page: each public report of one remark side by side, differences marked."""

from django.core.cache import cache
from django.test import TestCase

from briefings.differences import marked_differences
from briefings.models import Statement
from tests import factories


def appearance(statement, speaker, quote, published=True):
    """A claim reporting `statement` in its own article, on a published briefing if `published`."""
    article = factories.ArticleFactory(body=f"{speaker.name} said: “{quote}” And more.")
    claim = factories.ClaimFactory(article=article, quote=quote, speaker=speaker)
    claim.statement = statement
    claim.save()
    if published:
        factories.BriefingFactory(published=True, claims=[claim])
    return claim


class StatementPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.peskov = factories.ActorFactory(name="Dmitry Peskov")
        cls.statement = Statement.objects.create(
            summary="Peskov on cooperation", speaker=cls.peskov
        )
        cls.first = appearance(cls.statement, cls.peskov, "We will deepen cooperation.")
        cls.second = appearance(cls.statement, cls.peskov, "We will deepen our cooperation!")
        cls.draft = appearance(
            cls.statement, cls.peskov, "We shall deepen cooperation.", published=False
        )

    def setUp(self):
        cache.clear()

    def test_each_public_report_is_shown_with_its_differences_marked(self):
        response = self.client.get(self.statement.get_absolute_url())
        self.assertContains(response, "We will deepen cooperation.")
        self.assertContains(
            response,
            "We will deepen <del>cooperation.</del> <ins>our cooperation!</ins>",
            html=False,
        )
        self.assertNotContains(response, "shall")
        self.assertContains(response, self.first.get_absolute_url())
        self.assertContains(response, self.second.article.get_absolute_url())

    def test_the_claim_page_links_to_the_comparison(self):
        response = self.client.get(self.first.get_absolute_url())
        self.assertContains(response, self.statement.get_absolute_url())

    def test_a_statement_without_a_public_report_is_not_found(self):
        hidden = Statement.objects.create(summary="Unpublished")
        appearance(hidden, self.peskov, "Nothing public yet.", published=False)
        self.assertEqual(self.client.get(hidden.get_absolute_url()).status_code, 404)

    def test_staff_who_may_preview_see_every_report(self):
        self.client.force_login(factories.editor())
        self.assertContains(self.client.get(self.statement.get_absolute_url()), "<ins>shall</ins>")

    def test_queries_do_not_grow_with_the_reports(self):
        for count in (3, 9):
            statement = Statement.objects.create(summary=f"{count} reports", speaker=self.peskov)
            for n in range(count):
                claim = appearance(statement, self.peskov, f"Cooperation, version {n}.")
                factories.ClaimFactory(
                    article=claim.article, quote="And more.", speaker=factories.ActorFactory()
                )
            cache.clear()
            # The statement and its speaker; its visible claims with their attribution.
            with self.subTest(count=count), self.assertNumQueries(2):
                self.client.get(statement.get_absolute_url())


class MarkedDifferencesTests(TestCase):
    def test_the_same_wording_has_no_marks(self):
        self.assertEqual(marked_differences("a b c", "a b c"), "a b c")

    def test_words_are_escaped(self):
        self.assertEqual(
            marked_differences("<b> said", "<i> said"),
            "<del>&lt;b&gt;</del> <ins>&lt;i&gt;</ins> said",
        )
