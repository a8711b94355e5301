"""
Bad input gets a clear error and changes nothing, never a 500: text no
database can store, too deep JSON, oversized bodies, in every parser and on
every path (run on PostgreSQL too, where NUL characters fail the query).
"""

import json
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase, override_settings
from django.urls import reverse

from briefings.api.urls import router
from briefings.models import Actor, Article, Briefing, Claim, Source
from tests import factories

# Each related field the API writes by slug, and a resource that takes it.
RELATED_FIELDS = {
    "actors": ("briefings", Briefing),
    "event": ("claims", Claim),
    "article": ("claims", Claim),
    "speaker": ("claims", Claim),
    "channel": ("claims", Claim),
    "publisher": ("sources", Source),
    "source": ("articles", Article),
    "country": ("actors", Actor),
}


def as_json(data):
    return {"data": json.dumps(data), "content_type": "application/json"}


def as_form(data):
    return {"data": urlencode(data), "content_type": "application/x-www-form-urlencoded"}


def as_multipart(data):
    return {"data": data}  # the test client's default encoding


PARSERS = {"json": as_json, "form": as_form, "multipart": as_multipart}


class UnstorableTextInEveryParserTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.actor = factories.ActorFactory(slug="kremlin")

    def setUp(self):
        self.client.force_login(self.editor)
        self.client.raise_request_exception = False

    def test_null_character_in_a_related_field_is_refused_by_every_parser(self):
        for field, (resource, model) in RELATED_FIELDS.items():
            for parser, encode in PARSERS.items():
                with self.subTest(field=field, parser=parser):
                    before = model.objects.count()
                    value = "kremlin\x00"
                    data = {"name": "A name", "title": "A title", field: value}
                    response = self.client.post(f"/api/v1/{resource}/", **encode(data))
                    self.assertEqual(response.status_code, 400)
                    self.assertEqual(
                        response.json(),
                        {"detail": f"body.{field}: null characters are not allowed."},
                    )
                    self.assertEqual(model.objects.count(), before)


class NestingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()

    def setUp(self):
        self.client.force_login(self.editor)
        self.client.raise_request_exception = False

    def post(self, body):
        return self.client.post("/api/v1/actors/", body, content_type="application/json")

    def test_json_nested_990_levels_is_refused(self):
        for body in ("[" * 990 + "]" * 990, '{"a":' * 5000 + "1" + "}" * 5000):
            response = self.post(body)
            self.assertEqual(response.status_code, 400)
            self.assertEqual(
                response.json(),
                {"detail": "body: nested deeper than 64 levels of objects and lists."},
            )

    def test_json_nested_64_levels_is_read(self):
        # The object itself is level one: 63 lists inside it still parse (and fail validation).
        response = self.post(json.dumps({"name": json.loads("[" * 63 + "]" * 63)}))
        self.assertEqual(response.status_code, 400)
        self.assertIn("name", response.json())
        response = self.post(json.dumps({"name": json.loads("[" * 64 + "]" * 64)}))
        self.assertEqual(
            response.json()["detail"], "body: nested deeper than 64 levels of objects and lists."
        )


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000, DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
class UploadLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()

    def setUp(self):
        self.client.force_login(self.editor)

    def test_a_body_over_the_limit_is_a_json_413_naming_it(self):
        data = {"slug": "big", "name": "x" * 2000, "kind": "person"}
        for parser, encode in PARSERS.items():
            with self.subTest(parser=parser):
                response = self.client.post("/api/v1/actors/", **encode(data))
                self.assertEqual(response.status_code, 413)
                self.assertEqual(
                    response.json(),
                    {
                        "detail": "The request body is larger than the limit of 1000 bytes "
                        "(1000\xa0bytes, DATA_UPLOAD_MAX_MEMORY_SIZE)."
                    },
                )
        self.assertFalse(Actor.objects.exists())

    def test_too_many_form_fields_is_a_json_400_naming_the_limit(self):
        data = {f"field{n}": "1" for n in range(11)}
        response = self.client.post("/api/v1/actors/", **as_form(data))
        self.assertEqual(response.status_code, 400)
        self.assertIn("more than 10 fields", response.json()["detail"])


class QueryStringTests(TestCase):
    """NUL in a query string is refused before any view compares it in a query."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        factories.published_briefing()

    def setUp(self):
        self.client.raise_request_exception = False

    def test_reader_pages_and_search_answer_400(self):
        for url in ("/search/?q=a%00b", "/actors/?q=%00", "/?page=%00", "/articles/?x%00=1"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "null characters are not allowed", status_code=400)

    def test_api_lists_answer_json_400(self):
        for url in ("/api/v1/claims/?speaker=a%00", "/api/v1/claims/?search=%00"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 400)
                self.assertIn("null characters are not allowed", response.json()["detail"])

    def test_admin_search_and_autocomplete_answer_400(self):
        self.client.force_login(factories.reviewer())
        autocomplete = reverse("admin:autocomplete")
        for url in (
            f"{autocomplete}?term=%00&app_label=briefings&model_name=claim&field_name=speaker",
            "/admin/briefings/actor/?q=%00",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 400)

    def test_admin_form_with_null_character_in_a_related_field_answers_400(self):
        self.client.force_login(factories.reviewer())
        country = factories.ActorFactory(kind="state")
        data = {"name": "X", "slug": "x", "kind": "person", "country": f"{country.pk}\x00"}
        response = self.client.post(reverse("admin:briefings_actor_add"), data)
        self.assertContains(response, "null characters are not allowed", status_code=400)
        self.assertFalse(Actor.objects.filter(slug="x").exists())


class ReservedSlugTests(TestCase):
    """A slug that is also a route word under the same prefix would be unreachable there."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()

    def test_every_list_route_word_is_refused_as_a_slug(self):
        checked = 0
        for _prefix, viewset, _basename in router.registry:
            if viewset.lookup_field != "slug":
                continue
            slug_field = viewset.model._meta.get_field("slug")
            for action in viewset.get_extra_actions():
                if not action.detail:
                    checked += 1
                    with self.assertRaises(ValidationError, msg=action.url_path):
                        slug_field.run_validators(action.url_path)
        self.assertGreater(checked, 0)

    def test_api_refuses_a_reserved_slug_by_name(self):
        self.client.force_login(self.editor)
        data = {"slug": "import", "title": "Import", "lede": "Gist."}
        response = self.client.post("/api/v1/briefings/", **as_json(data))
        self.assertEqual(response.status_code, 400)
        self.assertIn("“import” is reserved", response.json()["slug"][0])
        self.assertFalse(Briefing.objects.exists())

    def test_slug_made_from_a_title_skips_reserved_words(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            "/api/v1/briefings/", **as_json({"title": "Import", "lede": "Gist."})
        )
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["slug"], "import-2")
        response = self.client.get("/api/v1/briefings/import-2/")
        self.assertEqual(response.status_code, 200)

    def test_database_refuses_a_reserved_slug(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Briefing.objects.create(slug="import", title="Import", lede="Gist.")
