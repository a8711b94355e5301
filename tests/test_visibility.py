"""Drafts, and everything reachable only through drafts, are invisible to readers on every path."""

from django.contrib.auth.models import Permission
from django.test import TestCase
from django.urls import reverse

from briefings.models import BriefingStatus, ClaimEvidence, ReviewStatus
from tests import factories


class DraftVisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.speaker = factories.ActorFactory(name="Secret Speaker", slug="secret-speaker")
        cls.subject = factories.ActorFactory(name="Secret Subject", slug="secret-subject")
        cls.channel = factories.SourceFactory(name="Secret Channel", slug="secret-channel")
        cls.evidence = factories.SourceFactory(name="Secret Evidence", slug="secret-evidence")
        cls.event = factories.EventFactory(name="Secret Event", slug="secret-event")
        cls.article = factories.ArticleFactory(
            title="Secret Article",
            slug="secret-article",
            source=factories.SourceFactory(name="Secret Outlet", slug="secret-outlet"),
        )
        cls.claim = factories.ClaimFactory(
            article=cls.article,
            speaker=cls.speaker,
            channel=cls.channel,
            event=cls.event,
            about=[cls.subject],
        )
        ClaimEvidence.objects.create(claim=cls.claim, source=cls.evidence)
        cls.draft = factories.BriefingFactory(
            title="Secret Draft", slug="secret-draft", claims=[cls.claim], event=cls.event
        )
        cls.paths = [
            cls.draft.get_absolute_url(),
            cls.claim.get_absolute_url(),
            cls.article.get_absolute_url(),
            cls.speaker.get_absolute_url(),
            cls.subject.get_absolute_url(),
            cls.channel.get_absolute_url(),
            cls.evidence.get_absolute_url(),
            cls.article.source.get_absolute_url(),
            cls.event.get_absolute_url(),
        ]

    def test_every_page_of_a_draft_is_404_for_readers(self):
        for path in self.paths:
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)

    def test_in_review_and_archived_briefings_are_404_too(self):
        for status in (BriefingStatus.IN_REVIEW, BriefingStatus.ARCHIVED):
            self.draft.status = status
            self.draft.published_at = self.draft.published_at or factories.timezone.now()
            self.draft.save()
            for path in self.paths:
                with self.subTest(status=status, path=path):
                    self.assertEqual(self.client.get(path).status_code, 404)

    def test_briefing_scheduled_for_later_is_404(self):
        self.draft.status = BriefingStatus.PUBLISHED
        self.draft.published_at = factories.timezone.now() + factories.timezone.timedelta(days=1)
        self.draft.save()
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 404)

    def test_drafts_stay_out_of_feed_sitemap_search_and_home(self):
        for path in (
            reverse("briefings:feed"),
            "/sitemap.xml",
            reverse("briefings:search") + "?q=secret",
            reverse("briefings:search") + "?q=cooperation",
            reverse("briefings:home"),
        ):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "Secret")
                self.assertNotContains(response, "secret-")
                self.assertNotContains(response, "deepen cooperation")

    def test_publishing_makes_everything_reachable(self):
        self.draft.status = BriefingStatus.PUBLISHED
        self.draft.published_at = factories.timezone.now()
        self.draft.save()
        for path in self.paths:
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 200)

    def test_retired_claim_of_a_published_briefing_is_404(self):
        published = factories.BriefingFactory(published=True, claims=[self.claim])
        self.claim.review_status = ReviewStatus.RETIRED
        self.claim.reviewed_at = factories.timezone.now()
        self.claim.save()
        self.assertEqual(self.client.get(self.claim.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get(published.get_absolute_url()), 'id="claim-')

    def test_sco_pages_link_only_public_claims_and_actors(self):
        from sco.models import Membership, MembershipStatus

        state = factories.ActorFactory(name="Hidden State", slug="hidden-state", kind="state")
        membership = Membership.objects.create(state=state, status=MembershipStatus.MEMBER)
        membership.evidence.add(self.claim)
        response = self.client.get(reverse("sco:overview"))
        self.assertContains(response, "Hidden State")
        self.assertNotContains(response, "/actors/hidden-state/")
        self.assertNotContains(response, self.claim.get_absolute_url())


class PreviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.claim = factories.ClaimFactory()
        cls.draft = factories.BriefingFactory(title="Work in progress", claims=[cls.claim])
        cls.editor = factories.editor()
        cls.staff_without_permission = factories.UserFactory()

    def test_editor_previews_a_draft_marked_as_preview_and_not_indexed(self):
        self.client.force_login(self.editor)
        for path in (self.draft.get_absolute_url(), self.claim.get_absolute_url()):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertContains(response, "Preview.")
                self.assertContains(response, '<meta name="robots" content="noindex, nofollow">')
                self.assertIn("private", response["Cache-Control"])

    def test_staff_without_view_permission_gets_404(self):
        self.assertFalse(
            self.staff_without_permission.has_perm("briefings.view_briefing"),
            Permission.objects.count(),
        )
        self.client.force_login(self.staff_without_permission)
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 404)

    def test_a_preview_is_never_served_to_readers_from_the_cache(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 200)
        self.client.logout()
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 404)
