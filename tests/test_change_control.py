"""
Readers see only what a reviewer approved: regression tests for the
editorial-integrity findings (#2, #3, #5, #6), approve and discard, and the
bugs the permission matrix (test_permission_matrix.py) found.
"""

import datetime
from xml.etree import ElementTree

from django.urls import reverse
from django.utils import timezone

from briefings import editing
from briefings.models import (
    Briefing,
    BriefingStatus,
    Claim,
    Correction,
    PendingChange,
    ReviewStatus,
)
from tests import factories
from tests.change_control import (
    EDITOR,
    PROPOSER,
    REVIEWER,
    ChangeControlTestCase,
    change_form_data,
    key_claim_rows,
    messages_of,
    version_tag,
)

ATOM = "{http://www.w3.org/2005/Atom}"


class EditorChangesReviewedKeyClaimTests(ChangeControlTestCase):
    """#2: an editor's change to a reviewed key claim of a published briefing waits for review."""

    def setUp(self):
        super().setUp()
        # The feed entry's last update, well before any change here.
        Briefing.objects.filter(pk=self.briefing.pk).update(
            updated_at=timezone.now() - datetime.timedelta(days=1)
        )
        self.approved = self.public_claim(self.claim)
        self.new_speaker = factories.ActorFactory()
        body = self.article.body
        # A wider span around the same words.
        self.new_quote = "Speaker 0 said that point 0 holds"
        self.new_start = body.index(self.new_quote)
        self.new_end = self.new_start + len(self.new_quote)

    def feed_updated(self):
        """The <updated> of the briefing's entry in the public Atom feed."""
        response = self.reader.get(reverse("briefings:feed"))
        feed = ElementTree.fromstring(response.content)
        url = self.briefing.get_absolute_url()
        for entry in feed.iter(f"{ATOM}entry"):
            if entry.find(f"{ATOM}link").get("href").endswith(url):
                return entry.find(f"{ATOM}updated").text
        self.fail(f"No feed entry for {url}.")

    def claim_form(self):
        data = self.admin_page_data(
            self.claim,
            verdict="accurate",
            rationale="Re-checked against the transcript.",
            start=self.new_start,
            end=self.new_end,
            quote=self.new_quote,
            speaker=self.new_speaker.pk,
        )
        response = self.admin_post(self.claim, data)
        self.assertEqual(response.status_code, 302)
        self.assertIn(
            "Readers see this claim: your change waits for a reviewer's approval",
            " ".join(messages_of(response)),
        )
        # The wider span ends where the old one did.
        return {"verdict", "rationale", "start", "quote", "speaker"}

    def workspace(self):
        data = self.workspace_data(
            self.claim,
            verdict="accurate",
            rationale="Re-checked against the transcript.",
            start=self.new_start,
            end=self.new_end,
            quote=self.new_quote,
            speaker=self.new_speaker.pk,
        )
        response = self.workspace_save(data)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertIn("your change waits for a reviewer", body["message"])
        self.assertTrue(body["claim"]["pending"])
        self.assertIn("Changed since review", body["item_html"])
        # The wider span ends where the old one did.
        return {"verdict", "rationale", "start", "quote", "speaker"}

    def set_verdict(self):
        response = self.client.post(
            reverse("admin:briefings_claim_changelist"),
            {"action": "set_verdict", "_selected_action": [self.claim.pk], "verdict": "accurate"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertIn(
            "1 claim(s) that readers see: your change waits for a reviewer.",
            messages_of(response),
        )
        return {"verdict"}

    def test_an_editors_change_waits_until_a_reviewer_approves_it(self):
        for path in (self.claim_form, self.workspace, self.set_verdict):
            with self.subTest(path=path.__name__), self.fresh():
                feed_updated = self.feed_updated()
                self.login(EDITOR)
                changed = path()
                # Not live: readers and the row keep the approved claim (only its version
                # moves, so that other editors reload it).
                shown = self.public_claim(self.claim)
                self.assertEqual(shown.pop("version"), self.approved["version"] + 1)
                approved = {k: v for k, v in self.approved.items() if k != "version"}
                self.assertEqual(shown, approved)
                self.assertReadersSee(
                    self.claim, verdict="false", rationale="Checked against record 0."
                )
                stored = Claim.objects.get(pk=self.claim.pk)
                self.assertEqual(stored.verdict, "false")
                self.assertEqual(stored.quote, "point 0 holds")
                self.assertEqual(stored.review_status, ReviewStatus.REVIEWED)
                pending = self.pending(self.claim)
                self.assertEqual(set(pending.data) - {"prefix", "suffix"}, changed)
                self.assertEqual(pending.created_by, self.editor)
                self.assertEqual(self.corrections(), [])
                self.assertEqual(self.feed_updated(), feed_updated)
                # Staff see it as changed since review, where they edit it.
                page = self.client.get(reverse("admin:briefings_claim_change", args=[stored.pk]))
                self.assertContains(page, "Changed since review")
                workspace = self.client.get(
                    reverse("admin:briefings_article_change", args=[self.article.pk])
                )
                self.assertContains(workspace, "Changed since review")
                # A reviewer approves it: live, as a correction with its reason.
                self.login(REVIEWER)
                response = self.client.post(
                    reverse("admin:briefings_claim_pending", args=[stored.pk, "approve"]),
                    {"approve_reason": "The verdict was wrong: the record says otherwise."},
                )
                self.assertEqual(response.status_code, 302)
                self.assertIsNone(self.pending(self.claim))
                self.assertReadersSee(self.claim, verdict="accurate")
                if "quote" in changed:
                    self.assertReadersSee(
                        self.claim,
                        quote=self.new_quote,
                        start=self.new_start,
                        rationale="Re-checked against the transcript.",
                        speaker=self.public_claim(self.claim)["speaker"],
                    )
                    self.assertEqual(
                        self.public_claim(self.claim)["speaker"]["slug"], self.new_speaker.slug
                    )
                [correction] = self.corrections()
                self.assertEqual(
                    correction.reason, "The verdict was wrong: the record says otherwise."
                )
                self.assertEqual(correction.created_by, self.reviewer)
                self.assertIn(f"key claim #{self.claim.pk}: verdict", correction.changed_fields)
                self.assertIn(correction.reason, self.public_page())
                self.assertGreater(self.feed_updated(), feed_updated)


class RetireKeyClaimTests(ChangeControlTestCase):
    """#3: retiring a key claim readers see asks for confirmation and a reason for them."""

    def retire(self, **extra):
        return self.client.post(
            reverse("admin:briefings_claim_changelist"),
            {"action": "retire", "_selected_action": [self.claim.pk], **extra},
        )

    def test_the_action_asks_for_confirmation_first(self):
        self.login(REVIEWER)
        response = self.retire()
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "readers see it now")
        self.assertContains(response, 'name="reason"')
        self.assertReadersSee(self.claim, review_status="reviewed")

    def test_a_reviewer_must_give_readers_a_reason(self):
        self.login(REVIEWER)
        response = self.retire(confirm="yes", reason="  ")
        self.assertIn(
            "Readers see this claim: say, for them, why it is retired.", messages_of(response)[0]
        )
        self.assertReadersSee(self.claim, review_status="reviewed")
        self.assertEqual(self.corrections(), [])

    def test_the_reason_is_shown_as_a_correction_on_the_briefing_page(self):
        self.login(REVIEWER)
        self.retire(confirm="yes", reason="The quote was attributed to the wrong speaker.")
        self.assertReadersDoNotSee(self.claim)
        [correction] = self.corrections()
        self.assertEqual(correction.reason, "The quote was attributed to the wrong speaker.")
        page = self.public_page()
        self.assertIn("The quote was attributed to the wrong speaker.", page)
        self.assertIn("Corrected 1 time", page)

    def test_an_editors_retirement_waits_for_a_reviewer(self):
        self.login(EDITOR)
        response = self.retire(confirm="yes", reason="Misquoted.")
        self.assertIn(
            "1 claim(s) that readers see: your change waits for a reviewer.", messages_of(response)
        )
        self.assertReadersSee(self.claim, review_status="reviewed")
        self.assertEqual(self.pending(self.claim).data, {"retire": True})
        self.assertEqual(self.corrections(), [])

    def test_the_workspace_endpoint_needs_a_reason_too(self):
        self.login(REVIEWER)
        url = reverse("admin:briefings_article_claim_retire", args=[self.article.pk, self.claim.pk])
        response = self.client.post(url, {"reason": ""})
        self.assertEqual(response.status_code, 400)
        self.assertIn("reason", response.json()["errors"])
        self.assertReadersSee(self.claim, review_status="reviewed")
        self.client.post(url, {"reason": "The speech was never given."})
        self.assertReadersDoNotSee(self.claim)
        self.assertIn("The speech was never given.", self.public_page())


class BriefingLedeThroughTheAPITests(ChangeControlTestCase):
    """#5: the API changes a published briefing's lede as the admin does."""

    def patch(self, data):
        url = reverse("api:briefing-detail", args=[self.briefing.slug])
        return self.api("patch", url, data, obj=self.briefing)

    def test_an_editors_change_is_accepted_and_waits(self):
        self.login(EDITOR)
        response = self.patch({"lede": "A corrected lede."})
        self.assertEqual(response.status_code, 202)
        self.assertEqual(response.json()["pending_change"]["data"], {"lede": "A corrected lede."})
        self.assertEqual(response.json()["lede"], "What happened, in a sentence.")
        self.assertReadersSee(lede="What happened, in a sentence.")
        self.assertEqual(self.corrections(), [])

    def test_a_reviewer_must_give_a_correction_reason(self):
        self.login(REVIEWER)
        response = self.patch({"lede": "A corrected lede."})
        self.assertEqual(response.status_code, 400)
        self.assertIn("give a reason for the correction", response.json()["correction_reason"][0])
        self.assertReadersSee(lede="What happened, in a sentence.")
        self.assertEqual(self.corrections(), [])

    def test_a_reviewers_change_with_a_reason_is_a_correction(self):
        self.login(REVIEWER)
        response = self.patch(
            {"lede": "A corrected lede.", "correction_reason": "The lede named the wrong city."}
        )
        self.assertEqual(response.status_code, 200)
        self.assertReadersSee(lede="A corrected lede.")
        [correction] = self.corrections()
        self.assertEqual(correction.reason, "The lede named the wrong city.")
        self.assertEqual(correction.changed_fields, ["lede"])
        self.assertIn("The lede named the wrong city.", self.public_page())


class UnreviewedClaimsStayOffPublicPagesTests(ChangeControlTestCase):
    """#6: nothing unreviewed reaches readers through a published briefing or a public article."""

    def setUp(self):
        super().setUp()
        self.unreviewed = factories.ClaimFactory(
            article=self.article, quote="Observers disagreed.", unreviewed=True
        )

    def test_the_api_refuses_an_unreviewed_key_claim_even_from_a_reviewer(self):
        url = reverse("api:briefing-detail", args=[self.briefing.slug])
        ids = [self.claim.pk, self.second.pk, self.unreviewed.pk]
        for who in (EDITOR, REVIEWER):
            with self.subTest(actor=who):
                self.login(who)
                data = {
                    "key_claims": [{"claim": pk} for pk in ids],
                    "correction_reason": "Adds a claim.",
                }
                response = self.api("patch", url, data, obj=self.briefing)
                self.assertEqual(response.status_code, 400)
                self.assertIn(
                    f"these key claims are not reviewed: #{self.unreviewed.pk}",
                    response.json()["key_claims"][0],
                )
                self.assertEqual(self.public_key_claims(), [self.claim.pk, self.second.pk])
                self.assertIsNone(self.pending(self.briefing))

    def test_the_admin_form_refuses_an_unreviewed_key_claim_even_from_a_reviewer(self):
        data = self.admin_page_data(
            self.briefing,
            correction_reason="Adds a claim.",
            key_claim_rows=key_claim_rows(self.claim, self.second, self.unreviewed),
        )
        for who in (EDITOR, REVIEWER):
            with self.subTest(actor=who):
                self.login(who)
                response = self.admin_post(self.briefing, data)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "these key claims are not reviewed")
                self.assertEqual(self.public_key_claims(), [self.claim.pk, self.second.pk])
                self.assertIsNone(self.pending(self.briefing))

    def test_a_new_claim_on_a_public_article_waits_for_review(self):
        self.login(REVIEWER)
        quote = "Observers disagreed."
        start = self.article.body.index(quote, self.unreviewed.end)
        response = self.api(
            "post",
            reverse("api:claim-list"),
            {
                "article": self.article.slug,
                "quote": quote,
                "start": start,
                "end": start + len(quote),
                "attribution_kind": "assertion",
                "quote_type": "none",
                "claim_type": "factual",
                "verdict": "accurate",
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["review_status"], "unreviewed")
        claim = Claim.objects.get(pk=response.json()["id"])
        self.assertReadersDoNotSee(claim)
        editing.claim_review(claim=claim, by=self.reviewer)
        self.assertReadersSee(claim, review_status="reviewed")

    def test_an_editors_import_of_reviewed_claims_is_refused(self):
        document = self.staff_client.get(
            reverse("api:briefing-export", args=[self.briefing.slug])
        ).json()
        document["briefing"]["slug"] = "imported"
        self.login(EDITOR)
        response = self.api("post", reverse("api:briefing-import-document"), document)
        self.assertEqual(response.status_code, 400)
        self.assertIn(
            "Only a reviewer may import claims marked reviewed", response.json()["claims"][0]
        )
        self.assertFalse(Briefing.objects.filter(slug="imported").exists())


class DiscardTests(ChangeControlTestCase):
    """The editor who proposed a change, or a reviewer, may discard it; other editors may not."""

    def test_who_may_discard_in_the_admin(self):
        for who, may in ((PROPOSER, True), (REVIEWER, True), (EDITOR, False)):
            with self.subTest(actor=who):
                PendingChange.objects.all().delete()
                self.propose()
                self.login(who)
                response = self.client.post(
                    reverse("admin:briefings_claim_pending", args=[self.claim.pk, "discard"])
                )
                self.assertEqual(response.status_code, 302)
                self.assertEqual(self.pending(self.claim) is None, may)
                if not may:
                    self.assertIn(
                        "Not done — Only a reviewer or the change's author can discard it.",
                        messages_of(response),
                    )
                self.assertReadersSee(self.claim, verdict="false")

    def test_who_may_discard_through_the_api(self):
        url = reverse("api:briefing-discard", args=[self.briefing.slug])
        for who, status in ((EDITOR, 403), (PROPOSER, 200), (REVIEWER, 200)):
            with self.subTest(actor=who):
                PendingChange.objects.all().delete()
                editing.briefing_save(
                    briefing=self.briefing, data={"lede": "Proposed."}, by=self.proposer
                )
                self.login(who)
                response = self.api("post", url, obj=self.briefing)
                self.assertEqual(response.status_code, status)
                self.assertEqual(self.pending(self.briefing) is None, status == 200)
                self.assertReadersSee(lede="What happened, in a sentence.")
                self.assertEqual(self.corrections(), [])


class ApproveTests(ChangeControlTestCase):
    def test_approving_with_a_stale_if_match_is_refused(self):
        self.propose()
        stale = version_tag(self.claim)
        # Another editor changes the proposal after the reviewer read it.
        editing.claim_save(claim=self.claim, data={"verdict": "misleading"}, by=self.editor)
        self.login(REVIEWER)
        response = self.api(
            "post",
            reverse("api:claim-approve", args=[self.claim.pk]),
            headers={"If-Match": stale},
        )
        self.assertEqual(response.status_code, 412)
        self.assertEqual(self.pending(self.claim).data, {"verdict": "misleading"})
        self.assertReadersSee(self.claim, verdict="false")
        self.assertEqual(self.corrections(), [])

    def test_approving_needs_if_match(self):
        self.propose()
        self.login(REVIEWER)
        response = self.api("post", reverse("api:claim-approve", args=[self.claim.pk]))
        self.assertEqual(response.status_code, 428)
        self.assertIsNotNone(self.pending(self.claim))

    def test_an_editor_cannot_approve(self):
        self.propose()
        self.login(EDITOR)
        url = reverse("api:claim-approve", args=[self.claim.pk])
        response = self.api("post", url, obj=self.claim)
        self.assertEqual(response.status_code, 403)
        self.assertReadersSee(self.claim, verdict="false")


class ArchiveTests(ChangeControlTestCase):
    """Found by the matrix: archiving is the workflow, not a correction, and needs no reason."""

    def test_a_reviewer_archives_a_published_briefing_through_the_api(self):
        self.login(REVIEWER)
        url = reverse("api:briefing-detail", args=[self.briefing.slug])
        response = self.api("patch", url, {"status": "archived"}, obj=self.briefing)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(Briefing.objects.get(pk=self.briefing.pk).status, BriefingStatus.ARCHIVED)
        self.assertIsNone(self.public_briefing())
        self.assertFalse(Correction.objects.exists())

    def test_a_lede_change_with_the_archiving_still_needs_a_reason(self):
        self.login(REVIEWER)
        url = reverse("api:briefing-detail", args=[self.briefing.slug])
        response = self.api(
            "patch", url, {"status": "archived", "lede": "Changed."}, obj=self.briefing
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("correction_reason", response.json())
        self.assertReadersSee(lede="What happened, in a sentence.")


class ClaimRevertTests(ChangeControlTestCase):
    """Found by the matrix: a reviewer's revert of a claim readers see is a correction."""

    def test_a_reviewers_revert_of_a_public_claim_records_a_correction(self):
        record = self.claim.history.first()
        editing.claim_save(
            claim=self.claim, data={"verdict": "accurate"}, by=self.reviewer, reason="Re-checked."
        )
        self.assertReadersSee(self.claim, verdict="accurate")
        url = reverse("admin:briefings_claim_simple_history", args=[self.claim.pk, record.pk])
        data = change_form_data(self.staff_client.get(url))
        self.login(REVIEWER)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.assertReadersSee(self.claim, verdict="false")
        correction = self.corrections()[-1]
        self.assertEqual(len(self.corrections()), 2)
        self.assertEqual(correction.created_by, self.reviewer)
        self.assertIn(f"key claim #{self.claim.pk}: verdict", correction.changed_fields)
        self.assertIn(correction.reason, self.public_page())

    def test_an_editors_revert_of_a_public_claim_is_refused(self):
        record = self.claim.history.first()
        editing.claim_save(
            claim=self.claim, data={"verdict": "accurate"}, by=self.reviewer, reason="Re-checked."
        )
        url = reverse("admin:briefings_claim_simple_history", args=[self.claim.pk, record.pk])
        data = change_form_data(self.staff_client.get(url))
        self.login(EDITOR)
        self.assertEqual(self.client.post(url, data).status_code, 403)
        self.assertReadersSee(self.claim, verdict="accurate")


class ApprovedKeyClaimsAreReviewedTests(ChangeControlTestCase):
    """Found by the matrix: approval re-checks the proposed key claims, reviewed when proposed."""

    def test_a_proposed_key_claim_sent_back_to_review_is_not_approved(self):
        other = factories.ClaimFactory(verdict="accurate")
        ids = [self.claim.pk, self.second.pk, other.pk]
        editing.briefing_save(
            briefing=self.briefing,
            data={"key_claims": [{"claim": claim} for claim in Claim.objects.filter(pk__in=ids)]},
            by=self.proposer,
        )
        # An editor's change to a reviewed claim readers do not see sends it back to review.
        editing.claim_save(claim=other, data={"verdict": "false"}, by=self.editor)
        self.assertEqual(Claim.objects.get(pk=other.pk).review_status, ReviewStatus.UNREVIEWED)
        self.login(REVIEWER)
        response = self.client.post(
            reverse("admin:briefings_briefing_pending", args=[self.briefing.pk, "approve"]),
            {"approve_reason": "Adds a claim."},
        )
        self.assertIn("these key claims are not reviewed", " ".join(messages_of(response)))
        self.assertEqual(
            list(self.briefing.claim_links.values_list("claim", flat=True)),
            [self.claim.pk, self.second.pk],
        )
        self.assertIsNotNone(self.pending(self.briefing))
        self.assertEqual(self.corrections(), [])


class BriefingRevertTests(ChangeControlTestCase):
    def test_a_reviewers_revert_of_a_published_briefing_needs_a_correction_reason(self):
        record = self.briefing.history.first()
        editing.briefing_save(
            briefing=self.briefing, data={"lede": "A new lede."}, by=self.reviewer, reason="Why."
        )
        url = reverse("admin:briefings_briefing_simple_history", args=[self.briefing.pk, record.pk])
        data = change_form_data(self.staff_client.get(url), correction_reason="")
        self.login(REVIEWER)
        response = self.client.post(url, data, follow=True)
        self.assertContains(response, "Say, for readers, why the briefing was corrected.")
        self.assertReadersSee(lede="A new lede.")
        self.assertEqual(len(self.corrections()), 1)
