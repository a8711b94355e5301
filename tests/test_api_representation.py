"""
The API's serializers read fields their own quick way (PlainReadMixin,
LinkField): what they answer must be exactly what DRF's own reading gives.
"""

from unittest import mock

from django.test import TestCase
from django.urls import reverse
from rest_framework import serializers

from briefings.api.serializers import PlainReadMixin
from tests import factories
from tests.test_api_queries import DETAIL_QUERIES, LIST_QUERIES, Newsroom, urls


def drf_reading():
    """Serializers read every field through DRF's Serializer.to_representation."""
    return mock.patch.object(
        PlainReadMixin, "to_representation", serializers.Serializer.to_representation
    )


class SameAsDRFTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.newsroom = Newsroom()
        cls.newsroom.grow(2)

    def assertSameAsDRF(self):
        for url in [*urls(LIST_QUERIES, self.newsroom), *urls(DETAIL_QUERIES, self.newsroom)]:
            with self.subTest(url=url):
                quick = self.client.get(url)
                with drf_reading():
                    generic = self.client.get(url)
                self.assertEqual(quick.status_code, 200)
                self.assertEqual(quick.json(), generic.json())

    def test_readers_answer_what_drf_would(self):
        self.assertSameAsDRF()

    def test_readers_answer_what_drf_would_for_staff(self):
        claim = self.newsroom.article.claims.first()
        claim.editor_note = "Check the date."
        claim.save()
        self.client.force_login(factories.editor())
        self.assertSameAsDRF()

    def test_links_are_what_reverse_gives(self):
        claim = self.newsroom.article.claims.first()
        data = self.client.get(f"/api/v1/claims/{claim.pk}/").json()
        self.assertEqual(
            data["api_url"], "http://testserver" + reverse("api:claim-detail", args=[claim.pk])
        )
        self.assertEqual(
            data["speaker"]["api_url"],
            "http://testserver" + reverse("api:actor-detail", args=[claim.speaker.slug]),
        )
        self.assertEqual(data["page_url"], "http://testserver" + claim.get_absolute_url())
