"""
Suggested claims: stored beside the text, accepted into unreviewed claims
(never a second claim on one span), rejected, or linked to the same
statement in another article.
"""

from io import StringIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from briefings import suggestions
from briefings.models import (
    ActorAlias,
    Article,
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
        factories.ClaimFactory(article=self.article, quote="We will deepen", speaker=self.peskov)
        self.assertEqual(len(self.store(self.direct, self.reported)), 1)
        self.assertEqual(self.store(self.direct, self.reported), [])
        self.assertEqual(Suggestion.objects.count(), 1)

    def test_a_claim_of_another_speaker_on_the_span_leaves_the_suggestion(self):
        factories.ClaimFactory(article=self.article, quote="We will deepen cooperation")
        self.assertEqual(len(self.store(self.direct)), 1)

    def test_one_span_may_be_suggested_once_per_speaker(self):
        both = self.store(self.direct, {**self.direct, "speaker": "Yuri Ushakov"}, self.direct)
        self.assertEqual([s.speaker_name for s in both], ["Dmitry Peskov", "Yuri Ushakov"])

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
        existing = factories.ClaimFactory(
            article=self.article, quote="We will deepen cooperation", speaker=self.peskov
        )
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


class WorkspaceTests(SuggestionTestCase):
    """The workspace lists open suggestions; one form accepts or rejects the selected ones."""

    def setUp(self):
        self.client.force_login(self.editor)
        self.direct_row, self.reported_row = self.store(
            {**self.direct, "speaker": "Yuri Ushakov"}, self.reported
        )

    def page(self):
        return self.client.get(reverse("admin:briefings_article_change", args=[self.article.pk]))

    def post(self, decision, rows):
        """The workspace's form as shown, with `rows` (suggestion -> changed fields) selected."""
        data = {
            "suggestion-TOTAL_FORMS": 2,
            "suggestion-INITIAL_FORMS": 2,
            "decision": decision,
        }
        for index, suggestion in enumerate((self.direct_row, self.reported_row)):
            fields = {
                "suggestion": suggestion.pk,
                "speaker": suggestion.speaker_id or "",
                "cue": suggestion.cue,
                "quote_type": suggestion.quote_type,
                **rows.get(suggestion, {}),
            }
            if suggestion in rows:
                fields["selected"] = "on"
            data.update({f"suggestion-{index}-{name}": value for name, value in fields.items()})
        url = reverse("admin:briefings_article_suggestions_decide", args=[self.article.pk])
        return self.client.post(url, data, follow=True)

    def test_open_suggestions_are_shown_beside_the_text(self):
        response = self.page()
        self.assertContains(response, "Suggested claims (2)")
        self.assertContains(response, "<strong>New:</strong> Yuri Ushakov")
        # A new speaker is offered as a new person, which the editor may change.
        self.assertContains(response, '<option value="person" selected>Person</option>', count=1)
        self.assertContains(response, "the talks were useful")

    def test_the_page_makes_no_query_per_suggestion(self):
        self.page()  # warm the per-process caches
        with CaptureQueriesContext(connection) as few:
            self.page()
        self.store(
            *(
                {**self.direct, "start": n, "end": n + 5, "quote": BODY[n : n + 5]}
                for n in range(30, 40)
            )
        )
        with CaptureQueriesContext(connection) as many:
            self.assertContains(self.page(), "Suggested claims (12)")
        self.assertEqual(len(many), len(few))

    def test_accepting_several_with_edits(self):
        response = self.post(
            "accept",
            {
                self.direct_row: {"new_actor_kind": "person"},
                self.reported_row: {"cue": "said", "quote_type": "mixed"},
            },
        )
        self.assertContains(response, "Accepted 2 suggestions as unreviewed claims.")
        claims = {claim.quote: claim for claim in Claim.objects.select_related("speaker")}
        self.assertEqual(claims["We will deepen cooperation"].speaker.name, "Yuri Ushakov")
        edited = claims["the talks were useful"]
        self.assertEqual(
            (edited.cue, edited.quote_type, edited.speaker), ("said", "mixed", self.kremlin)
        )
        self.assertContains(response, "Suggested claims (0)")

    def test_one_refusal_stops_no_other(self):
        response = self.post("accept", {self.direct_row: {}, self.reported_row: {}})
        self.assertContains(response, "Accepted 1 suggestion as unreviewed claims.")
        self.assertContains(response, "“Yuri Ushakov” is not a stored actor")
        self.direct_row.refresh_from_db()
        self.assertEqual(self.direct_row.status, SuggestionStatus.OPEN)

    def test_rejecting(self):
        response = self.post("reject", {self.reported_row: {}})
        self.assertContains(response, "Rejected 1 suggestion.")
        self.reported_row.refresh_from_db()
        self.assertEqual(self.reported_row.status, SuggestionStatus.REJECTED)
        self.assertFalse(Claim.objects.exists())

    def test_a_broken_form_changes_nothing(self):
        url = reverse("admin:briefings_article_suggestions_decide", args=[self.article.pk])
        response = self.client.post(url, {"decision": "accept"}, follow=True)
        self.assertContains(response, "Nothing was changed")
        self.assertFalse(Claim.objects.exists())

    def test_who_may_decide(self):
        url = reverse("admin:briefings_article_suggestions_decide", args=[self.article.pk])
        self.client.force_login(factories.UserFactory(is_staff=True))
        self.assertEqual(self.client.post(url, {"decision": "accept"}).status_code, 403)
        self.client.logout()
        self.assertIn(reverse("admin:login"), self.client.post(url).url)
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(url).status_code, 405)


class FindTests(TestCase):
    """The finder runs over an article from its workspace, and after an import."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_seeds", stdout=StringIO())
        cls.editor = factories.editor()
        cls.article = Article.objects.get(slug="putin-and-xi-to-meet-at-sco-summit-in-astana")

    def test_the_seed_article_is_mostly_claimed_already(self):
        self.client.force_login(self.editor)
        url = reverse("admin:briefings_article_suggestions_find", args=[self.article.pk])
        response = self.client.post(url, follow=True)
        found = self.article.suggestions.count()
        self.assertContains(response, f"Suggested claims ({found})")
        # The seeds mark every attributed claim but a few: what is left is new.
        self.assertLess(found, 10)
        self.assertContains(self.client.post(url, follow=True), "No new suggestions")

    def test_an_unclaimed_copy_gets_every_attributed_claim_suggested(self):
        self.client.force_login(self.editor)
        body = self.article.body + "\nAnd that was all."
        upload = SimpleUploadedFile("copy.txt", f"A copy\n{body}".encode())
        response = self.client.post(
            reverse("admin:briefings_article_import_file"),
            {"file": upload, "source": self.article.source_id},
            follow=True,
        )
        copy = Article.objects.get(title="A copy")
        count = copy.suggestions.count()
        self.assertGreaterEqual(count, 15)
        self.assertContains(response, f"{count} suggested claims to confirm")
        self.assertTrue(copy.suggestions.filter(speaker__name="Vladimir Putin").exists())
