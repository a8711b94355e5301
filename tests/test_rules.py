"""Each domain rule, broken by a write that must be refused."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError, UniqueConstraint
from django.test import TestCase
from django.utils import timezone

from briefings import editing, services
from briefings.anchoring import AnchorError, locate
from briefings.models import (
    Affiliation,
    Article,
    Briefing,
    BriefingStatus,
    Claim,
    ClaimActor,
    ReviewStatus,
)
from sco.models import Membership, Participation
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    BriefingFactory,
    ClaimFactory,
    MembershipFactory,
    SummitFactory,
    UserFactory,
    editor,
    reviewer,
)


class RefusedMixin:
    def assertRefusedByDatabase(self, row, constraint):
        """
        Save `row`, which must break `constraint` and no other rule, and expect
        the database to refuse it with an IntegrityError naming `constraint`.
        """
        # The database reports only the first rule a row breaks (PostgreSQL
        # checks in name order, SQLite in declaration order), so a row breaking
        # two would let the wrong one pass the test. Django evaluates each rule
        # on its own: exactly one may fail.
        broken = []
        for validate in (row.validate_unique, row.validate_constraints):
            try:
                validate()
            except ValidationError as error:
                broken += error.messages
        self.assertEqual(len(broken), 1, f"the row breaks {len(broken)} rules: {broken}")
        with self.assertRaises(IntegrityError) as refused, transaction.atomic():
            row.save()
        if connection.vendor == "sqlite":
            self.assertEqual(str(refused.exception), sqlite_refusal(row, constraint))
        else:
            self.assertIn(f'constraint "{constraint}"', str(refused.exception))


def sqlite_refusal(row, constraint):
    """Return SQLite's message: it names a CHECK rule, but only the columns of a UNIQUE one."""
    meta = row._meta
    rule = next((rule for rule in meta.constraints if rule.name == constraint), None)
    if rule is None:
        # A field's own unique=True, which PostgreSQL names <table>_<column>_key.
        columns = [
            field.column
            for field in meta.concrete_fields
            if field.unique and f"{meta.db_table}_{field.column}_key" == constraint
        ]
    elif isinstance(rule, UniqueConstraint):
        columns = [meta.get_field(name).column for name in rule.fields]
    else:
        return f"CHECK constraint failed: {constraint}"
    return "UNIQUE constraint failed: " + ", ".join(f"{meta.db_table}.{c}" for c in columns)


