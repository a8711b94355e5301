"""schema.org JSON-LD on public pages, parsed and checked."""

import json
import re

from django.test import TestCase

from briefings.models import ActorKind, Verdict
from tests import factories


def structured_data(response):
    scripts = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return [json.loads(script) for script in scripts]


class JsonLdTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefing = factories.published_briefing(claims=4, title="Leaders </script> meet")
        cls.claims = list(cls.briefing.key_claims.order_by("pk"))

    def test_briefing_is_a_news_article(self):
        data = structured_data(self.client.get(self.briefing.get_absolute_url()))
        article = data[0]
        self.assertEqual(article["@context"], "https://schema.org")
        self.assertEqual(article["@type"], "NewsArticle")
        self.assertEqual(article["headline"], "Leaders </script> meet")
        self.assertEqual(article["url"], f"http://testserver{self.briefing.get_absolute_url()}")
        self.assertEqual(article["datePublished"], self.briefing.published_at.isoformat())
        self.assertEqual({item["@type"] for item in article["about"]}, {"Person"})

    def test_the_briefing_page_describes_only_itself(self):
        """Its claims' reviews are on their own pages, which the sitemap lists."""
        data = structured_data(self.client.get(self.briefing.get_absolute_url()))
        self.assertEqual([item["@type"] for item in data], ["NewsArticle"])

    def test_judged_claims_are_claim_reviews_with_a_rating(self):
        reviews = [
            item
            for claim in self.claims
            for item in structured_data(self.client.get(claim.get_absolute_url()))
        ]
        self.assertEqual(len(reviews), 4)  # factory verdicts alternate false / accurate
        ratings = {review["claimReviewed"]: review["reviewRating"] for review in reviews}
        false_claim = next(claim for claim in self.claims if claim.verdict == Verdict.FALSE)
        self.assertEqual(ratings[false_claim.quote]["ratingValue"], 1)
        self.assertEqual(ratings[false_claim.quote]["alternateName"], "False")
        self.assertEqual(reviews[0]["itemReviewed"]["author"]["@type"], "Person")

    def test_unjudged_claims_get_no_claim_review(self):
        claim = self.claims[0]
        claim.verdict = Verdict.UNVERIFIED
        claim.save()
        data = structured_data(self.client.get(claim.get_absolute_url()))
        self.assertEqual(data, [])

    def test_actor_is_a_person_or_organization_with_wikidata(self):
        person = self.claims[0].speaker
        person.wikidata_qid = "Q7747"
        person.save()
        data = structured_data(self.client.get(person.get_absolute_url()))
        self.assertEqual(data[0]["@type"], "Person")
        self.assertEqual(data[0]["sameAs"], "https://www.wikidata.org/wiki/Q7747")
        person.kind = ActorKind.BODY
        person.save()
        data = structured_data(self.client.get(person.get_absolute_url()))
        self.assertEqual(data[0]["@type"], "Organization")

    def test_script_end_in_text_cannot_close_the_json_ld_element(self):
        content = self.client.get(self.briefing.get_absolute_url()).content.decode()
        self.assertIn("Leaders \\u003C/script\\u003E meet", content)
