"""
Suggested claims: stored beside the text, accepted into unreviewed claims
(never a second claim on one span), rejected, or linked to the same
statement in another article.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from briefings import suggestions
from briefings.models import (
    ActorAlias,
    Claim,
    PendingChange,
    ReviewStatus,
    Suggestion,
    SuggestionStatus,
)
from tests import factories

BODY = (
    "“We will deepen cooperation,” Dmitry Peskov told reporters. "
    "The Kremlin said that the talks were useful. "
    "Observers disagreed."
)


def found(body, quote, speaker, quote_type="direct", cue="told reporters"):
    start = body.index(quote)
    return {
        "speaker": speaker,
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "cue": cue,
        "quote_type": quote_type,
    }


class SuggestionTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.peskov = factories.ActorFactory(name="Dmitry Peskov")
        cls.kremlin = factories.ActorFactory(name="Presidential Administration of Russia")
        ActorAlias.objects.create(actor=cls.kremlin, name="the Kremlin")
        cls.article = factories.ArticleFactory(body=BODY)
        cls.direct = found(BODY, "We will deepen cooperation", "Dmitry Peskov")
        cls.reported = found(
            BODY, "the talks were useful", "the Kremlin", quote_type="indirect", cue="said that"
        )

    def store(self, *items):
        return suggestions.suggestions_store(article=self.article, found=items)


class StoreTests(SuggestionTestCase):
    def test_speakers_resolve_through_names_and_aliases(self):
        direct, reported = self.store(self.direct, self.reported)
        self.assertEqual((direct.speaker, reported.speaker), (self.peskov, self.kremlin))
        self.assertEqual(direct.status, SuggestionStatus.OPEN)

    def test_the_finders_actor_key_wins_over_the_name(self):
        (suggestion,) = self.store({**self.direct, "speaker": "he", "actor": self.peskov.slug})
        self.assertEqual(suggestion.speaker, self.peskov)

    def test_an_unknown_speaker_is_kept_by_name_for_a_new_actor(self):
        (suggestion,) = self.store({**self.direct, "speaker": "Yuri Ushakov"})
        self.assertIsNone(suggestion.speaker)
        self.assertEqual(suggestion.speaker_name, "Yuri Ushakov")

    def test_spans_with_a_claim_or_a_suggestion_are_not_suggested_again(self):
        factories.ClaimFactory(article=self.article, quote="We will deepen cooperation")
        self.assertEqual(len(self.store(self.direct, self.reported)), 1)
        self.assertEqual(self.store(self.direct, self.reported), [])
        self.assertEqual(Suggestion.objects.count(), 1)

    def test_a_misquoted_span_stores_nothing(self):
        wrong = {**self.reported, "quote": "the talks were useless"}
        with self.assertRaisesMessage(ValueError, "misquotes the text"):
            self.store(self.direct, wrong)
        self.assertFalse(Suggestion.objects.exists())


class DecideTests(SuggestionTestCase):
    def test_accepting_makes_an_unreviewed_claim_with_the_suggested_fields(self):
        (suggestion,) = self.store(self.direct)
        claim = suggestions.suggestion_accept(suggestion=suggestion, by=self.editor)
        self.assertEqual(
            (claim.start, claim.end, claim.quote, claim.speaker, claim.cue, claim.quote_type),
            (
                self.direct["start"],
                self.direct["end"],
                "We will deepen cooperation",
                self.peskov,
                "told reporters",
                "direct",
            ),
        )
        self.assertEqual(claim.review_status, ReviewStatus.UNREVIEWED)
        suggestion.refresh_from_db()
        self.assertEqual((suggestion.status, suggestion.claim), (SuggestionStatus.ACCEPTED, claim))
        self.assertEqual(suggestion.decided_by, self.editor)

    def test_the_editors_changes_win(self):
        (suggestion,) = self.store(self.reported)
        claim = suggestions.suggestion_accept(
            suggestion=suggestion, by=self.editor, data={"cue": "said", "claim_type": "opinion"}
        )
        self.assertEqual((claim.cue, claim.claim_type), ("said", "opinion"))
        self.assertEqual(claim.attribution_kind, "reported")

    def test_accepting_never_makes_a_second_claim_on_a_span(self):
        (suggestion,) = self.store(self.direct)
        existing = factories.ClaimFactory(article=self.article, quote="We will deepen cooperation")
        claim = suggestions.suggestion_accept(suggestion=suggestion, by=self.editor)
        self.assertEqual(claim, existing)
        self.assertEqual(Claim.objects.count(), 1)

    def test_a_decided_suggestion_cannot_be_decided_again(self):
        (suggestion,) = self.store(self.direct)
        suggestions.suggestion_reject(suggestion=suggestion, by=self.editor)
        with self.assertRaisesMessage(ValidationError, "already rejected"):
            suggestions.suggestion_accept(suggestion=suggestion, by=self.editor)
        self.assertFalse(Claim.objects.exists())

    def test_a_new_speaker_must_be_chosen_and_nothing_changes_until_then(self):
        (suggestion,) = self.store({**self.direct, "speaker": "Yuri Ushakov"})
        with self.assertRaisesMessage(ValidationError, "“Yuri Ushakov” is not a stored actor"):
            suggestions.suggestion_accept(suggestion=suggestion, by=self.editor)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, SuggestionStatus.OPEN)
        self.assertFalse(Claim.objects.exists())
        ushakov = factories.ActorFactory(name="Yuri Ushakov")
        claim = suggestions.suggestion_accept(
            suggestion=suggestion, by=self.editor, data={"speaker": ushakov}
        )
        self.assertEqual(claim.speaker, ushakov)

    def test_a_new_speaker_can_be_created_as_a_new_actor(self):
        (suggestion,) = self.store({**self.direct, "speaker": "Yuri Ushakov"})
        claim = suggestions.suggestion_accept(
            suggestion=suggestion, by=self.editor, new_actor_kind="person"
        )
        self.assertEqual((claim.speaker.name, claim.speaker.kind), ("Yuri Ushakov", "person"))
        self.assertEqual(claim.speaker.slug, "yuri-ushakov")

    def test_only_those_who_may_add_claims_decide(self):
        (suggestion,) = self.store(self.direct)
        outsider = factories.UserFactory(is_staff=True)
        for decide in (suggestions.suggestion_accept, suggestions.suggestion_reject):
            with self.subTest(decide.__name__), self.assertRaises(PermissionDenied):
                decide(suggestion=suggestion, by=outsider)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, SuggestionStatus.OPEN)

    def test_accepting_several_takes_those_with_a_known_speaker(self):
        stored = self.store(self.reported, {**self.direct, "speaker": "Yuri Ushakov"})
        claims, left = suggestions.suggestions_accept(suggestions=stored, by=self.editor)
        self.assertEqual([claim.quote for claim in claims], ["the talks were useful"])
        self.assertEqual(len(left), 1)
        self.assertIn("“Yuri Ushakov” is not a stored actor", left[0][1])


class SameStatementTests(SuggestionTestCase):
    def test_a_close_wording_elsewhere_is_offered_and_joined_as_one_statement(self):
        other_body = "Peskov said: “We will deepen our cooperation.” Nothing more."
        other = factories.ClaimFactory(
            article=factories.ArticleFactory(body=other_body),
            quote="We will deepen our cooperation.",
            speaker=self.peskov,
        )
        factories.ClaimFactory(  # another speaker's identical words are another statement
            article=factories.ArticleFactory(body=other_body),
            quote="We will deepen our cooperation.",
        )
        (suggestion,) = self.store(self.direct)
        self.assertEqual(suggestion.similar_claim, other)
        claim = suggestions.suggestion_accept(
            suggestion=suggestion, by=self.editor, same_statement=True
        )
        other.refresh_from_db()
        claim.refresh_from_db()
        self.assertIsNotNone(other.statement)
        self.assertEqual(claim.statement, other.statement)
        self.assertEqual(other.statement.speaker, self.peskov)

    def test_a_different_wording_is_not_offered(self):
        factories.ClaimFactory(
            article=factories.ArticleFactory(body="Peskov said the summit was long."),
            quote="the summit was long",
            speaker=self.peskov,
        )
        (suggestion,) = self.store(self.direct)
        self.assertIsNone(suggestion.similar_claim)

    def test_joining_a_public_claim_waits_for_review(self):
        briefing = factories.published_briefing(claims=1, speakers=1)
        public = briefing.key_claims.get()
        body = f"“{public.quote},” {public.speaker.name} said."
        article = factories.ArticleFactory(body=body)
        item = found(body, public.quote, public.speaker.name)
        (suggestion,) = suggestions.suggestions_store(article=article, found=[item])
        self.assertEqual(suggestion.similar_claim, public)
        suggestions.suggestion_accept(suggestion=suggestion, by=self.editor, same_statement=True)
        public.refresh_from_db()
        self.assertIsNone(public.statement)
        self.assertTrue(PendingChange.objects.filter(claim=public).exists())
