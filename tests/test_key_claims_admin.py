"""
A briefing's key claims in the admin: one ordered field, so a briefing with
1,000 key claims saves and reorders through the change form (an inline
formset posted five fields a key claim, past Django's 1,000-field limit).
"""

import json

from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import TestCase
from django.urls import reverse

from briefings.models import BriefingClaim
from tests import editor_data, factories
from tests.change_control import change_form_data


class ThousandKeyClaimsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.briefing = editor_data.briefing_with_key_claims(1000)

    def setUp(self):
        self.client.force_login(self.editor)
        self.url = reverse("admin:briefings_briefing_change", args=[self.briefing.pk])

    def test_a_briefing_with_1000_key_claims_saves_and_reorders(self):
        before = editor_data.key_claim_order(self.briefing)
        rows = [{"claim": claim, "comment": f"Now {n}."} for n, claim in enumerate(before[::-1])]
        data = change_form_data(self.client.get(self.url), key_claim_rows=json.dumps(rows))
        self.assertLess(len(data), settings.DATA_UPLOAD_MAX_NUMBER_FIELDS // 10)
        response = self.client.post(self.url, data)
        self.assertRedirects(response, reverse("admin:briefings_briefing_changelist"))
        self.assertEqual(editor_data.key_claim_order(self.briefing), before[::-1])
        link = self.briefing.claim_links.get(claim_id=before[-1])
        self.assertEqual((link.position, link.comment), (0, "Now 0."))
        # Each moved row's history records who moved it.
        self.assertEqual(link.history.first().history_user, self.editor)
        self.briefing.refresh_from_db()
        self.assertEqual(self.briefing.history.first().history_user, self.editor)


class KeyClaimsFieldTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.briefing = editor_data.briefing_with_key_claims(3)

    def setUp(self):
        self.client.force_login(self.editor)
        self.url = reverse("admin:briefings_briefing_change", args=[self.briefing.pk])
        self.order = editor_data.key_claim_order(self.briefing)

    def post_rows(self, value, page=None):
        data = change_form_data(page or self.client.get(self.url), key_claim_rows=value)
        return self.client.post(self.url, data)

    def test_a_reorder_from_a_stale_page_is_refused_with_the_input_kept(self):
        stale = self.client.get(self.url)
        first = json.dumps([{"claim": claim, "comment": ""} for claim in self.order[::-1]])
        self.assertEqual(self.post_rows(first).status_code, 302)
        moved = [self.order[1], self.order[0], self.order[2]]
        response = self.post_rows(
            json.dumps([{"claim": claim, "comment": ""} for claim in moved]), page=stale
        )
        self.assertContains(response, "after you opened it")
        self.assertEqual(editor_data.key_claim_order(self.briefing), self.order[::-1])

    def test_bad_key_claims_are_refused_naming_what_is_wrong(self):
        first = self.order[0]
        cases = {
            "not json": "The list of key claims could not be read",
            json.dumps({"claim": first}): "Each key claim must be",
            json.dumps([{"claim": "one"}]): "Each key claim must be",
            json.dumps([{"claim": first}, {"claim": first}]): f"#{first} is listed more than once",
            json.dumps([{"claim": 987654}]): "No such claim: #987654",
        }
        for value, message in cases.items():
            with self.subTest(value=value):
                response = self.post_rows(value)
                self.assertContains(response, message)
                self.assertEqual(editor_data.key_claim_order(self.briefing), self.order)

    def test_someone_who_may_only_view_sees_the_key_claims_in_order(self):
        viewer = factories.UserFactory()
        viewer.user_permissions.add(Permission.objects.get(codename="view_briefing"))
        self.client.force_login(viewer)
        response = self.client.get(self.url)
        self.assertNotContains(response, 'name="key_claim_rows"')
        html = response.content.decode()
        positions = [html.index(f"Note {n}.") for n in range(3)]
        self.assertEqual(positions, sorted(positions))

    def test_a_new_briefing_is_saved_with_its_key_claims(self):
        claims = [link.claim for link in self.briefing.claim_links.all()]
        rows = json.dumps([{"claim": claims[2].pk, "comment": "First."}, {"claim": claims[0].pk}])
        data = {"title": "New", "slug": "new", "lede": "Gist.", "status": "draft"}
        for prefix in ["article_links", "actor_links", "author_links", "corrections"]:
            data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
        response = self.client.post(
            reverse("admin:briefings_briefing_add"), {**data, "key_claim_rows": rows}
        )
        self.assertEqual(response.status_code, 302)
        links = BriefingClaim.objects.filter(briefing__slug="new").order_by("position")
        self.assertEqual(
            [(link.claim, link.comment) for link in links], [(claims[2], "First."), (claims[0], "")]
        )
