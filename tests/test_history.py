"""History with diffs and revert, stale-form refusal and edit presence in the admin."""

from django.test import TestCase
from django.urls import reverse

from briefings import services
from briefings.models import Actor, ClaimActor
from tests import factories


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
        services.claim_set_about(claim=claim, actors=[self.actor])
        services.claim_set_about(claim=claim, actors=[])
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
