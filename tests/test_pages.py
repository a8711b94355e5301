"""Public pages: each URL renders what readers need, in a fixed number of queries."""

from django.test import TestCase

from tests import factories


class BriefingPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefing = factories.published_briefing(claims=3)
        cls.url = cls.briefing.get_absolute_url()

    def test_shows_title_lede_and_key_claims_grouped_by_speaker(self):
        response = self.client.get(self.url)
        self.assertContains(response, "<h1>Briefing")
        self.assertContains(response, "What happened, in a sentence.")
        self.assertContains(response, 'class="speaker-group"', count=2)
        self.assertContains(response, "<details", count=3 + 1)  # 3 claims + legend

    def test_smoke(self):
        response = self.client.get(self.url)
        print(response.content.decode()[:200])
