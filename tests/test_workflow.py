"""The briefing workflow through every admin path: form, actions, inlines, corrections."""

from django.contrib import admin
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from briefings import services
from briefings.models import (
    Briefing,
    BriefingStatus,
    Claim,
    ClaimComment,
    Correction,
    ReviewStatus,
)
from tests import factories
from tests.change_control import key_claim_rows


def without_first(briefing):
    """The key claims field's value with the briefing's first key claim removed."""
    return key_claim_rows(*(link.claim for link in briefing.claim_links.all()[1:]))


def briefing_form_data(briefing, **changes):
    """The change form's POST data for briefing as it is stored, with no inline changes."""
    data = {
        "title": briefing.title,
        "slug": briefing.slug,
        "lede": briefing.lede,
        "analysis": briefing.analysis,
        "event": briefing.event_id or "",
        "status": briefing.status,
        "published_at_0": briefing.published_at.strftime("%Y-%m-%d")
        if briefing.published_at
        else "",
        "published_at_1": briefing.published_at.strftime("%H:%M:%S")
        if briefing.published_at
        else "",
        "edit_version": briefing.version,
        "correction_reason": "",
        "key_claim_rows": key_claim_rows(
            *((link.claim, link.comment) for link in briefing.claim_links.all())
        ),
    }
    for prefix, rows in [
        ("article_links", list(briefing.article_links.all())),
        ("actor_links", []),
        ("author_links", []),
        ("corrections", []),
    ]:
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        for index, row in enumerate(rows):
            data[f"{prefix}-{index}-id"] = row.pk
            data[f"{prefix}-{index}-briefing"] = briefing.pk
            data[f"{prefix}-{index}-article"] = row.article_id
            data[f"{prefix}-{index}-position"] = row.position
    data.update(changes)
    return data


class WorkflowTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.reviewer = factories.reviewer()
        cls.claim = factories.ClaimFactory(
            review_status=ReviewStatus.REVIEWED, reviewed_at=timezone.now()
        )

    def make_briefing(self, status=BriefingStatus.IN_REVIEW, **kwargs):
        briefing = factories.BriefingFactory(status=status, claims=[self.claim], **kwargs)
        return Briefing.objects.get(pk=briefing.pk)

    def change_url(self, briefing):
        return reverse("admin:briefings_briefing_change", args=[briefing.pk])

    def post_form(self, user, briefing, **changes):
        self.client.force_login(user)
        return self.client.post(self.change_url(briefing), briefing_form_data(briefing, **changes))

    def run_action(self, user, action, *briefings):
        self.client.force_login(user)
        return self.client.post(
            reverse("admin:briefings_briefing_changelist"),
            {"action": action, "_selected_action": [b.pk for b in briefings]},
            follow=True,
        )


