"""An API client's first steps: slugs made for it, claims placed by quote, a token, the docs."""

from django.test import TestCase
from rest_framework.authtoken.models import Token

from briefings.models import Actor, Article, Briefing, Claim, Event, Source
from tests import factories
from tests.test_api_write import NEW, APIClientMixin, WriteData

BODY = (
    "The ministry said talks went well. Observers doubted it. "
    "Later the ministry said talks went well again, and the envoy agreed."
)
ONCE = "Observers doubted it."
TWICE = "ministry said talks went well"


class SlugFromTitleTests(APIClientMixin, WriteData, TestCase):
    def create(self, resource, **changes):
        self.login(self.editor)
        data = {key: value for key, value in NEW[resource].items() if key != "slug"}
        return self.send("post", f"/api/v1/{resource}/", {**data, **changes})

    def test_each_resource_takes_a_slug_from_its_title_or_name(self):
        cases = [
            ("sources", Source, "a-release"),
            ("actors", Actor, "xi-jinping"),
            ("events", Event, "a-visit"),
            ("articles", Article, "another-report"),
            ("briefings", Briefing, "new"),
        ]
        for resource, model, slug in cases:
            with self.subTest(resource):
                response = self.create(resource)
                self.assertEqual(response.status_code, 201, response.content)
                self.assertEqual(response.json()["slug"], slug)
                self.assertTrue(model.objects.filter(slug=slug).exists())

    def test_a_taken_slug_gets_a_number(self):
        slugs = [self.create("briefings", title="Astana, July 2024").json()["slug"] for _ in "abc"]
        self.assertEqual(slugs, ["astana-july-2024", "astana-july-2024-2", "astana-july-2024-3"])

    def test_a_slug_sent_is_kept_and_still_checked(self):
        response = self.create("actors", slug="kremlin")
        self.assertEqual(response.status_code, 400)
        self.assertIn("slug", response.json())
        response = self.create("actors", slug="xi")
        self.assertEqual(response.json()["slug"], "xi")

    def test_a_name_without_latin_letters_still_gets_a_slug(self):
        response = self.create("actors", name="Си Цзиньпин")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["slug"], "actor")

    def test_a_long_title_fits_the_slug_with_its_number(self):
        title = "word " * 60
        first = self.create("briefings", title=title).json()["slug"]
        second = self.create("briefings", title=title).json()["slug"]
        self.assertLessEqual(len(second), Briefing._meta.get_field("slug").max_length)
        self.assertEqual(second, f"{first}-2")

    def test_an_update_without_a_slug_keeps_it(self):
        self.login(self.editor)
        response = self.write("patch", "/api/v1/briefings/draft/", {"title": "Renamed"}, self.draft)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["slug"], "draft")

    def test_the_schema_does_not_require_a_slug_on_create(self):
        schema = self.client.get("/api/schema/?format=json").json()["components"]["schemas"]
        for component in ["BriefingRequest", "ActorRequest", "SourceRequest", "EventRequest"]:
            with self.subTest(component):
                self.assertNotIn("slug", schema[component].get("required", []))
                self.assertIn(
                    "Made from the", schema[component]["properties"]["slug"]["description"]
                )


