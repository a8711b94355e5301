"""Each domain rule, broken by a write that must be refused."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.test import TestCase
from django.utils import timezone

from briefings import services
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
    def assertRefusedByDatabase(self, *constraints):
        """Context manager: the write must raise IntegrityError naming one of `constraints`."""
        return _Refused(self, constraints)


class _Refused:
    def __init__(self, test, constraints):
        self.test, self.constraints = test, constraints

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, kind, error, traceback):
        self.atomic.__exit__(kind, error, traceback)
        self.test.assertIsNotNone(kind, "the database accepted the write")
        self.test.assertTrue(issubclass(kind, IntegrityError), f"{kind.__name__}: {error}")
        # SQLite names CHECK constraints in its message; PostgreSQL names every kind.
        if self.constraints and "CHECK" in str(error).upper():
            self.test.assertTrue(
                any(name in str(error) for name in self.constraints),
                f"{error} names none of {self.constraints}",
            )
        return True


class ClaimSpanTests(RefusedMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = ArticleFactory(body="😀 Привет 中文: they said “yes” and “yes” again.")

    def test_span_is_counted_in_code_points(self):
        claim = ClaimFactory(article=self.article, quote="they said")
        self.assertEqual((claim.start, claim.end), (13, 22))
        claim.full_clean()

    def test_span_must_start_before_it_ends(self):
        # Either check catches a reversed span; which one reports it varies by database.
        with self.assertRefusedByDatabase(
            "briefings_claim_span_ordered", "briefings_claim_quote_fits_span"
        ):
            ClaimFactory(article=self.article, quote="they said", start=22, end=13)

    def test_span_length_must_equal_quote_length(self):
        with self.assertRefusedByDatabase("briefings_claim_quote_fits_span"):
            ClaimFactory(article=self.article, quote="they said", start=13, end=21)

    def test_quote_must_not_be_empty(self):
        with self.assertRefusedByDatabase():
            ClaimFactory(article=self.article, quote="", start=0, end=0)

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
        with self.assertRefusedByDatabase("briefings_claim_span_ordered"):
            ClaimFactory(article=self.article, quote="they said", start=13, end=None)

    def test_repeated_quote_needs_context(self):
        with self.assertRaisesMessage(AnchorError, "occurs 2 times"):
            locate(self.article.body, "“yes”")
        span = locate(self.article.body, "“yes”", prefix="and ")
        self.assertEqual(self.article.body[span.start - 4 : span.end], "and “yes”")


class AttributionTests(RefusedMixin, TestCase):
    def test_assertion_has_no_speaker(self):
        with self.assertRefusedByDatabase("briefings_claim_attribution_consistent"):
            ClaimFactory(attribution_kind="assertion", quote_type="none")

    def test_attributed_claim_needs_a_speaker(self):
        with self.assertRefusedByDatabase("briefings_claim_attribution_consistent"):
            ClaimFactory(speaker=None, attribution_kind="reported", quote_type="indirect")

    def test_direct_quote_is_quoted(self):
        with self.assertRefusedByDatabase("briefings_claim_direct_quote_is_quoted"):
            ClaimFactory(attribution_kind="direct_quote", quote_type="indirect")

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
        for field in ("verdict", "quote_type", "claim_type", "review_status"):
            with (
                self.subTest(field=field),
                self.assertRefusedByDatabase(f"briefings_claim_{field}"),
            ):
                Claim.objects.filter(pk=claim.pk).update(**{field: "nonsense"})
        briefing = BriefingFactory(published=True)
        with self.assertRefusedByDatabase("briefings_briefing_status_valid"):
            Briefing.objects.filter(pk=briefing.pk).update(status="live")

    def test_slugs_are_unique(self):
        ActorFactory(slug="putin")
        with self.assertRefusedByDatabase():
            ActorFactory(slug="putin")

    def test_wikidata_id_is_well_formed_and_unique(self):
        ActorFactory(wikidata_qid="Q7747")
        with self.assertRefusedByDatabase():
            ActorFactory(wikidata_qid="Q7747")
        with self.assertRefusedByDatabase("briefings_actor_wikidata_qid_format"):
            ActorFactory(wikidata_qid="7747")

    def test_actors_without_wikidata_id_do_not_collide(self):
        ActorFactory(wikidata_qid="")
        ActorFactory(wikidata_qid="")

    def test_published_briefing_has_a_publish_date(self):
        with self.assertRefusedByDatabase("briefings_briefing_published_has_date"):
            BriefingFactory(status=BriefingStatus.PUBLISHED, published_at=None)

    def test_affiliation_cannot_end_before_it_starts(self):
        with self.assertRefusedByDatabase("briefings_affiliation_dates_ordered"):
            Affiliation.objects.create(
                actor=ActorFactory(),
                organisation=ActorFactory(),
                kind="office",
                start_date=datetime.date(2024, 1, 1),
                end_date=datetime.date(2023, 1, 1),
            )


class ScoRuleTests(RefusedMixin, TestCase):
    def test_one_open_ended_membership_per_state(self):
        membership = MembershipFactory()
        with self.assertRefusedByDatabase():
            MembershipFactory(state=membership.state, status="observer")

    def test_overlapping_membership_periods_are_refused(self):
        membership = MembershipFactory(status="observer", start_year=2005, end_year=2017)
        overlapping = Membership(state=membership.state, status="member", start_year=2016)
        with self.assertRaisesMessage(ValidationError, "overlapping period"):
            overlapping.full_clean()
        Membership(state=membership.state, status="member", start_year=2018).full_clean()

    def test_membership_cannot_end_before_it_starts(self):
        with self.assertRefusedByDatabase("sco_membership_years_ordered"):
            MembershipFactory(start_year=2020, end_year=2019)

    def test_represented_participant_names_a_representative(self):
        with self.assertRefusedByDatabase("sco_participation_represented_has_representative"):
            Participation.objects.create(
                summit=SummitFactory(),
                participant=ActorFactory(kind="state"),
                capacity="member",
                status="represented",
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
        services.claim_review(claim=self.claim, by=self.reviewer)
        services.briefing_publish(briefing=self.briefing, by=self.reviewer)
        self.briefing.refresh_from_db()
        self.assertEqual(self.briefing.status, BriefingStatus.PUBLISHED)
        self.assertIsNotNone(self.briefing.published_at)

    def test_draft_cannot_skip_review(self):
        services.claim_review(claim=self.claim, by=self.reviewer)
        with self.assertRaisesMessage(ValidationError, "cannot become published"):
            services.briefing_publish(briefing=self.briefing, by=self.reviewer)

    def test_editor_cannot_review_claims(self):
        with self.assertRaises(PermissionDenied):
            services.claim_review(claim=self.claim, by=self.editor)
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