class StatusFieldTests(WorkflowTestCase):
    def test_editor_cannot_publish_through_the_status_field(self):
        briefing = self.make_briefing()
        response = self.post_form(self.editor, briefing, status=BriefingStatus.PUBLISHED)
        self.assertEqual(response.status_code, 200)
        self.assertFormError(
            response.context["adminform"].form,
            "status",
            "Only a reviewer can publish or archive a briefing.",
        )
        briefing.refresh_from_db()
        self.assertEqual(briefing.status, BriefingStatus.IN_REVIEW)

    def test_editor_can_submit_for_review_through_the_status_field(self):
        briefing = self.make_briefing(status=BriefingStatus.DRAFT)
        response = self.post_form(self.editor, briefing, status=BriefingStatus.IN_REVIEW)
        self.assertEqual(response.status_code, 302)
        briefing.refresh_from_db()
        self.assertEqual(briefing.status, BriefingStatus.IN_REVIEW)
        self.assertEqual(briefing.history.first().history_change_reason, "Status set to In review")

    def test_a_status_change_with_other_changes_is_one_history_entry(self):
        briefing = self.make_briefing(status=BriefingStatus.DRAFT)
        before = briefing.history.count()
        self.post_form(self.editor, briefing, status=BriefingStatus.IN_REVIEW, lede="New lede.")
        self.assertEqual(briefing.history.count(), before + 1)
        record = briefing.history.first()
        self.assertEqual(
            (record.status, record.lede, record.history_change_reason, record.history_user),
            (BriefingStatus.IN_REVIEW, "New lede.", "Status set to In review", self.editor),
        )

    def test_reviewer_publishes_through_the_status_field_and_the_date_is_set(self):
        briefing = self.make_briefing()
        response = self.post_form(self.reviewer, briefing, status=BriefingStatus.PUBLISHED)
        self.assertEqual(response.status_code, 302)
        briefing.refresh_from_db()
        self.assertEqual(briefing.status, BriefingStatus.PUBLISHED)
        self.assertIsNotNone(briefing.published_at)

    def test_a_draft_cannot_jump_to_published_even_for_a_reviewer(self):
        briefing = self.make_briefing(status=BriefingStatus.DRAFT)
        response = self.post_form(self.reviewer, briefing, status=BriefingStatus.PUBLISHED)
        self.assertFormError(
            response.context["adminform"].form,
            "status",
            "A draft briefing cannot become published.",
        )

    def test_editor_cannot_create_a_published_briefing(self):
        self.client.force_login(self.editor)
        data = {"title": "New", "slug": "new", "lede": "Gist.", "status": BriefingStatus.PUBLISHED}
        for prefix in [
            "article_links",
            "actor_links",
            "author_links",
            "corrections",
        ]:
            data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
        response = self.client.post(reverse("admin:briefings_briefing_add"), data)
        self.assertFormError(
            response.context["adminform"].form,
            "status",
            "A draft briefing cannot become published.",
        )
        self.assertFalse(Briefing.objects.filter(slug="new").exists())

    def test_publishing_names_the_unreviewed_key_claims(self):
        unreviewed = factories.ClaimFactory(unreviewed=True)
        briefing = self.make_briefing()
        factories.BriefingFactory._meta.model.key_claims.through.objects.create(
            briefing=briefing, claim=unreviewed, position=2
        )
        response = self.post_form(self.reviewer, briefing, status=BriefingStatus.PUBLISHED)
        self.assertContains(response, f"These key claims are not reviewed yet: #{unreviewed.pk}")
        briefing.refresh_from_db()
        self.assertEqual(briefing.status, BriefingStatus.IN_REVIEW)

    def test_publishing_checks_key_claims_added_in_the_same_save(self):
        unreviewed = factories.ClaimFactory(unreviewed=True)
        briefing = self.make_briefing()
        data = briefing_form_data(briefing, status=BriefingStatus.PUBLISHED)
        data["key_claim_rows"] = key_claim_rows(
            *(link.claim for link in briefing.claim_links.all()), unreviewed
        )
        self.client.force_login(self.reviewer)
        response = self.client.post(self.change_url(briefing), data)
        self.assertContains(response, "These key claims are not reviewed yet")
        briefing.refresh_from_db()
        self.assertEqual(briefing.status, BriefingStatus.IN_REVIEW)
        self.assertEqual(briefing.claim_links.count(), 1)

    def test_no_admin_inline_exposes_a_briefing_status(self):
        for model_admin in admin.site._registry.values():
            for inline in model_admin.inlines:
                self.assertIsNot(inline.model, Briefing, f"{model_admin} has a Briefing inline")

    def test_status_is_not_bulk_editable(self):
        self.assertNotIn("status", admin.site._registry[Briefing].list_editable)