class ClaimSpanTests(RefusedMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = ArticleFactory(body="😀 Привет 中文: they said “yes” and “yes” again.")
        cls.speaker = ActorFactory()

    def claim(self, **fields):
        return ClaimFactory.build(article=self.article, speaker=self.speaker, **fields)

    def test_span_is_counted_in_code_points(self):
        claim = ClaimFactory(article=self.article, quote="they said")
        self.assertEqual((claim.start, claim.end), (13, 22))
        claim.full_clean()

    def test_span_must_start_before_it_ends(self):
        # No row breaks this rule alone: a reversed span is shorter than any
        # quote, so quote_fits_span fails too. Evaluate this rule by itself.
        claim = self.claim(quote="they said", start=22, end=13)
        (span_ordered,) = (
            rule for rule in Claim._meta.constraints if rule.name == "briefings_claim_span_ordered"
        )
        with self.assertRaisesMessage(ValidationError, "briefings_claim_span_ordered"):
            span_ordered.validate(Claim, claim)
        with self.assertRaises(IntegrityError), transaction.atomic():
            claim.save()

    def test_span_length_must_equal_quote_length(self):
        self.assertRefusedByDatabase(
            self.claim(quote="they said", start=13, end=21), "briefings_claim_quote_fits_span"
        )

    def test_quote_must_not_be_empty(self):
        # Without a span, as an orphaned claim, so no span rule can trip first.
        self.assertRefusedByDatabase(
            self.claim(quote="", start=None, end=None), "briefings_claim_quote_not_empty"
        )

    def test_span_must_match_quote(self):
        claim = ClaimFactory.build(
            article=self.article, speaker=ActorFactory(), quote="they said", start=12, end=21
        )
        with self.assertRaisesMessage(ValidationError, "not the quote"):
            claim.full_clean()

    def test_span_must_lie_inside_body(self):
        length = len(self.article.body)
        claim = ClaimFactory.build(
            article=self.article, speaker=ActorFactory(), quote="x", start=length, end=length + 1
        )
        with self.assertRaisesMessage(ValidationError, "past the end of the article body"):
            claim.full_clean()

    def test_half_a_span_is_refused(self):
        for start, end in ((13, None), (None, 22)):
            with self.subTest(start=start, end=end):
                self.assertRefusedByDatabase(
                    self.claim(quote="they said", start=start, end=end),
                    "briefings_claim_span_ordered",
                )

    def test_repeated_quote_needs_context(self):
        with self.assertRaisesMessage(AnchorError, "occurs 2 times"):
            locate(self.article.body, "“yes”")
        span = locate(self.article.body, "“yes”", prefix="and ")
        self.assertEqual(self.article.body[span.start - 4 : span.end], "and “yes”")


class AttributionTests(RefusedMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = ArticleFactory()

    def claim(self, **fields):
        return ClaimFactory.build(article=self.article, **fields)

    def test_assertion_has_no_speaker(self):
        self.assertRefusedByDatabase(
            self.claim(speaker=ActorFactory(), attribution_kind="assertion", quote_type="none"),
            "briefings_claim_attribution_consistent",
        )

    def test_attributed_claim_needs_a_speaker(self):
        self.assertRefusedByDatabase(
            self.claim(speaker=None, attribution_kind="reported", quote_type="indirect"),
            "briefings_claim_attribution_consistent",
        )

    def test_direct_quote_is_quoted(self):
        self.assertRefusedByDatabase(
            self.claim(
                speaker=ActorFactory(), attribution_kind="direct_quote", quote_type="indirect"
            ),
            "briefings_claim_direct_quote_is_quoted",
        )

    def test_attribution_in_words_drops_a_dangling_that(self):
        claim = ClaimFactory(
            speaker=ActorFactory(name="India"),
            cue="stated that",
            attribution_kind="reported",
            quote_type="indirect",
        )
        self.assertEqual(claim.attribution_text, "India stated")

    def test_clean_explains_attribution_errors_per_field(self):
        claim = ClaimFactory.build(speaker=None, attribution_kind="reported")
        with self.assertRaises(ValidationError) as caught:
            claim.full_clean()
        self.assertIn("speaker", caught.exception.message_dict)

    def test_speaker_role_must_belong_to_speaker(self):
        putin, russia = ActorFactory(), ActorFactory(kind="state")
        biden_role = Affiliation.objects.create(
            actor=ActorFactory(), organisation=russia, kind="office", role="President"
        )
        claim = ClaimFactory.build(speaker=putin, speaker_role=biden_role)
        with self.assertRaises(ValidationError) as caught:
            claim.full_clean()
        self.assertIn("speaker_role", caught.exception.message_dict)


class ChoiceAndUniquenessTests(RefusedMixin, TestCase):
    def test_invalid_choice_values_are_refused_by_the_database(self):
        claim = ClaimFactory(attribution_kind="reported", quote_type="indirect")
        fields = ("verdict", "quote_type", "claim_type", "attribution_kind", "review_status")
        for field in fields:
            with self.subTest(field=field):
                row = Claim.objects.get(pk=claim.pk)
                setattr(row, field, "nonsense")
                # Any status but unreviewed needs a review time.
                row.reviewed_at = timezone.now()
                self.assertRefusedByDatabase(row, f"briefings_claim_{field}_valid")
        briefing = BriefingFactory(published=True)
        briefing.status = "live"
        self.assertRefusedByDatabase(briefing, "briefings_briefing_status_valid")

    def test_slugs_are_unique(self):
        ActorFactory(slug="putin")
        self.assertRefusedByDatabase(ActorFactory.build(slug="putin"), "briefings_actor_slug_key")

    def test_wikidata_id_is_well_formed_and_unique(self):
        ActorFactory(wikidata_qid="Q7747")
        self.assertRefusedByDatabase(
            ActorFactory.build(wikidata_qid="Q7747"), "briefings_actor_wikidata_qid_unique"
        )
        self.assertRefusedByDatabase(
            ActorFactory.build(wikidata_qid="7747"), "briefings_actor_wikidata_qid_format"
        )

    def test_actors_without_wikidata_id_do_not_collide(self):
        ActorFactory(wikidata_qid="")
        ActorFactory(wikidata_qid="")

    def test_published_briefing_has_a_publish_date(self):
        self.assertRefusedByDatabase(
            BriefingFactory.build(status=BriefingStatus.PUBLISHED, published_at=None),
            "briefings_briefing_published_has_date",
        )

    def test_affiliation_cannot_end_before_it_starts(self):
        affiliation = Affiliation(
            actor=ActorFactory(),
            organisation=ActorFactory(),
            kind="office",
            start_date=datetime.date(2024, 1, 1),
            end_date=datetime.date(2023, 1, 1),
        )
        self.assertRefusedByDatabase(affiliation, "briefings_affiliation_dates_ordered")


class ScoRuleTests(RefusedMixin, TestCase):
    def test_one_open_ended_membership_per_state(self):
        membership = MembershipFactory()
        self.assertRefusedByDatabase(
            MembershipFactory.build(state=membership.state, status="observer"),
            "sco_membership_one_open_per_state",
        )

    def test_overlapping_membership_periods_are_refused(self):
        membership = MembershipFactory(status="observer", start_year=2005, end_year=2017)
        overlapping = Membership(state=membership.state, status="member", start_year=2016)
        with self.assertRaisesMessage(ValidationError, "overlapping period"):
            overlapping.full_clean()
        Membership(state=membership.state, status="member", start_year=2018).full_clean()

    def test_membership_cannot_end_before_it_starts(self):
        self.assertRefusedByDatabase(
            MembershipFactory.build(
                state=ActorFactory(kind="state"), start_year=2020, end_year=2019
            ),
            "sco_membership_years_ordered",
        )

    def test_represented_participant_names_a_representative(self):
        participation = Participation(
            summit=SummitFactory(),
            participant=ActorFactory(kind="state"),
            capacity="member",
            status="represented",
        )
        self.assertRefusedByDatabase(
            participation, "sco_participation_represented_has_representative"
        )

    def test_current_memberships_respect_dates(self):
        MembershipFactory(start_year=2001)
        MembershipFactory(start_year=2030)
        MembershipFactory(start_year=2001, end_year=2010, status="former_member")
        self.assertEqual(Membership.objects.current(on=datetime.date(2024, 7, 4)).count(), 1)


class ArticleBodyTests(TestCase):
    def setUp(self):
        self.claim = ClaimFactory(quote="We will deepen cooperation")
        self.article = self.claim.article

    def test_body_change_under_claims_is_refused_on_plain_save(self):
        self.article.body = "A different text altogether."
        with self.assertRaisesMessage(ValidationError, "re-anchoring"):
            self.article.save()
        self.assertEqual(Article.objects.get().body_sha256, self.article.body_sha256)

    def test_body_change_reanchors_claims_by_quote(self):
        orphans = services.article_update_body(
            article=self.article, body="Update: " + self.article.body
        )
        self.claim.refresh_from_db()
        self.assertEqual(orphans, [])
        self.assertEqual(self.article.body[self.claim.start : self.claim.end], self.claim.quote)

    def test_claims_that_no_longer_match_are_orphaned_not_misplaced(self):
        body = self.article.body.replace("deepen", "broaden")
        orphans = services.article_update_body(article=self.article, body=body)
        self.assertEqual(orphans, [self.claim])
        self.claim.refresh_from_db()
        self.assertIsNone(self.claim.start)
        self.assertIn(self.claim, Claim.objects.orphaned())

    def test_body_change_can_be_refused_naming_the_claims(self):
        body = self.article.body.replace("deepen", "broaden")
        with self.assertRaisesMessage(ValidationError, f"Claim #{self.claim.pk} no longer matches"):
            services.article_update_body(article=self.article, body=body, orphan=False)
        self.assertNotIn("broaden", Article.objects.get().body)

    def test_body_hash_follows_the_text(self):
        before = self.article.body_sha256
        services.article_update_body(article=self.article, body=self.article.body + " More.")
        self.assertNotEqual(Article.objects.get().body_sha256, before)


class VisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.public_claim = ClaimFactory()
        cls.draft_claim = ClaimFactory()
        cls.published = BriefingFactory(published=True, claims=[cls.public_claim])
        cls.draft = BriefingFactory(claims=[cls.draft_claim])
        cls.scheduled = BriefingFactory(
            status=BriefingStatus.PUBLISHED,
            published_at=timezone.now() + datetime.timedelta(days=1),
        )

    def test_only_published_briefings_whose_time_has_come_are_public(self):
        self.assertQuerySetEqual(Briefing.objects.public(), [self.published])

    def test_only_claims_articles_and_actors_of_published_briefings_are_public(self):
        self.assertQuerySetEqual(Claim.objects.public(), [self.public_claim])
        self.assertQuerySetEqual(
            Article.objects.public(), [self.public_claim.article], ordered=False
        )
        from briefings.models import Actor

        self.assertIn(self.public_claim.speaker, Actor.objects.public())
        self.assertNotIn(self.draft_claim.speaker, Actor.objects.public())


class WorkflowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.reviewer = reviewer()
        cls.claim = ClaimFactory(unreviewed=True)

    def setUp(self):
        self.briefing = BriefingFactory(claims=[self.claim])

    def test_editor_can_submit_for_review(self):
        services.briefing_submit(briefing=self.briefing, by=self.editor)
        self.assertEqual(Briefing.objects.get().status, BriefingStatus.IN_REVIEW)

    def test_editor_cannot_publish(self):
        services.briefing_submit(briefing=self.briefing, by=self.editor)
        with self.assertRaisesMessage(PermissionDenied, "Only a reviewer"):
            services.briefing_publish(briefing=self.briefing, by=self.editor)
        self.assertEqual(Briefing.objects.get().status, BriefingStatus.IN_REVIEW)

    def test_unreviewed_key_claim_blocks_publishing_and_is_named(self):
        services.briefing_submit(briefing=self.briefing, by=self.editor)
        with self.assertRaisesMessage(ValidationError, f"#{self.claim.pk}"):
            services.briefing_publish(briefing=self.briefing, by=self.reviewer)

    def test_reviewer_publishes_reviewed_briefing(self):
        services.briefing_submit(briefing=self.briefing, by=self.editor)
        editing.claim_review(claim=self.claim, by=self.reviewer)
        services.briefing_publish(briefing=self.briefing, by=self.reviewer)
        self.briefing.refresh_from_db()
        self.assertEqual(self.briefing.status, BriefingStatus.PUBLISHED)
        self.assertIsNotNone(self.briefing.published_at)

    def test_draft_cannot_skip_review(self):
        editing.claim_review(claim=self.claim, by=self.reviewer)
        with self.assertRaisesMessage(ValidationError, "cannot become published"):
            services.briefing_publish(briefing=self.briefing, by=self.reviewer)

    def test_editor_cannot_review_claims(self):
        with self.assertRaises(PermissionDenied):
            editing.claim_review(claim=self.claim, by=self.editor)
        self.assertEqual(Claim.objects.get().review_status, ReviewStatus.UNREVIEWED)

    def test_user_without_group_cannot_submit(self):
        with self.assertRaises(PermissionDenied):
            services.briefing_submit(briefing=self.briefing, by=UserFactory())


class HistoryTests(TestCase):
    def test_every_change_records_who_when_and_what(self):
        claim = ClaimFactory(verdict="unverified")
        claim._history_user = user = editor()
        claim.verdict = "accurate"
        claim.save()
        latest, previous = claim.history.all()[:2]
        self.assertEqual(latest.history_user, user)
        self.assertEqual(
            [change.field for change in latest.diff_against(previous).changes], ["verdict"]
        )

    def test_links_to_actors_are_recorded(self):
        claim = ClaimFactory()
        link = ClaimActor.objects.create(claim=claim, actor=ActorFactory())
        link.delete()
        self.assertEqual(
            [record.history_type for record in ClaimActor.history.filter(claim_id=claim.pk)],
            ["-", "+"],
        )

    def test_change_can_be_reverted(self):
        claim = ClaimFactory(verdict="unverified")
        claim.verdict = "false"
        claim.save()
        claim.history.earliest().instance.save()
        self.assertEqual(Claim.objects.get().verdict, "unverified")


class DeletionTests(TestCase):
    def test_actor_with_claims_cannot_be_deleted(self):
        claim = ClaimFactory()
        with self.assertRaises(ProtectedError):
            claim.speaker.delete()

    def test_source_with_articles_cannot_be_deleted(self):
        article = ArticleFactory()
        with self.assertRaises(ProtectedError):
            article.source.delete()

    def test_merge_moves_claims_and_keeps_names(self):
        keep, merge = ActorFactory(name="Xi Jinping"), ActorFactory(name="Xi")
        said = ClaimFactory(speaker=merge)
        about = ClaimFactory(about=[merge, keep])
        services.actor_merge(keep=keep, merge=merge, by=UserFactory(is_superuser=True))
        said.refresh_from_db()
        self.assertEqual(said.speaker, keep)
        self.assertQuerySetEqual(about.about.all(), [keep])
        self.assertIn("Xi", keep.aliases.values_list("name", flat=True))
        self.assertFalse(type(keep).objects.filter(pk=merge.pk).exists())


class StaleEditTests(TestCase):
    def test_save_from_a_stale_version_is_refused(self):
        claim = ClaimFactory()
        loaded_version = claim.version
        Claim.objects.get(pk=claim.pk).save()  # someone else saves meanwhile
        with transaction.atomic(), self.assertRaisesMessage(services.StaleEdit, "was changed"):
            services.check_version(claim, loaded_version)

    def test_current_version_passes(self):
        claim = ClaimFactory()
        with transaction.atomic():
            services.check_version(claim, claim.version)
