"""
Claims chosen in an article's workspace, added to a briefing: an existing
one (draft or published, by an editor or a reviewer) or a new draft.
"""

from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import TestCase
from django.urls import reverse

from briefings.models import Briefing, BriefingStatus, Correction, PendingChange, ReviewStatus
from tests import editor_data, factories


def choice(briefing):
    """The form's value for an existing briefing: its id and the version the editor saw."""
    briefing.refresh_from_db(fields=["version"])
    return f"{briefing.pk}-v{briefing.version}"


class WorkspaceBriefingTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.reviewer = factories.reviewer()
        cls.article = factories.article_with_sentences(4)
        cls.claims = [
            factories.ClaimFactory(article=cls.article, quote=f"point {n} holds") for n in range(4)
        ]
        cls.url = reverse("admin:briefings_article_claims_to_briefing", args=[cls.article.pk])

    def setUp(self):
        self.client.force_login(self.editor)

    def post(self, data, json=True):
        headers = {"Accept": "application/json"} if json else {}
        return self.client.post(self.url, data, headers=headers)


class AddToBriefingTests(WorkspaceBriefingTestCase):
    def test_claims_go_after_the_key_claims_in_text_order(self):
        first, second, third, _ = self.claims
        briefing = factories.BriefingFactory(claims=[third])
        # Posted in another order: they are added as the text has them.
        response = self.post({"claims": [second.pk, first.pk], "briefing": choice(briefing)})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(editor_data.key_claim_order(briefing), [third.pk, first.pk, second.pk])
        answer = response.json()
        self.assertIn("Added 2 key claims", answer["message"])
        change_url = reverse("admin:briefings_briefing_change", args=[briefing.pk])
        self.assertEqual(answer["url"], change_url)
        self.assertIn(change_url, answer["message"])
        self.assertEqual(answer["briefing"]["value"], choice(briefing))
        self.assertEqual(briefing.history.first().history_user, self.editor)

    def test_the_article_becomes_one_the_briefing_draws_on(self):
        briefing = factories.BriefingFactory()
        self.post({"claims": [self.claims[0].pk], "briefing": choice(briefing)})
        self.assertEqual(list(briefing.articles.all()), [self.article])

    def test_a_new_briefing_is_a_draft_with_the_claims(self):
        factories.BriefingFactory(slug="putin-and-xi-meet")
        response = self.post(
            {
                "claims": [c.pk for c in self.claims[:2]],
                "briefing": "new",
                "title": "Putin and Xi meet",
                "lede": "They met in Astana.",
            }
        )
        self.assertEqual(response.status_code, 200, response.content)
        briefing = Briefing.objects.get(title="Putin and Xi meet")
        self.assertEqual(briefing.slug, "putin-and-xi-meet-2")
        self.assertEqual(briefing.status, BriefingStatus.DRAFT)
        self.assertEqual(briefing.created_by, self.editor)
        self.assertEqual(editor_data.key_claim_order(briefing), [c.pk for c in self.claims[:2]])
        self.assertIn("Created the draft briefing", response.json()["message"])

    def test_claims_already_in_the_briefing_are_skipped_and_counted(self):
        first, second, *_ = self.claims
        briefing = factories.BriefingFactory(claims=[second])
        response = self.post({"claims": [first.pk, second.pk], "briefing": choice(briefing)})
        self.assertEqual(editor_data.key_claim_order(briefing), [second.pk, first.pk])
        self.assertIn("Skipped 1 already in it", response.json()["message"])

    def test_claims_all_in_the_briefing_already_save_nothing(self):
        briefing = factories.BriefingFactory(claims=[self.claims[0]])
        seen = choice(briefing)
        response = self.post({"claims": [self.claims[0].pk], "briefing": seen})
        self.assertIn("Nothing added", response.json()["message"])
        self.assertIn("Skipped 1 already in it", response.json()["message"])
        self.assertEqual(choice(briefing), seen)

    def test_select_all_adds_every_claim_but_retired_ones(self):
        self.claims[3].review_status = ReviewStatus.RETIRED
        self.claims[3].save()
        briefing = factories.BriefingFactory()
        self.post({"all": "on", "briefing": choice(briefing)})
        self.assertEqual(editor_data.key_claim_order(briefing), [c.pk for c in self.claims[:3]])

    def test_without_script_the_page_comes_back_with_a_message(self):
        briefing = factories.BriefingFactory()
        response = self.post({"claims": [self.claims[0].pk], "briefing": choice(briefing)}, False)
        self.assertRedirects(
            response,
            reverse("admin:briefings_article_change", args=[self.article.pk]) + "#annotator",
            fetch_redirect_response=False,
        )
        (message,) = [str(m) for m in get_messages(response.wsgi_request)]
        self.assertIn(f"Added 1 key claim to “{briefing.title}”", message)

    def test_the_workspace_offers_briefings_open_for_claims_drafts_first(self):
        published = factories.BriefingFactory(published=True, title="Published one")
        draft = factories.BriefingFactory(title="Draft one")
        factories.BriefingFactory(
            published=True, status=BriefingStatus.ARCHIVED, title="Archived one"
        )
        page = self.client.get(reverse("admin:briefings_article_change", args=[self.article.pk]))
        self.assertContains(page, f'value="{choice(draft)}"')
        self.assertContains(page, "Published: your change waits for a reviewer")
        self.assertNotContains(page, "Archived one")
        html = page.content.decode()
        self.assertLess(html.index("Draft one"), html.index(published.title))
        self.assertContains(page, 'class="claim-pick"', count=4)