class ActionTests(WorkflowTestCase):
    def test_editor_has_no_publish_action_and_a_forged_one_does_nothing(self):
        briefing = self.make_briefing()
        self.client.force_login(self.editor)
        changelist = self.client.get(reverse("admin:briefings_briefing_changelist"))
        self.assertNotContains(changelist, 'value="publish"')
        self.assertContains(changelist, 'value="submit_for_review"')
        self.run_action(self.editor, "publish", briefing)
        briefing.refresh_from_db()
        self.assertEqual(briefing.status, BriefingStatus.IN_REVIEW)

    def test_reviewer_publishes_and_archives_with_actions(self):
        briefing = self.make_briefing()
        response = self.run_action(self.reviewer, "publish", briefing)
        self.assertContains(response, "Published: 1 briefing(s).")
        briefing.refresh_from_db()
        self.assertEqual(briefing.status, BriefingStatus.PUBLISHED)
        self.run_action(self.reviewer, "archive", briefing)
        briefing.refresh_from_db()
        self.assertEqual(briefing.status, BriefingStatus.ARCHIVED)

    def test_publish_action_reports_each_refusal(self):
        ready = self.make_briefing()
        draft = self.make_briefing(status=BriefingStatus.DRAFT)
        response = self.run_action(self.reviewer, "publish", ready, draft)
        self.assertContains(response, "Published: 1 briefing(s).")
        self.assertContains(response, f"Not published — “{draft}”: A draft briefing cannot")

    def test_editor_submits_for_review_with_an_action(self):
        briefing = self.make_briefing(status=BriefingStatus.DRAFT)
        self.run_action(self.editor, "submit_for_review", briefing)
        briefing.refresh_from_db()
        self.assertEqual(briefing.status, BriefingStatus.IN_REVIEW)


class CorrectionTests(WorkflowTestCase):
    def published(self):
        return self.make_briefing(status=BriefingStatus.PUBLISHED, published_at=timezone.now())

    def test_a_reviewers_change_to_a_published_briefing_needs_a_reason(self):
        briefing = self.published()
        response = self.post_form(self.reviewer, briefing, lede="A corrected lede.")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "give a reason for the correction")
        briefing.refresh_from_db()
        self.assertNotEqual(briefing.lede, "A corrected lede.")

    def test_a_reason_records_a_correction_with_the_changed_fields(self):
        briefing = self.published()
        response = self.post_form(
            self.reviewer,
            briefing,
            lede="A corrected lede.",
            correction_reason="The lede misnamed the host city.",
        )
        self.assertEqual(response.status_code, 302)
        correction = Correction.objects.get()
        self.assertEqual(correction.reason, "The lede misnamed the host city.")
        self.assertEqual(correction.changed_fields, ["lede"])
        self.assertEqual(correction.created_by, self.reviewer)

    def test_removing_a_key_claim_of_a_published_briefing_needs_a_reason(self):
        briefing = self.published()
        response = self.post_form(self.reviewer, briefing, key_claim_rows=without_first(briefing))
        self.assertContains(response, "give a reason for the correction")
        self.assertEqual(briefing.claim_links.count(), 1)

    def test_an_editors_change_to_a_published_briefing_waits_for_a_reviewer(self):
        briefing = self.published()
        response = self.post_form(
            self.editor, briefing, lede="A corrected lede.", key_claim_rows=without_first(briefing)
        )
        self.assertEqual(response.status_code, 302)
        briefing.refresh_from_db()
        self.assertEqual(briefing.lede, "What happened, in a sentence.")
        self.assertEqual(briefing.claim_links.count(), 1)
        self.assertFalse(Correction.objects.exists())
        self.assertEqual(
            briefing.pending_change.data, {"lede": "A corrected lede.", "key_claims": []}
        )

    def test_internal_changes_to_a_published_briefing_need_no_reason(self):
        briefing = self.published()
        response = self.post_form(self.editor, briefing, slug=briefing.slug)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Correction.objects.exists())

    def test_drafts_change_without_corrections(self):
        briefing = self.make_briefing(status=BriefingStatus.DRAFT)
        self.post_form(self.editor, briefing, lede="New lede.")
        self.assertFalse(Correction.objects.exists())


class TransitionRuleTests(TestCase):
    def test_a_claim_quote_mentioning_permission_is_not_taken_for_a_permission_error(self):
        reviewer = factories.reviewer()
        claim = factories.ClaimFactory(quote="We will deepen cooperation", unreviewed=True)
        Claim.objects.filter(pk=claim.pk).update(cue="without permission")
        briefing = factories.BriefingFactory(status=BriefingStatus.IN_REVIEW, claims=[claim])
        Claim.objects.filter(pk=claim.pk).update(quote="We will deepen cooperation")
        with self.assertRaisesMessage(Exception, "not reviewed yet") as raised:
            services.briefing_set_status(
                briefing=briefing, to=BriefingStatus.PUBLISHED, by=reviewer
            )
        self.assertEqual(type(raised.exception).__name__, "ValidationError")


