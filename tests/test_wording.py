"""What readers read: attribution sentences, quotes and context, on the seed claims."""

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from briefings.models import Claim, QuoteType, Verdict


def seed_claim(quote, **filters):
    return Claim.objects.select_related(
        "article", "speaker", "speaker_role__organisation", "channel"
    ).get(quote__startswith=quote, **filters)


class SeedAttributionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_seeds", verbosity=0)

    def test_attribution_reads_as_an_editor_would_write_it(self):
        sentences = {
            "Putin will engage": "As announced by the Kremlin",
            "Belarus will participate": "According to the Kremlin",
            "“dictator”": "Joe Biden, President of the United States, has labeled",
            "The US sees": "The United States sees",
            "the group issued a statement": (
                "In a statement, the Shanghai Cooperation Organisation called"
            ),
            "The leaders of the SCO": (
                "In an official release, the Kremlin, Office of the President of Russia, stated"
            ),
            "Prime Minister Narendra Modi": "India stated",
        }
        for quote, words in sentences.items():
            with self.subTest(quote):
                self.assertEqual(seed_claim(quote).attribution_text, words)

    def test_claim_page_names_the_kind_of_attribution_once(self):
        claim = seed_claim("The leaders of the SCO")
        response = self.client.get(claim.get_absolute_url())
        self.assertContains(response, "<dd>Direct quote; cue “stated”</dd>", html=True)
        self.assertNotContains(response, "Direct quote; direct quote")

    def test_quote_that_took_in_its_marks_shows_one_pair(self):
        claim = seed_claim("“dictator”")
        self.assertEqual(claim.quote_text, "“dictator”")
        response = self.client.get(claim.get_absolute_url())
        self.assertContains(response, '<h1 class="claim-title">“dictator”</h1>', html=True)
        self.assertNotContains(response, "““")

    def test_context_shows_the_sentence_that_carries_the_cue(self):
        cases = {
            "He is set to meet Xi": (
                "Putin will engage in a series of one-on-one meetings on Wednesday on the "
                "sidelines of the July 3-4 SCO summit in the Kazakh capital, Astana, as "
                "announced by the Kremlin.\nHe is set to meet Xi"
            ),
            "an informal dinner": "Putin will engage in a series",
            "Instead, he is sending": "India stated that Prime Minister Narendra Modi",
        }
        for quote, opening in cases.items():
            with self.subTest(quote):
                before, quote_text, _ = seed_claim(quote).source_sentence()
                self.assertTrue((before + quote_text).startswith(opening), before)

    def test_context_stays_one_sentence_when_it_carries_the_cue(self):
        before, _, after = seed_claim("Prime Minister Narendra Modi").source_sentence()
        self.assertEqual((before, after), ("India stated that ", "."))
        before, _, _ = seed_claim(
            "the SCO, which advocates", speaker__slug="russia"
        ).source_sentence()
        self.assertEqual(before, "Russia and China consider ")

    def test_claim_page_shows_the_cue_sentence(self):
        claim = seed_claim("He is set to meet Xi")
        response = self.client.get(claim.get_absolute_url())
        self.assertContains(response, "Astana, as announced by the Kremlin.")


class SeedContentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_seeds", verbosity=0)

    def test_views_of_russia_and_china_are_theirs_one_claim_each(self):
        for quote, cue in (
            ("the SCO, which advocates", "considers"),
            ("a tool to counter", "viewed by"),
        ):
            with self.subTest(cue):
                claims = Claim.objects.filter(quote__startswith=quote)
                self.assertEqual(
                    sorted(claims.values_list("speaker__slug", "cue")),
                    [("china", cue), ("russia", cue)],
                )

    def test_biden_claims_quote_only_the_labels(self):
        labels = Claim.objects.filter(speaker__slug="joe-biden", statement__isnull=False)
        self.assertEqual(
            sorted(labels.values_list("quote", "cue")),
            [("“dictator”", "has labeled"), ("“killer” and a “crazy SOB”", "described")],
        )

    def test_meetings_claim_has_the_verdict_its_evidence_supports(self):
        one_on_one = seed_claim("Putin will engage")
        leaders = seed_claim("He is set to meet Xi")
        self.assertEqual(leaders.verdict, Verdict.ACCURATE)
        self.assertEqual(leaders.verdict, one_on_one.verdict)
        self.assertEqual(set(leaders.evidence.all()), set(one_on_one.evidence.all()))
        self.assertTrue(leaders.rationale)

    def test_sco_page_says_its_roster_is_what_the_sources_name(self):
        response = self.client.get(reverse("sco:overview"))
        self.assertContains(response, "only the states our recorded sources name")


class QuoteMarksTests(TestCase):
    def test_direct_quote_gets_one_pair_of_marks(self):
        for quote in ("dictator", "“dictator”", '"dictator"'):
            with self.subTest(quote):
                claim = Claim(quote=quote, quote_type=QuoteType.DIRECT)
                self.assertEqual(claim.quote_text, "“dictator”")

    def test_other_quotes_keep_their_own_marks(self):
        claim = Claim(quote="a “killer” and a “crazy SOB”", quote_type=QuoteType.MIXED)
        self.assertEqual(claim.quote_text, "a “killer” and a “crazy SOB”")
