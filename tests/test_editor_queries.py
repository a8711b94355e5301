"""
The editors' pages cost the same number of queries whatever the number of
claims: the article workspace, saving one claim from it, and the briefing
change page. Each is measured with full data (speakers with roles, channels,
evidence, about-actors, a pending change) at two sizes.
"""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from briefings.models import PendingChange, Verdict
from tests import editor_data, factories
from tests.change_control import change_form_data, workspace_data

SIZES = (3, 12)


def with_pending_change(claims, by):
    """Give the first claim an editor's pending change to its verdict and about-actors."""
    about = [link.actor_id for link in claims[1].actor_links.all()]
    PendingChange.objects.create(
        claim=claims[0], data={"verdict": Verdict.FALSE, "about": about}, created_by=by
    )


class QueryCountTestCase(TestCase):
    def count_queries(self, fetch):
        with CaptureQueriesContext(connection) as queries:
            response = fetch()
        self.assertLess(response.status_code, 400, getattr(response, "content", b"")[:500])
        return len(queries)

    def assertSameAtEverySize(self, counts, expected):
        self.assertEqual(counts, [expected] * len(SIZES), counts)


class WorkspaceQueryTests(QueryCountTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.articles = {}
        for size in SIZES:
            article, claims = editor_data.article_with_claims(size)
            with_pending_change(claims, cls.editor)
            cls.articles[size] = (article, claims)

    def setUp(self):
        self.client.force_login(self.editor)

    def test_the_workspace_page_runs_a_fixed_number_of_queries(self):
        counts = []
        for size in SIZES:
            url = reverse("admin:briefings_article_change", args=[self.articles[size][0].pk])
            self.client.get(url)  # warm the content type and permission caches
            counts.append(self.count_queries(lambda url=url: self.client.get(url)))
        # 1 session, 2 user, 3 the article with its claim counts, 4-5 the user's and
        # group permissions, 6 the claims with speaker, role, organisation and channel
        # joined and open comments counted, 7-8 their about-actors, 9 pending changes,
        # 10 which claims readers see, 11 the actors a pending change names, 12 the
        # article's source for its form, 13 the briefings that use the article, 14 its
        # open suggestions with their speakers and similar claims, 15 the briefings
        # claims may be added to.
        self.assertSameAtEverySize(counts, 15)

    def save(self, article, claim, **changes):
        data = workspace_data(claim, article, **changes)
        url = reverse("admin:briefings_article_claim_save", args=[article.pk])
        return self.client.post(url, data)

    def test_saving_one_claim_runs_a_fixed_number_of_queries(self):
        counts = []
        for size in SIZES:
            article, claims = self.articles[size]
            counts.append(
                self.count_queries(lambda a=article, c=claims[-1]: self.save(a, c, verdict="false"))
            )
        # The claim locked and saved with its history, links and version check, then
        # read back alone (with its role, pending change and comments) for the answer;
        # then what readers may see is refreshed for its rows (briefings.visibility).
        self.assertSameAtEverySize(counts, 73)

    def test_moving_a_span_redraws_the_text_in_a_fixed_number_of_queries(self):
        counts = []
        for size in SIZES:
            article, claims = self.articles[size]
            claim = claims[-1]
            wider = article.body.index(claim.quote, claim.start) - len("said that ")
            quote = article.body[wider : claim.end]
            with CaptureQueriesContext(connection) as queries:
                response = self.save(article, claim, start=wider, quote=quote)
            counts.append(len(queries))
            self.assertIn(f'data-claim="{claim.pk}"', response.json()["body_html"])
        # As a save, plus the spans of every claim and the pending changes to draw them.
        self.assertSameAtEverySize(counts, 75)

    def test_a_save_that_moves_no_span_answers_without_the_text(self):
        article, claims = self.articles[SIZES[0]]
        answer = self.save(article, claims[-1], verdict="false").json()
        self.assertIsNone(answer["body_html"])
        self.assertEqual((answer["claim"]["verdict"], answer["list"]), ("false", "anchored"))
        self.assertIn(f'id="claim-{claims[-1].pk}"', answer["item_html"])


class BriefingPageQueryTests(QueryCountTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.briefings = {size: editor_data.briefing_with_key_claims(size) for size in SIZES}

    def setUp(self):
        self.client.force_login(self.editor)

    def url(self, size):
        return reverse("admin:briefings_briefing_change", args=[self.briefings[size].pk])

    def test_the_briefing_change_page_runs_a_fixed_number_of_queries(self):
        counts = []
        for size in SIZES:
            self.client.get(self.url(size))  # warm the content type and permission caches
            counts.append(self.count_queries(lambda size=size: self.client.get(self.url(size))))
        # 1 session, 2 user, 3 the briefing, 4 its pending change, 5-6 permissions,
        # 7 the key claims' ids and notes, 8 corrections, 9-11 the article, actor and
        # author inlines' rows, 12 the pending change again for the page, 13 the key
        # claims with their speakers, 14 whether readers see it, 15-26 the few
        # article and actor rows' autocomplete choices (three actors, one article).
        self.assertSameAtEverySize(counts, 26)

    def test_the_page_lists_every_key_claim_in_order_with_its_note(self):
        response = self.client.get(self.url(SIZES[0]))
        claims = [link.claim for link in self.briefings[SIZES[0]].claim_links.all()]
        html = response.content.decode()
        positions = [html.index(f'class="key-claim" data-claim="{claim.pk}"') for claim in claims]
        self.assertEqual(positions, sorted(positions))
        self.assertContains(response, "Note 0.</textarea>")

    def test_saving_unchanged_key_claims_runs_a_fixed_number_of_queries(self):
        counts = []
        for size in SIZES:
            data = change_form_data(self.client.get(self.url(size)), lede="A new lede.")
            counts.append(
                self.count_queries(lambda d=data, s=size: self.client.post(self.url(s), d))
            )
        # The key claims are read once to compare with what was sent, never a row at a
        # time; then what readers may see is refreshed (briefings.visibility).
        self.assertSameAtEverySize(counts, 49)