class OpenCommentsTests(WorkflowTestCase):
    """Publishing while comments on key claims are open asks the reviewer to confirm."""

    def setUp(self):
        self.briefing = self.make_briefing()
        ClaimComment.objects.create(claim=self.claim, author=self.editor, body="Is the date right?")

    def assertStatus(self, status):
        self.briefing.refresh_from_db()
        self.assertEqual(self.briefing.status, status)

    def test_the_publish_action_shows_the_open_comments_and_asks(self):
        response = self.run_action(self.reviewer, "publish", self.briefing)
        self.assertContains(response, "Publish anyway?")
        self.assertContains(response, "Is the date right?")
        self.assertStatus(BriefingStatus.IN_REVIEW)
        self.client.post(
            reverse("admin:briefings_briefing_changelist"),
            {"action": "publish", "_selected_action": [self.briefing.pk], "confirm": "yes"},
        )
        self.assertStatus(BriefingStatus.PUBLISHED)

    def test_the_status_field_needs_the_confirmation_box(self):
        response = self.post_form(self.reviewer, self.briefing, status=BriefingStatus.PUBLISHED)
        self.assertContains(response, "Comments on key claims are still open")
        self.assertStatus(BriefingStatus.IN_REVIEW)
        self.post_form(
            self.reviewer,
            self.briefing,
            status=BriefingStatus.PUBLISHED,
            publish_despite_open_comments="on",
        )
        self.assertStatus(BriefingStatus.PUBLISHED)

    def test_resolved_comments_do_not_hold_publishing(self):
        ClaimComment.objects.update(is_resolved=True)
        self.run_action(self.reviewer, "publish", self.briefing)
        self.assertStatus(BriefingStatus.PUBLISHED)

    def test_the_api_refuses_until_told_to_publish_anyway(self):
        self.client.force_login(self.reviewer)
        url = f"/api/v1/briefings/{self.briefing.slug}/"

        def patch(**data):
            self.briefing.refresh_from_db()
            return self.client.patch(
                url,
                data,
                content_type="application/json",
                headers={"If-Match": f'"v{self.briefing.version}-x"'},
            )

        refused = patch(status="published")
        self.assertEqual(refused.status_code, 400)
        self.assertIn("Comments on key claims are still open", refused.json()["status"][0])
        self.assertStatus(BriefingStatus.IN_REVIEW)
        self.assertEqual(
            patch(status="published", publish_despite_open_comments=True).status_code, 200
        )
        self.assertStatus(BriefingStatus.PUBLISHED)


class PendingApprovalTests(WorkflowTestCase):
    """The admin's Approve applies only the change the reviewer saw."""

    def setUp(self):
        self.briefing = self.make_briefing(
            status=BriefingStatus.PUBLISHED, published_at=timezone.now()
        )
        self.post_form(self.editor, self.briefing, lede="A proposed lede.")
        self.briefing.refresh_from_db()
        self.url = reverse("admin:briefings_briefing_pending", args=[self.briefing.pk, "approve"])

    def test_approving_the_version_seen_applies_it_as_a_correction(self):
        self.client.force_login(self.reviewer)
        data = {"edit_version": self.briefing.version, "approve_reason": "Sharper lede."}
        self.client.post(self.url, data)
        self.briefing.refresh_from_db()
        self.assertEqual(self.briefing.lede, "A proposed lede.")
        self.assertEqual(Correction.objects.get().reason, "Sharper lede.")

    def test_a_change_made_after_the_reviewer_looked_is_not_approved_unseen(self):
        seen = self.briefing.version
        self.post_form(self.editor, self.briefing, lede="A later lede.")
        self.client.force_login(self.reviewer)
        response = self.client.post(self.url, {"edit_version": seen}, follow=True)
        self.assertContains(response, "Not done")
        self.briefing.refresh_from_db()
        self.assertEqual(self.briefing.lede, "What happened, in a sentence.")
        self.assertEqual(self.briefing.pending_change.data, {"lede": "A later lede."})

    def test_editors_cannot_approve(self):
        self.client.force_login(self.editor)
        self.client.post(self.url, {"edit_version": self.briefing.version})
        self.briefing.refresh_from_db()
        self.assertEqual(self.briefing.lede, "What happened, in a sentence.")
