"""History with diffs and revert, stale-form refusal and edit presence in the admin."""

from unittest import mock

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from briefings import editing, services
from briefings.history import link_entries
from briefings.models import (
    Actor,
    ActorAlias,
    Affiliation,
    AffiliationEvidence,
    Briefing,
    BriefingClaim,
    BriefingStatus,
    ClaimActor,
    ClaimEvidence,
    Correction,
)
from tests import factories
from tests.test_workflow import briefing_form_data


def actor_form_data(actor, **changes):
    data = {
        "name": actor.name,
        "slug": actor.slug,
        "kind": actor.kind,
        "title": actor.title,
        "country": actor.country_id or "",
        "wikidata_qid": actor.wikidata_qid,
        "description": actor.description,
        "edit_version": actor.version,
        "aliases-TOTAL_FORMS": 0,
        "aliases-INITIAL_FORMS": 0,
        "affiliations-TOTAL_FORMS": 0,
        "affiliations-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


class HistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor(username="ana")

    def setUp(self):
        self.client.force_login(self.editor)
        self.actor = factories.ActorFactory(name="Xi", title="")
        self.change_url = reverse("admin:briefings_actor_change", args=[self.actor.pk])

    def test_a_change_is_recorded_with_its_author_and_shown_as_a_diff(self):
        self.client.post(self.change_url, actor_form_data(self.actor, title="President of China"))
        record = self.actor.history.first()
        self.assertEqual(record.history_user, self.editor)
        response = self.client.get(reverse("admin:briefings_actor_history", args=[self.actor.pk]))
        self.assertContains(response, "<strong>Title:</strong>")
        self.assertContains(response, "President of China")
        self.assertContains(response, "ana")

    def test_reverting_restores_the_old_values_and_keeps_versions_rising(self):
        first = self.actor.history.earliest()
        self.client.post(self.change_url, actor_form_data(self.actor, title="President"))
        self.actor.refresh_from_db()
        self.assertEqual(self.actor.version, 2)
        revert_url = reverse(
            "admin:briefings_actor_simple_history", args=[self.actor.pk, first.history_id]
        )
        form = self.client.get(revert_url)
        self.assertContains(form, 'name="edit_version" value="2"')
        response = self.client.post(
            revert_url, actor_form_data(self.actor, title="", edit_version=2)
        )
        self.assertEqual(response.status_code, 302)
        self.actor.refresh_from_db()
        self.assertEqual(self.actor.title, "")
        self.assertEqual(self.actor.version, 3)

    def test_link_rows_are_recorded_one_by_one(self):
        claim = factories.ClaimFactory()
        editing.claim_save(claim=claim, data={"about": [self.actor]}, by=self.editor)
        editing.claim_save(claim=claim, data={"about": []}, by=self.editor)
        kinds = list(
            ClaimActor.history.filter(claim_id=claim.pk)
            .order_by("history_id")
            .values_list("history_type", flat=True)
        )
        self.assertEqual(kinds, ["+", "-"])


class StaleEditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first = factories.editor(username="ana", first_name="Ana", last_name="Lima")
        cls.second = factories.editor(username="ben")

    def test_a_save_from_a_stale_form_is_refused_naming_who_changed_it_and_input_is_kept(self):
        actor = factories.ActorFactory(name="Xi")
        url = reverse("admin:briefings_actor_change", args=[actor.pk])
        stale = actor_form_data(actor, title="Chairman")
        self.client.force_login(self.first)
        self.client.post(url, actor_form_data(actor, title="President"))
        self.client.force_login(self.second)
        response = self.client.post(url, stale)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This actor was changed by ana")
        self.assertContains(response, 'value="Chairman"')
        actor.refresh_from_db()
        self.assertEqual(actor.title, "President")

    def test_a_form_without_its_version_is_refused(self):
        actor = factories.ActorFactory()
        self.client.force_login(self.first)
        data = actor_form_data(actor, title="New")
        del data["edit_version"]
        response = self.client.post(reverse("admin:briefings_actor_change", args=[actor.pk]), data)
        self.assertContains(response, "did not say which version it edits")
        self.assertEqual(Actor.objects.get(pk=actor.pk).title, "")


class PresenceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first = factories.editor(username="ana", first_name="Ana", last_name="Lima")
        cls.second = factories.editor(username="ben")

    def test_the_second_editor_is_told_who_else_is_editing(self):
        article = factories.ArticleFactory()
        url = reverse("admin:briefings_article_change", args=[article.pk])
        self.client.force_login(self.first)
        self.assertNotContains(self.client.get(url), "also editing")
        self.client.force_login(self.second)
        self.assertContains(self.client.get(url), "Also editing this article: Ana Lima.")
        self.client.force_login(self.first)
        self.assertContains(self.client.get(url), "Also editing this article: ben.")

    def test_saving_leaves_the_object(self):
        actor = factories.ActorFactory()
        services.edit_presence_join(obj=actor, user=self.first)
        services.edit_presence_leave(obj=actor, user=self.first)
        self.assertEqual(services.edit_presence_join(obj=actor, user=self.second), [])


class LinkHistoryTests(TestCase):
    """A claim's, briefing's and actor's link rows are part of their history and revert."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor(username="ana")
        cls.reviewer = factories.reviewer(username="rui")
        cls.xi = factories.ActorFactory(name="Xi Jinping")
        cls.putin = factories.ActorFactory(name="Vladimir Putin")
        cls.release = factories.SourceFactory(name="Kremlin release")

    def test_the_history_page_interleaves_link_changes_with_field_changes(self):
        claim = factories.ClaimFactory()
        editing.claim_save(claim=claim, data={"about": [self.xi]}, by=self.editor)
        evidence = ClaimEvidence.objects.create(claim=claim, source=self.release)
        editing.claim_save(claim=claim, data={"cue": "announced", "about": []}, by=self.editor)
        evidence.delete()
        self.client.force_login(self.reviewer)
        response = self.client.get(reverse("admin:briefings_claim_history", args=[claim.pk]))
        entries = response.context["history_entries"]
        timeline = [getattr(entry, "lines", None) or entry.history_type for entry in entries]
        # Newest first: versions, and the link changes made between them.
        self.assertEqual(
            timeline,
            [
                ["− evidence: Kremlin release"],
                "~",
                ["− about: Xi Jinping"],
                ["+ evidence: Kremlin release"],
                "~",
                ["+ about: Xi Jinping"],
                "+",
            ],
        )
        self.assertContains(response, "+ about: Xi Jinping")
        self.assertContains(response, "<strong>Cue:</strong>")
        self.assertEqual(entries[2].history_user, self.editor)
        self.assertIsNone(entries[3].history_user)

    def test_a_reordered_key_claim_reads_as_moved(self):
        claims = factories.ClaimFactory.create_batch(2)
        briefing = factories.BriefingFactory(claims=claims)
        link = briefing.claim_links.get(claim=claims[0])
        link.position = 3
        link.save()
        self.client.force_login(self.editor)
        response = self.client.get(reverse("admin:briefings_briefing_history", args=[briefing.pk]))
        self.assertContains(response, f"key claim #{claims[0].pk} ")
        self.assertContains(response, "moved 0 → 3")

    def test_link_entries_cost_one_query_per_link_relation(self):
        claim = factories.ClaimFactory(about=[self.xi])
        ClaimEvidence.objects.create(claim=claim, source=self.release)
        # 1. actor links with their actor and user; 2. evidence links with their source and user
        with self.assertNumQueries(2):
            entries = link_entries(claim)
        self.assertEqual(len(entries), 1)

    def test_reverting_restores_the_links_as_they_were_in_one_recorded_change(self):
        claim = factories.ClaimFactory(cue="stated")
        editing.claim_save(claim=claim, data={"about": [self.xi]}, by=self.editor)
        version = claim.history.first()
        editing.claim_save(
            claim=claim, data={"cue": "announced", "about": [self.putin]}, by=self.editor
        )
        ClaimEvidence.objects.create(claim=claim, source=self.release)

        revert = services.history_revert(record=version, by=self.reviewer)

        claim.refresh_from_db()
        self.assertEqual(claim.cue, "stated")
        self.assertEqual(list(claim.about.all()), [self.xi])
        self.assertFalse(claim.evidence_links.exists())
        self.assertEqual(revert.skipped, [])
        record = claim.history.first()
        self.assertTrue(record.history_change_reason.startswith("Reverted to the version of"))
        self.assertEqual(record.history_user, self.reviewer)
        link_record = ClaimActor.history.filter(claim_id=claim.pk).first()
        self.assertEqual(link_record.history_change_reason, record.history_change_reason)
        self.assertEqual(link_record.history_user, self.reviewer)

    def test_a_version_saved_in_the_admin_covers_the_links_saved_with_it(self):
        claim = factories.ClaimFactory()
        self.client.force_login(self.editor)
        url = reverse("admin:briefings_claim_change", args=[claim.pk])
        form = self.client.get(url).context["adminform"].form
        data = {
            **{name: value for name, value in form.initial.items() if value is not None},
            "edit_version": claim.version,
            "cue": "said",
            "actor_links-TOTAL_FORMS": 1,
            "actor_links-INITIAL_FORMS": 0,
            "actor_links-0-actor": self.xi.pk,
            "evidence_links-TOTAL_FORMS": 0,
            "evidence_links-INITIAL_FORMS": 0,
            "comments-TOTAL_FORMS": 0,
            "comments-INITIAL_FORMS": 0,
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(claim.history.count(), 2, "one save, one version")
        version = claim.history.first()
        editing.claim_save(claim=claim, data={"about": []}, by=self.editor)
        services.history_revert(record=version, by=self.editor)
        self.assertEqual(list(claim.about.all()), [self.xi])

    def test_reverting_an_actor_restores_aliases_and_affiliations_with_their_evidence(self):
        actor = factories.ActorFactory(name="Narendra Modi")
        india = factories.ActorFactory(name="India", kind="state")
        claim = factories.ClaimFactory()
        ActorAlias.objects.create(actor=actor, name="Modi")
        office = Affiliation.objects.create(
            actor=actor, organisation=india, kind="office", role="Prime Minister"
        )
        AffiliationEvidence.objects.create(affiliation=office, claim=claim)
        actor.save()
        version = actor.history.first()
        actor.aliases.all().delete()
        ActorAlias.objects.create(actor=actor, name="PM Modi")
        office.delete()

        services.history_revert(record=version, by=self.editor)

        self.assertEqual(list(actor.aliases.values_list("name", flat=True)), ["Modi"])
        office = actor.affiliations.get()
        self.assertEqual(office.role, "Prime Minister")
        self.assertEqual(list(office.evidence.all()), [claim])

    def test_reverting_an_article_text_reanchors_its_claims(self):
        article = factories.ArticleFactory()
        claim = factories.ClaimFactory(article=article)
        version = article.history.first()
        services.article_update_body(article=article, body="Update. " + article.body)

        revert = services.history_revert(record=version, by=self.editor)

        article.refresh_from_db()
        claim.refresh_from_db()
        self.assertEqual(article.body, version.body)
        self.assertEqual(article.body[claim.start : claim.end], claim.quote)
        self.assertEqual(revert.orphaned, [])

    def test_links_to_deleted_objects_are_left_and_reported(self):
        gone = factories.ActorFactory(name="Xi")
        claim = factories.ClaimFactory(about=[gone])
        claim.save()
        version = claim.history.first()
        gone_pk = gone.pk
        services.actor_merge(keep=self.xi, merge=gone, by=self.editor)

        revert = services.history_revert(record=version, by=self.editor)

        self.assertEqual(list(claim.about.all()), [self.xi])
        self.assertEqual(revert.skipped, [f"about: actor #{gone_pk} no longer exists"])

    def test_a_revert_that_breaks_a_published_briefing_changes_nothing(self):
        reviewed = factories.ClaimFactory(review_status="reviewed", reviewed_at=timezone.now())
        unreviewed = factories.ClaimFactory(unreviewed=True)
        briefing = factories.BriefingFactory(claims=[unreviewed])
        briefing.save()
        version = briefing.history.first()
        briefing.claim_links.all().delete()
        BriefingClaim.objects.create(briefing=briefing, claim=reviewed)
        Briefing.objects.filter(pk=briefing.pk).update(
            status=BriefingStatus.PUBLISHED, published_at=timezone.now(), title="Now"
        )
        with self.assertRaisesMessage(ValidationError, "these key claims are not reviewed"):
            services.history_revert(record=version, by=self.reviewer, correction_reason="Undo.")
        briefing.refresh_from_db()
        self.assertEqual(briefing.title, "Now")
        self.assertEqual(list(briefing.key_claims.all()), [reviewed])


class AdminRevertTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor(username="ana")
        cls.reviewer = factories.reviewer(username="rui")
        cls.claims = factories.ClaimFactory.create_batch(
            2, review_status="reviewed", reviewed_at=timezone.now()
        )

    def revert(self, briefing, version, user=None, **changes):
        url = reverse(
            "admin:briefings_briefing_simple_history", args=[briefing.pk, version.history_id]
        )
        self.client.force_login(user or self.editor)
        stored = Briefing.objects.get(pk=briefing.pk)
        data = briefing_form_data(stored, **changes)
        data.update(title=version.title, lede=version.lede)
        return self.client.post(url, data)

    def test_reverting_a_briefing_restores_its_key_claims_and_keeps_its_status(self):
        briefing = factories.BriefingFactory(claims=[self.claims[0]])
        briefing.save()
        version = briefing.history.first()
        briefing.claim_links.all().delete()
        BriefingClaim.objects.create(briefing=briefing, claim=self.claims[1], position=5)
        Briefing.objects.filter(pk=briefing.pk).update(title="Changed", status="in_review")

        response = self.revert(briefing, version)

        self.assertEqual(response.status_code, 302)
        briefing.refresh_from_db()
        self.assertEqual(briefing.title, version.title)
        self.assertEqual(briefing.status, BriefingStatus.IN_REVIEW)
        self.assertEqual(list(briefing.key_claims.all()), [self.claims[0]])

    def test_reverting_a_published_briefing_is_a_correction_with_a_reason(self):
        briefing = factories.BriefingFactory(claims=[self.claims[0]], published=True)
        briefing.save()
        version = briefing.history.first()
        BriefingClaim.objects.create(briefing=briefing, claim=self.claims[1], position=1)

        self.assertEqual(self.revert(briefing, version).status_code, 403)
        refused = self.revert(briefing, version, user=self.reviewer)
        self.assertEqual(refused.status_code, 302)
        message = str(list(self.client.get(refused.url).context["messages"])[0])
        self.assertIn("Say, for readers, why the briefing was corrected", message)
        self.assertEqual(briefing.key_claims.count(), 2)

        self.revert(
            briefing,
            version,
            user=self.reviewer,
            correction_reason="The second claim was added in error.",
        )
        self.assertEqual(list(briefing.key_claims.all()), [self.claims[0]])
        correction = Correction.objects.get()
        self.assertEqual(correction.changed_fields, ["briefing claims"])

    def test_a_refused_revert_says_why_and_changes_nothing(self):
        unreviewed = factories.ClaimFactory(unreviewed=True)
        briefing = factories.BriefingFactory(claims=[unreviewed], published=True)
        briefing.save()
        version = briefing.history.first()
        briefing.claim_links.all().delete()
        BriefingClaim.objects.create(briefing=briefing, claim=self.claims[0])

        response = self.revert(
            briefing, version, user=self.reviewer, correction_reason="Put the claim back."
        )

        self.assertEqual(response.status_code, 302)
        message = str(list(self.client.get(response.url).context["messages"])[0])
        self.assertIn("Not reverted — The briefing is published and these key claims", message)
        self.assertEqual(list(briefing.key_claims.all()), [self.claims[0]])
        self.assertFalse(Correction.objects.exists())


class PresenceHeartbeatTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first = factories.editor(username="ana", first_name="Ana", last_name="Lima")
        cls.second = factories.editor(username="ben")
        cls.actor = factories.ActorFactory()
        cls.url = reverse("admin:briefings_actor_presence", args=[cls.actor.pk])

    def ping(self, user, action="ping"):
        self.client.force_login(user)
        return self.client.post(self.url, {"action": action})

    def test_the_change_page_carries_the_heartbeat(self):
        self.client.force_login(self.first)
        page = self.client.get(reverse("admin:briefings_actor_change", args=[self.actor.pk]))
        self.assertContains(page, f'data-url="{self.url}" data-seconds="60"')
        self.assertContains(page, "briefings/admin/presence.js")

    def test_a_ping_keeps_the_presence_and_answers_who_else_is_editing(self):
        with mock.patch("briefings.services.time.time", return_value=1000.0):
            self.assertEqual(self.ping(self.first).json(), {"others": []})
        # Past the expiry of the first ping, but a fresh ping keeps Ana present.
        with mock.patch("briefings.services.time.time", return_value=1100.0):
            self.ping(self.first)
        with mock.patch("briefings.services.time.time", return_value=1200.0):
            self.assertEqual(self.ping(self.second).json(), {"others": ["Ana Lima"]})

    def test_a_presence_not_refreshed_expires(self):
        with mock.patch("briefings.services.time.time", return_value=1000.0):
            self.ping(self.first)
        later = 1000.0 + services.PRESENCE_SECONDS + 1
        with mock.patch("briefings.services.time.time", return_value=later):
            self.assertEqual(self.ping(self.second).json(), {"others": []})

    def test_leaving_clears_the_presence(self):
        self.ping(self.first)
        self.assertEqual(self.ping(self.first, "leave").status_code, 200)
        self.assertEqual(self.ping(self.second).json(), {"others": []})

    def test_bad_requests_are_refused_clearly(self):
        self.client.force_login(self.first)
        self.assertEqual(self.client.get(self.url).status_code, 405)
        response = self.client.post(self.url, {"action": "dance"})
        self.assertContains(response, "ping", status_code=400)
        missing = reverse("admin:briefings_actor_presence", args=[999999])
        self.assertEqual(self.client.post(missing, {"action": "ping"}).status_code, 404)

    def test_only_those_who_may_edit_are_present(self):
        viewer = factories.UserFactory()
        viewer.user_permissions.add(*Permission.objects.filter(codename="view_actor"))
        self.assertEqual(self.ping(viewer).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.post(self.url, {"action": "ping"}).status_code, 302)
        self.assertEqual(self.ping(self.second).json(), {"others": []})