class PublishedBriefingTests(WorkspaceBriefingTestCase):
    def setUp(self):
        super().setUp()
        self.briefing = factories.BriefingFactory(published=True, claims=[self.claims[0]])

    def test_an_editors_addition_waits_for_a_reviewer(self):
        response = self.post({"claims": [self.claims[1].pk], "briefing": choice(self.briefing)})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertIn("waits for a reviewer", response.json()["message"])
        self.assertEqual(editor_data.key_claim_order(self.briefing), [self.claims[0].pk])
        change = PendingChange.objects.get(briefing=self.briefing)
        proposed = [row["claim"] for row in change.data["key_claims"]]
        self.assertEqual(proposed, [self.claims[0].pk, self.claims[1].pk])

    def test_a_second_addition_goes_after_the_pending_one(self):
        self.post({"claims": [self.claims[1].pk], "briefing": choice(self.briefing)})
        self.post({"claims": [self.claims[2].pk], "briefing": choice(self.briefing)})
        change = PendingChange.objects.get(briefing=self.briefing)
        proposed = [row["claim"] for row in change.data["key_claims"]]
        self.assertEqual(proposed, [c.pk for c in self.claims[:3]])

    def test_a_reviewers_addition_is_applied_as_a_correction(self):
        self.client.force_login(self.reviewer)
        response = self.post({"claims": [self.claims[1].pk], "briefing": choice(self.briefing)})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            editor_data.key_claim_order(self.briefing), [self.claims[0].pk, self.claims[1].pk]
        )
        correction = Correction.objects.get(briefing=self.briefing)
        self.assertEqual(correction.reason, f"Key claims added: #{self.claims[1].pk}.")

    def test_unreviewed_claims_are_refused_for_a_published_briefing(self):
        unreviewed = factories.ClaimFactory(
            article=self.article, quote="Observers disagreed.", unreviewed=True
        )
        self.client.force_login(self.reviewer)
        response = self.post({"claims": [unreviewed.pk], "briefing": choice(self.briefing)})
        self.assertEqual(response.status_code, 400)
        self.assertIn("not reviewed", str(response.json()["errors"]))
        self.assertEqual(editor_data.key_claim_order(self.briefing), [self.claims[0].pk])


