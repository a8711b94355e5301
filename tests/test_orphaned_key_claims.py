"""An orphaned key claim of a published briefing shows readers a notice, never its old verdict."""

from django.test import TestCase

from briefings import services
from briefings.models import Verdict
from tests import factories


class OrphanedKeyClaimTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefing = factories.published_briefing(claims=2)
        cls.link = cls.briefing.claim_links.order_by("position").first()
        cls.claim = cls.link.claim
        article = cls.claim.article
        # The sentence holding the first claim's quote is deleted from the article.
        services.article_update_body(
            article=article, body=article.body.replace(cls.claim.quote, "something else")
        )
        cls.claim.refresh_from_db()

    def test_the_claim_is_orphaned_and_still_a_key_claim(self):
        self.assertIsNone(self.claim.start)
        self.assertEqual(self.claim.verdict, Verdict.FALSE)

    def test_the_briefing_shows_a_notice_and_no_verdict(self):
        response = self.client.get(self.briefing.get_absolute_url())
        card = (
            response.content.decode().split(f'id="claim-{self.claim.pk}"')[1].split("</details>")[0]
        )
        self.assertIn("this quote is being re-checked", card)
        self.assertIn("Being re-checked", card)
        self.assertNotIn("verdict-false", card)
        self.assertNotIn("Checked against record", card)
        self.assertNotIn(f"/claims/{self.claim.pk}/#", card)

    def test_the_claim_page_shows_no_verdict(self):
        response = self.client.get(self.claim.get_absolute_url())
        self.assertContains(response, "this quote is being re-checked")
        self.assertNotContains(response, "Verdict: False")
        self.assertNotContains(response, "ClaimReview")

    def test_no_claim_review_is_published_for_it(self):
        other = self.briefing.key_claims.exclude(pk=self.claim.pk).get()
        response = self.client.get(other.get_absolute_url())
        self.assertContains(response, '"@type": "ClaimReview"', count=1)
        self.assertNotContains(self.client.get(self.claim.get_absolute_url()), "ClaimReview")
        api = self.client.get(f"/api/v1/claims/{self.claim.pk}/claimreview/")
        self.assertEqual(api.status_code, 404)