class ClaimPlacedByQuoteTests(APIClientMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.article = factories.ArticleFactory(slug="talks", body=BODY)

    def post_claim(self, **fields):
        self.client.force_login(self.editor)
        data = {
            "article": "talks",
            "speaker": None,
            "attribution_kind": "assertion",
            "quote_type": "none",
            "claim_type": "characterisation",
            **fields,
        }
        return self.send("post", "/api/v1/claims/", data)

    def test_a_quote_found_once_is_placed(self):
        response = self.post_claim(quote=ONCE)
        self.assertEqual(response.status_code, 201, response.content)
        claim = Claim.objects.get(pk=response.json()["id"])
        self.assertEqual((claim.start, claim.end), (BODY.index(ONCE), BODY.index(ONCE) + len(ONCE)))
        self.assertEqual(claim.prefix, BODY[: claim.start][-len(claim.prefix) :])
        self.assertTrue(claim.prefix)

    def test_null_offsets_are_the_same_as_none(self):
        response = self.post_claim(quote=ONCE, start=None, end=None)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["start"], BODY.index(ONCE))

    def test_a_quote_found_several_times_lists_them_and_how_to_pick(self):
        response = self.post_claim(quote=TWICE)
        self.assertEqual(response.status_code, 400)
        body = response.json()
        self.assertIn("twice", body["quote"][0])
        self.assertIn("`start`", body["quote"][0])
        self.assertIn("`prefix`", body["quote"][0])
        starts = [int(occurrence["start"]) for occurrence in body["occurrences"]]
        self.assertEqual(starts, [BODY.index(TWICE), BODY.rindex(TWICE)])
        self.assertEqual(body["occurrences"][1]["prefix"], BODY[: starts[1]][-32:])
        self.assertTrue(body["occurrences"][1]["suffix"].startswith(" again"))
        self.assertFalse(Claim.objects.exists())

    def test_start_picks_an_occurrence(self):
        response = self.post_claim(quote=TWICE, start=BODY.rindex(TWICE))
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["end"], BODY.rindex(TWICE) + len(TWICE))

    def test_a_start_that_is_no_occurrence_names_them(self):
        response = self.post_claim(quote=TWICE, start=3)
        self.assertEqual(response.status_code, 400)
        self.assertIn("does not start at 3", response.json()["quote"][0])
        self.assertEqual(len(response.json()["occurrences"]), 2)

    def test_suffix_or_prefix_picks_an_occurrence(self):
        response = self.post_claim(quote=TWICE, suffix=" again")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["start"], BODY.rindex(TWICE))
        response = self.post_claim(quote=TWICE, prefix="Later the ")
        self.assertEqual(response.json()["start"], BODY.rindex(TWICE))

    def test_context_that_matches_no_occurrence_is_refused(self):
        response = self.post_claim(quote=TWICE, prefix="Nobody ")
        self.assertEqual(response.status_code, 400)
        self.assertIn("never with the given prefix", response.json()["quote"][0])

    def test_an_absent_quote_is_a_400_saying_so(self):
        response = self.post_claim(quote="The envoy resigned.")
        self.assertEqual(response.status_code, 400)
        self.assertIn("is not in the article body", response.json()["quote"][0])
        self.assertNotIn("occurrences", response.json())

    def test_offsets_given_are_checked_as_before(self):
        start = BODY.index(ONCE)
        response = self.post_claim(quote=ONCE, start=start, end=start + len(ONCE))
        self.assertEqual(response.status_code, 201, response.content)
        response = self.post_claim(quote=ONCE, start=0, end=len(ONCE))
        self.assertEqual(response.status_code, 400)
        self.assertIn("not the quote", response.json()["quote"][0])

    def test_a_missing_article_is_a_400_not_a_500(self):
        response = self.post_claim(quote=ONCE, article="nowhere")
        self.assertEqual(response.status_code, 400)
        self.assertIn("article", response.json())


class MyTokenTests(TestCase):
    """Staff make, replace and revoke their own API token in the admin."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.other = factories.reviewer()
        cls.other_token = Token.objects.create(user=cls.other)

    def setUp(self):
        self.client.force_login(self.editor)

    def test_making_a_token_shows_its_key_once_and_it_authenticates(self):
        response = self.client.post("/admin/token/", {"action": "create"})
        token = Token.objects.get(user=self.editor)
        self.assertContains(response, token.key)
        self.assertNotContains(self.client.get("/admin/token/"), token.key)
        self.client.logout()
        response = self.client.get(
            "/api/v1/claims/", headers={"Authorization": f"Token {token.key}"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.wsgi_request.user, self.editor)

    def test_replacing_stops_the_old_key(self):
        self.client.post("/admin/token/", {"action": "create"})
        old = Token.objects.get(user=self.editor).key
        self.client.post("/admin/token/", {"action": "create"})
        self.assertNotEqual(Token.objects.get(user=self.editor).key, old)

    def test_revoking_stops_the_key_and_leaves_others_tokens(self):
        self.client.post("/admin/token/", {"action": "create"})
        key = Token.objects.get(user=self.editor).key
        response = self.client.post("/admin/token/", {"action": "revoke"}, follow=True)
        self.assertContains(response, "revoked")
        self.assertFalse(Token.objects.filter(user=self.editor).exists())
        self.assertTrue(Token.objects.filter(pk=self.other_token.pk).exists())
        self.client.logout()
        response = self.client.get("/api/v1/claims/", headers={"Authorization": f"Token {key}"})
        self.assertEqual(response.status_code, 401)

    def test_the_page_never_shows_another_users_key(self):
        self.assertNotContains(self.client.get("/admin/token/"), self.other_token.key)

    def test_only_staff_reach_the_page(self):
        self.client.force_login(factories.UserFactory(is_staff=False))
        response = self.client.post("/admin/token/", {"action": "create"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])
        self.assertEqual(Token.objects.count(), 1)


class DocsTests(TestCase):
    def setUp(self):
        self.schema = self.client.get("/api/schema/?format=json").json()

    def test_the_description_covers_what_a_client_needs(self):
        description = self.schema["info"]["description"]
        for needed in [
            "Authorization: Token",
            "/admin/token/",
            '{"detail": "…"}',
            "If-None-Match",
            "304",
            "If-Match",
            "412",
            "428",
            "202 Accepted",
            "pending_change",
            "…/approve/",
            "…/discard/",
            "429",
            "ordering",
        ]:
            with self.subTest(needed):
                self.assertIn(needed, description)

    def test_each_list_names_its_ordering_fields(self):
        for path, fields in [
            ("/api/v1/claims/", ["said_date", "verdict"]),
            ("/api/v1/briefings/", ["published_at", "title"]),
            ("/api/v1/sco/summits/", ["year"]),
        ]:
            parameters = self.schema["paths"][path]["get"]["parameters"]
            ordering = next(p for p in parameters if p["name"] == "ordering")
            for field in fields:
                with self.subTest(path=path, field=field):
                    self.assertIn(f"`{field}`", ordering["description"])
