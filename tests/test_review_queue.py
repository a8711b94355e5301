"""The reviewers' queue lists everything waiting for a reviewer, in a fixed number of queries."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from briefings import editing
from briefings.models import BriefingStatus, Claim, ClaimComment
from tests import factories


class ReviewQueueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.reviewer = factories.reviewer()

    def fill(self, n):
        """n of each thing waiting for review."""
        for _ in range(n):
            briefing = factories.published_briefing(claims=1)
            claim = briefing.key_claims.get()
            editing.claim_save(claim=claim, data={"verdict": "misleading"}, by=self.editor)
            factories.BriefingFactory(status=BriefingStatus.IN_REVIEW)
            factories.ClaimFactory(unreviewed=True)
            orphan = factories.ClaimFactory()
            Claim.objects.filter(pk=orphan.pk).update(start=None, end=None)
            ClaimComment.objects.create(claim=claim, author=self.editor, body="Check the date?")

    def test_lists_each_kind_with_counts_and_links(self):
        self.fill(2)
        self.client.force_login(self.reviewer)
        response = self.client.get(reverse("review-queue"))
        for part in (
            "Briefings in review: 2",
            "Changed since review: 2",
            "Claims awaiting review: 2",
            "Orphaned claims: 2",
            "Open comments: 2",
        ):
            self.assertContains(response, part)
        self.assertContains(response, "verdict — by")
        self.assertContains(response, "?pending=yes")
        changed = self.client.get(reverse("admin:briefings_claim_changelist") + "?pending=yes")
        self.assertEqual(changed.context["cl"].result_count, 2)

    def test_runs_the_same_queries_at_any_size(self):
        self.client.force_login(self.reviewer)
        counts = []
        for n in (1, 4):
            self.fill(n)
            with CaptureQueriesContext(connection) as context:
                self.assertEqual(self.client.get(reverse("review-queue")).status_code, 200)
            counts.append(len(context))
        # A count and a page of rows per part, whatever the queue holds.
        self.assertEqual(counts, [counts[0], counts[0]])

    def test_the_admin_index_links_it_and_readers_cannot_open_it(self):
        self.client.force_login(self.editor)
        index = self.client.get(reverse("admin:index"))
        self.assertContains(index, reverse("review-queue"))
        self.assertContains(index, reverse("api-token"))
        self.client.logout()
        self.assertEqual(self.client.get(reverse("review-queue")).status_code, 302)
