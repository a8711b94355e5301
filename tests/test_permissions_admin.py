"""Who may view, change and publish in the admin: anonymous, editor, reviewer, superuser."""

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from briefings.models import Briefing, BriefingStatus, ReviewStatus
from tests import factories
from tests.test_workflow import briefing_form_data

ROLES = {
    "anonymous": None,
    "editor": factories.editor,
    "reviewer": factories.reviewer,
    "superuser": lambda: factories.UserFactory(is_superuser=True),
}
# role -> (may view, may change, may publish)
MATRIX = {
    "anonymous": (False, False, False),
    "editor": (True, True, False),
    "reviewer": (True, True, True),
    "superuser": (True, True, True),
}


class AdminPermissionMatrixTests(TestCase):
    def setUp(self):
        claim = factories.ClaimFactory(
            review_status=ReviewStatus.REVIEWED, reviewed_at=timezone.now()
        )
        self.briefing = factories.BriefingFactory(status=BriefingStatus.IN_REVIEW, claims=[claim])
        self.change_url = reverse("admin:briefings_briefing_change", args=[self.briefing.pk])

    def login(self, role):
        make = ROLES[role]
        if make:
            self.client.force_login(make())

    def stored(self):
        return Briefing.objects.get(pk=self.briefing.pk)

    def test_view(self):
        for role, (may_view, _, _) in MATRIX.items():
            with self.subTest(role=role):
                self.client.logout()
                self.login(role)
                for url in [reverse("admin:briefings_briefing_changelist"), self.change_url]:
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200 if may_view else 302, url)
                    if not may_view:
                        self.assertIn(reverse("admin:login"), response.url)

    def test_change(self):
        for role, (_, may_change, _) in MATRIX.items():
            with self.subTest(role=role):
                self.client.logout()
                self.login(role)
                title = f"Changed by {role}"
                data = briefing_form_data(self.stored(), title=title)
                self.client.post(self.change_url, data)
                self.assertEqual(self.stored().title == title, may_change)

    def test_publish_through_the_form(self):
        for role, (_, _, may_publish) in MATRIX.items():
            with self.subTest(role=role):
                Briefing.objects.filter(pk=self.briefing.pk).update(
                    status=BriefingStatus.IN_REVIEW, published_at=None
                )
                self.client.logout()
                self.login(role)
                data = briefing_form_data(self.stored(), status=BriefingStatus.PUBLISHED)
                self.client.post(self.change_url, data)
                self.assertEqual(self.stored().status == BriefingStatus.PUBLISHED, may_publish)

    def test_publish_through_the_action(self):
        for role, (_, _, may_publish) in MATRIX.items():
            with self.subTest(role=role):
                Briefing.objects.filter(pk=self.briefing.pk).update(
                    status=BriefingStatus.IN_REVIEW, published_at=None
                )
                self.client.logout()
                self.login(role)
                self.client.post(
                    reverse("admin:briefings_briefing_changelist"),
                    {"action": "publish", "_selected_action": [self.briefing.pk]},
                )
                self.assertEqual(self.stored().status == BriefingStatus.PUBLISHED, may_publish)
