"""What a reader downloads: a 200-claim briefing within 250 KB of HTML, compressed once."""

import gzip
import json
from unittest import mock

from django.core.cache import cache
from django.test import TestCase

from briefings import cache as page_cache
from tests import factories
from tests.benchmarks.test_pages_benchmark import briefing_with_claims

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


class PageWeightTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Every part of a card in use: role, channel, evidence, rationale, about, comment.
        cls.briefing = briefing_with_claims(200)

    def setUp(self):
        cache.clear()

    def test_a_200_claim_briefing_is_at_most_250_kb_of_html(self):
        response = self.client.get(self.briefing.get_absolute_url())
        self.assertContains(response, '<details class="claim"', count=200)
        self.assertLessEqual(len(response.content), 250 * 1024)

    def test_cached_pages_are_served_gzipped_and_compressed_once(self):
        url = self.briefing.get_absolute_url()
        plain = self.client.get(url).content
        cache.clear()
        with mock.patch.object(
            page_cache, "compress_string", wraps=page_cache.compress_string
        ) as compress:
            first = self.client.get(url, headers=GZIP)
            second = self.client.get(url, headers=GZIP)
        self.assertEqual(compress.call_count, 1)
        for response in (first, second):
            self.assertEqual(response["Content-Encoding"], "gzip")
            self.assertIn("Accept-Encoding", response["Vary"])
            self.assertEqual(gzip.decompress(response.content), plain)
        self.assertLess(len(first.content), len(plain) / 5)

    def test_clients_that_take_no_gzip_get_plain_html(self):
        self.client.get(self.briefing.get_absolute_url(), headers=GZIP)
        response = self.client.get(self.briefing.get_absolute_url())
        self.assertFalse(response.has_header("Content-Encoding"))
        self.assertContains(response, self.briefing.title)


class ApiCompressionTests(TestCase):
    def test_api_answers_are_gzipped_for_clients_that_take_it(self):
        factories.published_briefing(claims=30)
        response = self.client.get("/api/v1/claims/?page_size=100", headers=GZIP)
        self.assertEqual(response["Content-Encoding"], "gzip")
        self.assertIn('"results"', gzip.decompress(response.content).decode())

    def test_a_gzipped_etag_still_serves_if_match_and_if_none_match(self):
        """Compression makes the ETag weak; writes and revalidation accept it."""
        self.client.force_login(factories.reviewer())
        factories.SourceFactory(slug="outlet")
        url = "/api/v1/sources/outlet/"
        etag = self.client.get(url, headers=GZIP)["ETag"]
        self.assertTrue(etag.startswith('W/"v1-'))
        self.assertEqual(
            self.client.get(url, headers={**GZIP, "If-None-Match": etag}).status_code, 304
        )
        response = self.client.patch(
            url,
            json.dumps({"name": "Renamed"}),
            content_type="application/json",
            headers={**GZIP, "If-Match": etag},
        )
        self.assertEqual(response.status_code, 200)
