"""Claim cards are rendered once, and re-rendered whenever anything they show changes."""

from django.core.cache import cache
from django.test import TestCase

from briefings.cache import GENERATION_KEY
from briefings.models import BriefingClaim, ClaimEvidence
from tests import factories

CARD = "includes/claim_card.html"


class ClaimCardCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.role = factories.AffiliationFactory(role="Spokesperson")
        cls.evidence = factories.SourceFactory(name="Treaty text")
        cls.briefing = factories.published_briefing(claims=2, speakers=2)
        cls.claim = cls.briefing.key_claims.first()
        cls.claim.speaker_role = cls.role
        cls.claim.speaker = cls.role.actor
        cls.claim.save()
        ClaimEvidence.objects.create(claim=cls.claim, source=cls.evidence, note="article 4")
        cls.url = cls.briefing.get_absolute_url()

    def page_after_a_save(self, url=None):
        """The page as the first reader after a save gets it: page cache empty, cards kept."""
        cache.delete(GENERATION_KEY)
        return self.client.get(url or self.url)

    def test_cards_are_rendered_once_and_reused_after_the_page_cache_empties(self):
        self.assertTemplateUsed(self.client.get(self.url), CARD)
        response = self.page_after_a_save()
        self.assertTemplateNotUsed(response, CARD)
        self.assertContains(response, '<details class="claim"', count=2)
        self.assertContains(response, f"<mark>{self.claim.quote}</mark>")

    def test_the_article_page_reuses_the_cards_too(self):
        self.client.get(self.url)
        article_url = self.claim.article.get_absolute_url()
        self.assertTemplateNotUsed(self.page_after_a_save(article_url), CARD)

    def test_an_edited_claim_gets_a_new_card_and_the_others_are_kept(self):
        self.client.get(self.url)
        self.claim.cue = "insisted"
        self.claim.save()
        response = self.page_after_a_save()
        self.assertContains(response, "insisted")
        self.assertEqual([t.name for t in response.templates].count(CARD), 1)

    def test_renaming_what_a_card_shows_updates_it(self):
        outlet = self.claim.article.source
        about = self.claim.actor_links.get().actor
        renames = [
            (self.claim.speaker, "Renamed Speaker"),
            (self.role.organisation, "Renamed State"),
            (outlet, "Renamed Outlet"),
            (about, "Renamed Subject"),
            (self.evidence, "Renamed Evidence"),
        ]
        self.client.get(self.url)
        for row, name in renames:
            with self.subTest(name=name):
                row.name = name
                row.save()
                self.assertContains(self.page_after_a_save(), name)
        self.claim.article.title = "Renamed Article"
        self.claim.article.save()
        self.assertContains(self.page_after_a_save(), "“<a href=", count=2)
        self.assertContains(self.page_after_a_save(), "Renamed Article</a>”")

    def test_changes_that_bump_no_version_still_update_the_card(self):
        changes = [
            (lambda: type(self.role).objects.filter(pk=self.role.pk).update(role="Envoy"), "Envoy"),
            (
                lambda: BriefingClaim.objects.filter(claim=self.claim).update(
                    comment="Read first."
                ),
                "Read first.",
            ),
        ]
        self.client.get(self.url)
        for change, text in changes:
            with self.subTest(text=text):
                change()
                self.assertContains(self.page_after_a_save(), text)
