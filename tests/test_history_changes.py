"""A version records only what really changed: no rewritten times, no empty versions."""

import json
from datetime import timedelta

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from briefings.models import Briefing, Correction
from tests import factories
from tests.test_api_write import version_tag
from tests.test_history import actor_form_data
from tests.test_workflow import briefing_form_data


def published_at_with_microseconds():
    return timezone.now().replace(microsecond=123456) - timedelta(hours=1)


class ChangedFieldsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.reviewer = factories.reviewer(username="rita")

    def setUp(self):
        self.client.force_login(self.reviewer)
        self.briefing = factories.published_briefing(
            slug="summit", published_at=published_at_with_microseconds()
        )
        self.change_url = reverse("admin:briefings_briefing_change", args=[self.briefing.pk])

    def newest_diff(self):
        new, old = self.briefing.history.all()[:2]
        return new.diff_against(old)

    def test_changing_the_lede_in_the_admin_records_only_the_lede(self):
        # The split date-time widget sends whole seconds: the stored time has more.
        response = self.client.post(
            self.change_url,
            briefing_form_data(self.briefing, lede="A new lede.", correction_reason="Clearer."),
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.newest_diff().changed_fields, ["lede"])
        stored = Briefing.objects.get(pk=self.briefing.pk)
        self.assertEqual(stored.published_at, self.briefing.published_at)
        history = self.client.get(
            reverse("admin:briefings_briefing_history", args=[self.briefing.pk])
        )
        self.assertContains(history, "<strong>Lede:</strong>")
        self.assertNotContains(history, "Published at")

    def test_changing_the_time_in_the_admin_records_it(self):
        data = briefing_form_data(self.briefing, correction_reason="The time was wrong.")
        data["published_at_1"] = "08:30:00"
        self.client.post(self.change_url, data)
        self.assertEqual(self.newest_diff().changed_fields, ["published_at"])
        stored = Briefing.objects.get(pk=self.briefing.pk)
        self.assertEqual((stored.published_at.hour, stored.published_at.minute), (8, 30))

    def test_changing_the_lede_through_the_api_records_only_the_lede(self):
        response = self.client.patch(
            "/api/v1/briefings/summit/",
            json.dumps({"lede": "A new lede.", "correction_reason": "Clearer."}),
            content_type="application/json",
            headers={"If-Match": version_tag(self.briefing)},
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(self.newest_diff().changed_fields, ["lede"])


class EmptyVersionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.reviewer = factories.reviewer(username="rita")

    def setUp(self):
        self.client.force_login(self.reviewer)

    def test_saving_an_unchanged_briefing_records_no_version(self):
        briefing = factories.BriefingFactory(
            published=True, published_at=published_at_with_microseconds()
        )
        versions = briefing.history.count()
        url = reverse("admin:briefings_briefing_change", args=[briefing.pk])
        response = self.client.post(url, briefing_form_data(briefing))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(briefing.history.count(), versions)

    def test_an_unchanged_api_patch_records_no_version(self):
        briefing = factories.BriefingFactory(slug="draft")
        versions = briefing.history.count()
        response = self.client.patch(
            "/api/v1/briefings/draft/",
            json.dumps({"lede": briefing.lede}),
            content_type="application/json",
            headers={"If-Match": version_tag(briefing)},
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(briefing.history.count(), versions)

    def test_a_save_that_changes_only_links_still_records_a_version(self):
        # The version dates the links, so reverting to it restores them.
        actor = factories.ActorFactory(name="Xi", title="")
        versions = actor.history.count()
        data = actor_form_data(actor)
        data.update(
            {"aliases-TOTAL_FORMS": 1, "aliases-0-name": "习近平", "aliases-0-language": ""}
        )
        response = self.client.post(reverse("admin:briefings_actor_change", args=[actor.pk]), data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(actor.history.count(), versions + 1)
        self.assertEqual(actor.history.first().history_user, self.reviewer)


class LineEndTests(TestCase):
    def test_text_sent_with_crlf_line_ends_is_no_change(self):
        reviewer = factories.reviewer()
        briefing = factories.published_briefing(analysis="First paragraph.\n\nSecond one.")
        self.client.force_login(reviewer)
        data = briefing_form_data(briefing, analysis="First paragraph.\r\n\r\nSecond one.")
        url = reverse("admin:briefings_briefing_change", args=[briefing.pk])
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Correction.objects.exists())
        briefing.refresh_from_db()
        self.assertEqual(briefing.analysis, "First paragraph.\n\nSecond one.")