class RefusalTests(WorkspaceBriefingTestCase):
    def setUp(self):
        super().setUp()
        self.briefing = factories.BriefingFactory(claims=[self.claims[0]])
        self.briefings_before = Briefing.objects.count()

    def assertRefused(self, data, field, words, status=400):
        response = self.post(data)
        self.assertEqual(response.status_code, status, response.content)
        errors = response.json()["errors"]
        self.assertIn(words, " ".join(errors[field]))
        self.assertEqual(editor_data.key_claim_order(self.briefing), [self.claims[0].pk])
        self.assertEqual(Briefing.objects.count(), self.briefings_before)
        self.assertFalse(PendingChange.objects.exists())

    def test_unknown_claim(self):
        data = {"claims": [999999], "briefing": choice(self.briefing)}
        self.assertRefused(data, "claims", "Claim #999999 is not on this article.")

    def test_claim_of_another_article(self):
        other = factories.ClaimFactory()
        data = {"claims": [self.claims[1].pk, other.pk], "briefing": choice(self.briefing)}
        self.assertRefused(data, "claims", f"Claim #{other.pk} is not on this article.")

    def test_claim_number_that_is_not_one(self):
        data = {"claims": ["abc"], "briefing": choice(self.briefing)}
        self.assertRefused(data, "claims", "“abc” is not a claim number.")

    def test_no_claims(self):
        self.assertRefused({"briefing": choice(self.briefing)}, "claims", "Select the claims")

    def test_retired_claim(self):
        self.claims[1].review_status = ReviewStatus.RETIRED
        self.claims[1].save()
        data = {"claims": [self.claims[1].pk], "briefing": choice(self.briefing)}
        self.assertRefused(
            data, "claims", f"Retired claims cannot be key claims: #{self.claims[1].pk}"
        )

    def test_empty_title(self):
        data = {"claims": [self.claims[1].pk], "briefing": "new", "title": " ", "lede": "Gist."}
        self.assertRefused(data, "title", "A new briefing needs a title.")

    def test_nul_in_title(self):
        data = {"claims": [self.claims[1].pk], "briefing": "new", "title": "A\x00B", "lede": "G."}
        response = self.post(data)
        # Refused before the view, for every admin form (briefings.middleware).
        self.assertContains(
            response, "The form field &#x27;title&#x27;: null characters", status_code=400
        )
        self.assertEqual(Briefing.objects.count(), self.briefings_before)

    def test_reserved_slug(self):
        data = {"claims": [self.claims[1].pk], "briefing": "new", "title": "Import", "lede": "G."}
        self.assertRefused(data, "title", "“import” is reserved")

    def test_title_without_a_slug(self):
        data = {"claims": [self.claims[1].pk], "briefing": "new", "title": "!!!", "lede": "G."}
        self.assertRefused(data, "slug", "“!!!” makes no slug: give one.")

    def test_slug_taken(self):
        data = {
            "claims": [self.claims[1].pk],
            "briefing": "new",
            "title": "Another",
            "lede": "G.",
            "slug": self.briefing.slug,
        }
        self.assertRefused(data, "slug", f"A briefing has the slug “{self.briefing.slug}”")

    def test_unknown_briefing(self):
        data = {"claims": [self.claims[1].pk], "briefing": "999999-v1"}
        self.assertRefused(data, "briefing", "is no briefing you may add claims to")

    def test_archived_briefing(self):
        archived = factories.BriefingFactory(status=BriefingStatus.ARCHIVED, published=True)
        self.briefings_before += 1
        data = {"claims": [self.claims[1].pk], "briefing": choice(archived)}
        self.assertRefused(data, "briefing", "is no briefing you may add claims to")

    def test_stale_version(self):
        seen = choice(self.briefing)
        Briefing.objects.filter(pk=self.briefing.pk).update(version=self.briefing.version + 1)
        data = {"claims": [self.claims[1].pk], "briefing": seen}
        self.assertRefused(data, "briefing", "was changed", status=409)

    def test_without_script_the_form_comes_back_with_the_errors(self):
        data = {"claims": [self.claims[1].pk], "briefing": "new", "title": "", "lede": "Gist."}
        response = self.post(data, json=False)
        self.assertContains(response, "A new briefing needs a title.", status_code=400)
        self.assertContains(response, f'name="claims" value="{self.claims[1].pk}"', status_code=400)
        self.assertEqual(Briefing.objects.count(), self.briefings_before)


class PermissionTests(WorkspaceBriefingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.annotator = factories.UserFactory()
        cls.annotator.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="briefings",
                codename__in=["view_article", "change_article", "add_claim", "change_claim"],
            )
        )

    def test_annotator_without_briefing_permission_is_refused(self):
        briefing = factories.BriefingFactory()
        self.client.force_login(self.annotator)
        response = self.post({"claims": [self.claims[0].pk], "briefing": choice(briefing)})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(editor_data.key_claim_order(briefing), [])

    def test_annotator_without_briefing_permission_is_not_offered_the_form(self):
        self.client.force_login(self.annotator)
        page = self.client.get(reverse("admin:briefings_article_change", args=[self.article.pk]))
        self.assertContains(page, 'class="claim-item"')
        self.assertNotContains(page, 'id="to-briefing"')
        self.assertNotContains(page, "claim-pick")

    def test_who_may_not_add_briefings_is_not_offered_a_new_one(self):
        self.editor.user_permissions.clear()
        changer = factories.UserFactory()
        changer.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="briefings",
                codename__in=["view_article", "change_article", "change_briefing"],
            )
        )
        self.client.force_login(changer)
        data = {"claims": [self.claims[0].pk], "briefing": "new", "title": "T", "lede": "L."}
        response = self.post(data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("You may not create briefings.", response.json()["errors"]["briefing"][0])
        self.assertFalse(Briefing.objects.filter(title="T").exists())


class QueryCountTests(TestCase):
    """The queries of an addition do not grow with the number of claims added."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()

    def assertAddsInQueries(self, count):
        article, claims = editor_data.article_with_claims(count)
        briefing = factories.BriefingFactory()
        url = reverse("admin:briefings_article_claims_to_briefing", args=[article.pk])
        data = {"claims": [claim.pk for claim in claims], "briefing": choice(briefing)}
        self.client.force_login(self.editor)
        # Session, user, the user's and groups' permissions (2), the article, the
        # briefings offered, the claims chosen; savepoint; the briefing locked, its
        # pending change and four link lists; the claims and articles decoded;
        # briefing_save: savepoint, lock, pending change, link lists (4), is it
        # public; claims and articles decoded; the briefing's stored state; its
        # update; per link list (key claims, articles): rows, one insert, one
        # history insert, five visibility refreshes; its history: last record,
        # changed key claims?, insert; two savepoint releases; the new version.
        with self.assertNumQueries(50):
            response = self.client.post(url, data, headers={"Accept": "application/json"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(editor_data.key_claim_order(briefing), [claim.pk for claim in claims])

    def test_adding_3_claims(self):
        self.assertAddsInQueries(3)

    def test_adding_60_claims(self):
        self.assertAddsInQueries(60)
