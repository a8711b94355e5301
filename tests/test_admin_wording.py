"""The admin says what each person may do, and who reads each note."""

import re

from django.test import TestCase
from django.urls import reverse

from briefings.models import BriefingStatus
from tests import factories


def status_options(response):
    menu = re.search(r'<select name="status"[^>]*>(.*?)</select>', response.content.decode(), re.S)
    return re.findall(r'<option value="([a-z_]+)"', menu.group(1))


class StatusMenuTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.reviewer = factories.reviewer()
        cls.briefing = factories.BriefingFactory(
            status=BriefingStatus.IN_REVIEW, claims=[factories.ClaimFactory()]
        )
        cls.url = reverse("admin:briefings_briefing_change", args=[cls.briefing.pk])

    def test_editor_is_offered_only_the_moves_an_editor_may_make(self):
        self.client.force_login(self.editor)
        self.assertEqual(status_options(self.client.get(self.url)), ["draft", "in_review"])

    def test_reviewer_is_offered_publishing(self):
        self.client.force_login(self.reviewer)
        self.assertEqual(
            status_options(self.client.get(self.url)), ["draft", "in_review", "published"]
        )

    def test_editor_on_a_draft_is_never_offered_published_or_archived(self):
        draft = factories.BriefingFactory()
        self.client.force_login(self.editor)
        response = self.client.get(reverse("admin:briefings_briefing_change", args=[draft.pk]))
        self.assertEqual(status_options(response), ["draft", "in_review"])


class NoteLabelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.reviewer = factories.reviewer()
        cls.claim = factories.ClaimFactory()
        cls.briefing = factories.BriefingFactory(claims=[cls.claim])

    def test_claim_note_says_only_staff_see_it(self):
        self.client.force_login(self.reviewer)
        response = self.client.get(reverse("admin:briefings_claim_change", args=[self.claim.pk]))
        self.assertContains(response, "Internal note (staff only)")

    def test_key_claim_note_says_readers_see_it(self):
        self.client.force_login(self.reviewer)
        response = self.client.get(
            reverse("admin:briefings_briefing_change", args=[self.briefing.pk])
        )
        self.assertContains(response, "Note for readers")
