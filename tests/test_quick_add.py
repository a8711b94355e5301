"""New actors and sources from the annotation form: described, created, refused with reasons."""

from django.test import TestCase
from django.urls import reverse

from briefings.models import Actor, Source
from tests import factories

ACTOR_URL = reverse("admin:briefings_actor_quick_add")
SOURCE_URL = reverse("admin:briefings_source_quick_add")


class QuickAddTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()

    def setUp(self):
        self.client.force_login(self.editor)

    def test_the_endpoint_describes_what_to_ask_for(self):
        spec = self.client.get(ACTOR_URL).json()
        self.assertEqual(spec["model"], "actor")
        self.assertEqual([f["name"] for f in spec["fields"]], ["name", "kind", "wikidata_qid"])
        kinds = dict(spec["fields"][1]["choices"])
        self.assertEqual(kinds["person"], "Person")

    def test_an_editor_adds_an_actor_and_it_has_a_slug_and_history(self):
        response = self.client.post(
            ACTOR_URL, {"name": "Yuri Ushakov", "kind": "person", "wikidata_qid": "Q4137937"}
        )
        self.assertEqual(response.status_code, 201)
        actor = Actor.objects.get(pk=response.json()["id"])
        self.assertEqual(response.json()["text"], "Yuri Ushakov")
        self.assertEqual((actor.slug, actor.wikidata_qid), ("yuri-ushakov", "Q4137937"))
        self.assertEqual(actor.history.get().history_user, self.editor)

    def test_an_editor_adds_a_source(self):
        response = self.client.post(SOURCE_URL, {"name": "Sputnik", "kind": "outlet"})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(Source.objects.get().slug, "sputnik")

    def test_bad_input_names_each_field_and_adds_nothing(self):
        factories.ActorFactory(wikidata_qid="Q1")
        cases = [
            ({"kind": "person"}, "name"),
            ({"name": "X", "kind": "planet"}, "kind"),
            ({"name": "X", "kind": "person", "wikidata_qid": "4137937"}, "wikidata_qid"),
            ({"name": "X", "kind": "person", "wikidata_qid": "Q1"}, "wikidata_qid"),
        ]
        for data, field in cases:
            with self.subTest(data=data):
                response = self.client.post(ACTOR_URL, data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.json()["errors"])
        self.assertEqual(Actor.objects.count(), 1)

    def test_only_those_who_may_add_do(self):
        self.client.force_login(factories.UserFactory(is_staff=True))
        self.assertEqual(self.client.get(ACTOR_URL).status_code, 403)
        self.assertEqual(
            self.client.post(ACTOR_URL, {"name": "X", "kind": "person"}).status_code, 403
        )
        self.client.logout()
        self.assertIn(reverse("admin:login"), self.client.post(SOURCE_URL).url)
        self.assertFalse(Actor.objects.exists() or Source.objects.exists())

    def test_the_annotation_form_carries_the_endpoints(self):
        article = factories.ArticleFactory()
        page = self.client.get(reverse("admin:briefings_article_change", args=[article.pk]))
        self.assertContains(page, f'data-actor-url="{ACTOR_URL}"')
        self.assertContains(page, f'data-source-url="{SOURCE_URL}"')
