"""
What lists carry and how they page: briefings and articles as summaries,
claims and articles also by cursor.
"""

from django.test import TestCase

from briefings.api.serializers import BriefingSerializer
from tests import factories


class CursorPaginationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefing = factories.published_briefing(claims=7)
        cls.claim_ids = sorted(cls.briefing.key_claims.values_list("pk", flat=True))

    def walk(self, url):
        """Return the ids of every claim reached by following `next` from url, and the pages."""
        ids, pages = [], []
        while url:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, response.content)
            page = response.json()
            pages.append(page)
            ids += [claim["id"] for claim in page["results"]]
            url = page["next"]
        return ids, pages

    def test_cursor_pages_reach_every_claim_once_in_id_order(self):
        ids, pages = self.walk("/api/v1/claims/?cursor=&page_size=3")
        self.assertEqual(ids, self.claim_ids)
        self.assertEqual([len(page["results"]) for page in pages], [3, 3, 1])
        self.assertNotIn("count", pages[0])
        self.assertIsNone(pages[0]["previous"])

    def test_previous_link_leads_back(self):
        _, pages = self.walk("/api/v1/claims/?cursor=&page_size=3")
        back = self.client.get(pages[-1]["previous"]).json()
        self.assertEqual(back["results"], pages[1]["results"])

    def test_claims_added_while_reading_do_not_shift_the_pages(self):
        first = self.client.get("/api/v1/claims/?cursor=&page_size=3").json()
        factories.BriefingFactory(published=True, claims=[factories.ClaimFactory()])
        second = self.client.get(first["next"]).json()
        self.assertEqual([claim["id"] for claim in second["results"]], self.claim_ids[3:6])

    def test_filters_apply(self):
        speaker = self.briefing.key_claims.first().speaker
        ids, _ = self.walk(f"/api/v1/claims/?cursor=&speaker={speaker.slug}")
        self.assertEqual(ids, sorted(speaker.claims_made.values_list("pk", flat=True)))

    def test_articles_page_by_cursor(self):
        second = factories.BriefingFactory(published=True, claims=[factories.ClaimFactory()])
        page = self.client.get("/api/v1/articles/?cursor=&page_size=1").json()
        self.assertEqual(page["results"][0]["slug"], self.briefing.articles.get().slug)
        page = self.client.get(page["next"]).json()
        self.assertEqual(page["results"][0]["slug"], second.articles.get().slug)
        self.assertIsNone(page["next"])

    def test_bad_cursors_and_mixed_paging_are_refused_by_name(self):
        refused = {
            "/api/v1/claims/?cursor=not-ours": "cursor",
            "/api/v1/claims/?cursor=cD1hYmM=": "cursor",  # p=abc
            "/api/v1/claims/?cursor=cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5": "cursor",  # p=999…
            "/api/v1/claims/?cursor=&ordering=-said_date": "ordering",
            "/api/v1/claims/?cursor=&page=2": "cursor",
        }
        for url, field in refused.items():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.json())

    def test_page_numbers_still_count(self):
        page = self.client.get("/api/v1/claims/?page_size=3&page=2").json()
        self.assertEqual(page["count"], 7)
        self.assertEqual([claim["id"] for claim in page["results"]], self.claim_ids[3:6])

    def test_schema_documents_the_cursor(self):
        schema = self.client.get("/api/schema/", {"format": "json"}).json()
        for path in ("/api/v1/claims/", "/api/v1/articles/"):
            names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
            self.assertTrue({"cursor", "page", "page_size"} <= names, path)
        names = {p["name"] for p in schema["paths"]["/api/v1/actors/"]["get"]["parameters"]}
        self.assertNotIn("cursor", names)


class SummaryListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefing = factories.published_briefing(claims=3)
        cls.briefing.analysis = "A long analysis."
        cls.briefing.save()

    def test_briefing_list_links_key_claims_instead_of_embedding_them(self):
        [summary] = self.client.get("/api/v1/briefings/").json()["results"]
        detail = self.client.get(f"/api/v1/briefings/{self.briefing.slug}/").json()
        self.assertEqual(summary["key_claim_count"], 3)
        self.assertEqual(summary["article_count"], 1)
        self.assertEqual(
            summary["key_claim_urls"], [link["claim"]["api_url"] for link in detail["key_claims"]]
        )
        self.assertNotIn("key_claims", summary)
        self.assertNotIn("analysis", summary)
        for name in ("slug", "title", "lede", "api_url", "page_url", "published_at", "actors"):
            self.assertEqual(summary[name], detail[name], name)

    def test_briefing_detail_keeps_the_whole_document(self):
        detail = self.client.get(f"/api/v1/briefings/{self.briefing.slug}/").json()
        self.assertEqual(set(detail), set(BriefingSerializer.Meta.fields) - {
            "correction_reason", "publish_despite_open_comments", "pending_change"
        })  # fmt: skip
        self.assertEqual(len(detail["key_claims"]), 3)

    def test_summary_counts_only_claims_the_reader_may_see(self):
        hidden = factories.ClaimFactory(
            unreviewed=True, article=self.briefing.articles.get(), quote="point 0 holds"
        )
        self.briefing.claim_links.create(claim=hidden, position=9)
        [summary] = self.client.get("/api/v1/briefings/").json()["results"]
        self.assertEqual(summary["key_claim_count"], 3)
        self.client.force_login(factories.editor())
        [summary] = self.client.get("/api/v1/briefings/").json()["results"]
        self.assertEqual(summary["key_claim_count"], 4)

    def test_article_list_leaves_the_body_to_the_article(self):
        article = self.briefing.articles.first()
        [listed] = self.client.get("/api/v1/articles/").json()["results"]
        detail = self.client.get(f"/api/v1/articles/{article.slug}/").json()
        self.assertNotIn("body", listed)
        self.assertEqual(detail["body"], article.body)
        self.assertEqual(listed, {name: value for name, value in detail.items() if name != "body"})
