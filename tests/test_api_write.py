"""Writing through the API: the admin's permissions and workflow, validation, preconditions."""

import json

from django.test import TestCase
from rest_framework.authtoken.models import Token

from briefings.models import (
    Actor,
    Article,
    Briefing,
    BriefingStatus,
    Claim,
    Event,
    ReviewStatus,
    Source,
)
from tests import factories


class APIClientMixin:
    def send(self, method, url, data=None, headers=None):
        return getattr(self.client, method)(
            url, json.dumps(data or {}), content_type="application/json", headers=headers or {}
        )

    def login(self, user):
        if user is not None:
            self.client.force_login(user)


class WriteData:
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.reviewer = factories.reviewer()
        cls.outsider = factories.UserFactory(is_staff=False)
        cls.source = factories.SourceFactory(slug="outlet")
        cls.article = factories.ArticleFactory(slug="astana", source=cls.source)
        cls.speaker = factories.ActorFactory(slug="kremlin")
        cls.claim = factories.ClaimFactory(
            article=cls.article, speaker=cls.speaker, unreviewed=True
        )
        cls.draft = factories.BriefingFactory(slug="draft", claims=[cls.claim])
        cls.event = factories.EventFactory(slug="summit")


# One valid creation payload per writable resource.
NEW = {
    "sources": {"slug": "new-source", "name": "A release", "kind": "release"},
    "actors": {
        "slug": "new-actor",
        "name": "Xi Jinping",
        "kind": "person",
        "aliases": [{"name": "Си Цзиньпин", "language": "ru"}],
    },
    "events": {"slug": "new-event", "name": "A visit", "kind": "visit"},
    "articles": {
        "slug": "new-article",
        "title": "Another report",
        "source": "outlet",
        "body": "Xi said the talks were “sincere”.",
    },
    "claims": {
        "article": "astana",
        "quote": "Critics said the summit changed little.",
        "start": factories.ARTICLE_BODY.index("Critics"),
        "end": len(factories.ARTICLE_BODY),
        "speaker": None,
        "attribution_kind": "assertion",
        "quote_type": "none",
        "claim_type": "characterisation",
    },
    "briefings": {"slug": "new-briefing", "title": "New", "lede": "Gist."},
}
MODELS = {
    "sources": Source,
    "actors": Actor,
    "events": Event,
    "articles": Article,
    "claims": Claim,
    "briefings": Briefing,
}


class PermissionMatrixTests(APIClientMixin, WriteData, TestCase):
    """anonymous / outsider / editor / reviewer × read draft / create / edit / publish."""

    def detail(self, resource):
        return {
            "sources": "/api/v1/sources/outlet/",
            "actors": "/api/v1/actors/kremlin/",
            "events": "/api/v1/events/summit/",
            "articles": "/api/v1/articles/astana/",
            "claims": f"/api/v1/claims/{self.claim.pk}/",
            "briefings": "/api/v1/briefings/draft/",
        }[resource]

    def test_who_may_read_unpublished_objects(self):
        expected = {None: 404, "outsider": 404, "editor": 200, "reviewer": 200}
        for who, status in expected.items():
            self.client.logout()
            self.login(getattr(self, who) if who else None)
            for resource in MODELS:
                with self.subTest(who=who, resource=resource):
                    self.assertEqual(self.client.get(self.detail(resource)).status_code, status)

    def test_who_may_create(self):
        expected = {None: 401, "outsider": 403, "editor": 201, "reviewer": 201}
        for who, status in expected.items():
            self.client.logout()
            self.login(getattr(self, who) if who else None)
            for resource, payload in NEW.items():
                with self.subTest(who=who, resource=resource):
                    response = self.send("post", f"/api/v1/{resource}/", payload)
                    self.assertEqual(response.status_code, status, response.content)
                    if status == 201:
                        MODELS[resource].objects.filter(pk=self.created_pk(resource)).delete()

    def created_pk(self, resource):
        model = MODELS[resource]
        if resource == "claims":
            return model.objects.latest("pk").pk
        return model.objects.get(slug=NEW[resource]["slug"]).pk

    def test_who_may_edit(self):
        changes = {
            "sources": {"description": "Changed."},
            "actors": {"title": "Changed"},
            "events": {"location": "Astana"},
            "articles": {"byline": "Changed"},
            "claims": {"cue": "announced"},
            "briefings": {"lede": "Changed."},
        }
        for who, status in {"outsider": 403, "editor": 200, "reviewer": 200}.items():
            self.client.logout()
            self.login(getattr(self, who))
            for resource, change in changes.items():
                with self.subTest(who=who, resource=resource):
                    response = self.send("patch", self.detail(resource), change)
                    self.assertEqual(response.status_code, status, response.content)
        self.client.logout()
        for resource, change in changes.items():
            with self.subTest(who=None, resource=resource):
                self.assertEqual(self.send("patch", self.detail(resource), change).status_code, 401)

    def test_who_may_publish(self):
        self.claim.review_status = ReviewStatus.REVIEWED
        self.claim.reviewed_at = self.claim.updated_at
        self.claim.save()
        self.draft.status = BriefingStatus.IN_REVIEW
        self.draft.save()
        self.login(self.editor)
        response = self.send("patch", "/api/v1/briefings/draft/", {"status": "published"})
        self.assertEqual(response.status_code, 403)
        self.assertIn("Only a reviewer", response.json()["detail"])
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, BriefingStatus.IN_REVIEW)
        self.login(self.reviewer)
        response = self.send("patch", "/api/v1/briefings/draft/", {"status": "published"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "published")
        self.assertIsNotNone(response.json()["published_at"])

    def test_deleting_is_left_to_the_admin(self):
        self.login(self.reviewer)
        self.assertEqual(self.client.delete(self.detail("claims")).status_code, 405)

    def test_token_authentication(self):
        token = Token.objects.create(user=self.editor)
        response = self.client.get(
            "/api/v1/briefings/draft/", headers={"Authorization": f"Token {token.key}"}
        )
        self.assertEqual(response.status_code, 200)


class WorkflowTests(APIClientMixin, WriteData, TestCase):
    def test_editor_submits_for_review(self):
        self.login(self.editor)
        response = self.send("patch", "/api/v1/briefings/draft/", {"status": "in_review"})
        self.assertEqual(response.json()["status"], "in_review")

    def test_publishing_needs_reviewed_key_claims(self):
        self.draft.status = BriefingStatus.IN_REVIEW
        self.draft.save()
        self.login(self.reviewer)
        response = self.send("patch", "/api/v1/briefings/draft/", {"status": "published"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("not reviewed yet", response.json()["status"][0])

    def test_a_draft_cannot_jump_to_published(self):
        self.login(self.reviewer)
        response = self.send("patch", "/api/v1/briefings/draft/", {"status": "published"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("cannot become published", response.json()["status"][0])

    def test_created_briefings_start_as_drafts_and_follow_the_workflow(self):
        self.login(self.editor)
        payload = {**NEW["briefings"], "status": "published"}
        response = self.send("post", "/api/v1/briefings/", payload)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Briefing.objects.filter(slug="new-briefing").exists())
        response = self.send("post", "/api/v1/briefings/", NEW["briefings"])
        self.assertEqual(response.json()["status"], "draft")
        self.assertEqual(Briefing.objects.get(slug="new-briefing").created_by, self.editor)

    def test_only_reviewers_review_claims(self):
        url = f"/api/v1/claims/{self.claim.pk}/review/"
        self.login(self.editor)
        self.assertEqual(self.send("post", url).status_code, 403)
        self.login(self.reviewer)
        response = self.send("post", url)
        self.assertEqual(response.json()["review_status"], "reviewed")

    def test_key_claims_articles_and_actors_are_written_in_order(self):
        other = factories.ClaimFactory(
            article=self.article, quote="Critics said", speaker=self.speaker
        )
        self.login(self.editor)
        response = self.send(
            "patch",
            "/api/v1/briefings/draft/",
            {
                "key_claims": [
                    {"claim": other.pk, "comment": "First."},
                    {"claim": self.claim.pk},
                ],
                "articles": ["astana"],
                "actors": ["kremlin"],
            },
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            [(k["claim"]["id"], k["comment"]) for k in response.json()["key_claims"]],
            [(other.pk, "First."), (self.claim.pk, "")],
        )
        self.assertEqual(
            list(self.draft.claim_links.values_list("claim", "position")),
            [(other.pk, 0), (self.claim.pk, 1)],
        )
        self.assertEqual([a["slug"] for a in response.json()["actors"]], ["kremlin"])

    def test_a_claim_listed_twice_is_refused(self):
        self.login(self.editor)
        response = self.send(
            "patch",
            "/api/v1/briefings/draft/",
            {"key_claims": [{"claim": self.claim.pk}, {"claim": self.claim.pk}]},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("claim_links", response.json())


class ValidationTests(APIClientMixin, WriteData, TestCase):
    def post_claim(self, **changes):
        self.login(self.editor)
        return self.send("post", "/api/v1/claims/", {**NEW["claims"], **changes})

    def test_span_must_match_quote(self):
        response = self.post_claim(start=0, end=len(NEW["claims"]["quote"]))
        self.assertEqual(response.status_code, 400)
        self.assertIn("not the quote", response.json()["quote"][0])

    def test_span_must_lie_inside_the_body(self):
        response = self.post_claim(start=10, end=10_000, quote="x" * 9990)
        self.assertEqual(response.status_code, 400)
        self.assertIn("past the end", response.json()["end"][0])

    def test_attribution_must_be_consistent(self):
        response = self.post_claim(attribution_kind="direct_quote")
        self.assertEqual(response.status_code, 400)
        self.assertIn("speaker", response.json())

    def test_valid_claim_gets_its_context_from_the_body(self):
        response = self.post_claim()
        self.assertEqual(response.status_code, 201, response.content)
        claim = Claim.objects.get(pk=response.json()["id"])
        self.assertTrue(factories.ARTICLE_BODY[: claim.start].endswith(claim.prefix))
        self.assertEqual(claim.created_by, self.editor)

    def test_duplicate_slug_and_bad_references_name_the_field(self):
        self.login(self.editor)
        cases = [
            ("actors", {**NEW["actors"], "slug": "kremlin"}, "slug"),
            ("actors", {**NEW["actors"], "wikidata_qid": "7747"}, "wikidata_qid"),
            ("articles", {**NEW["articles"], "source": "nowhere"}, "source"),
            ("claims", {**NEW["claims"], "about": ["nobody"]}, "about"),
            ("claims", {**NEW["claims"], "start": "x"}, "start"),
        ]
        for resource, payload, field in cases:
            with self.subTest(field=field):
                response = self.send("post", f"/api/v1/{resource}/", payload)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.json())

    def test_unique_wikidata_id_is_validated_not_a_500(self):
        factories.ActorFactory(wikidata_qid="Q15031")
        self.login(self.editor)
        response = self.send("post", "/api/v1/actors/", {**NEW["actors"], "wikidata_qid": "Q15031"})
        self.assertEqual(response.status_code, 400)

    def test_malformed_json_is_a_400(self):
        self.login(self.editor)
        response = self.client.post("/api/v1/actors/", "{not json", content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("detail", response.json())

    def test_changing_an_article_body_reanchors_its_claims(self):
        self.login(self.editor)
        body = "Breaking. " + factories.ARTICLE_BODY
        response = self.send("patch", "/api/v1/articles/astana/", {"body": body})
        self.assertEqual(response.status_code, 200, response.content)
        self.claim.refresh_from_db()
        self.assertEqual(body[self.claim.start : self.claim.end], self.claim.quote)

    def test_an_article_body_that_loses_a_quote_is_refused_naming_the_claim(self):
        self.login(self.editor)
        response = self.send("patch", "/api/v1/articles/astana/", {"body": "Nothing left."})
        self.assertEqual(response.status_code, 400)
        self.assertIn(f"#{self.claim.pk}", response.json()["body"][0])
        self.article.refresh_from_db()
        self.assertEqual(self.article.body, factories.ARTICLE_BODY)

    def test_actor_aliases_are_replaced_as_a_list(self):
        self.login(self.editor)
        url = "/api/v1/actors/kremlin/"
        self.send("patch", url, {"aliases": [{"name": "Кремль", "language": "ru"}]})
        response = self.send("patch", url, {"aliases": [{"name": "Moscow"}]})
        self.assertEqual(response.json()["aliases"], [{"name": "Moscow", "language": ""}])


class ConditionalRequestTests(APIClientMixin, WriteData, TestCase):
    def test_detail_has_validators_and_answers_304(self):
        self.login(self.editor)
        response = self.client.get("/api/v1/briefings/draft/")
        etag = response.headers["ETag"]
        self.assertRegex(etag, r'^"v\d+-[0-9a-f]+"$')
        self.assertIn("Last-Modified", response.headers)
        again = self.client.get("/api/v1/briefings/draft/", headers={"If-None-Match": etag})
        self.assertEqual(again.status_code, 304)
        since = self.client.get(
            "/api/v1/briefings/draft/",
            headers={"If-Modified-Since": response.headers["Last-Modified"]},
        )
        self.assertEqual(since.status_code, 304)

    def test_list_has_validators_and_answers_304(self):
        response = self.client.get("/api/v1/claims/")
        self.assertIn("ETag", response.headers)
        again = self.client.get(
            "/api/v1/claims/", headers={"If-None-Match": response.headers["ETag"]}
        )
        self.assertEqual(again.status_code, 304)

    def test_etag_changes_when_an_embedded_claim_changes(self):
        self.login(self.editor)
        before = self.client.get("/api/v1/briefings/draft/").headers["ETag"]
        self.claim.cue = "announced"
        self.claim.save()
        response = self.client.get("/api/v1/briefings/draft/", headers={"If-None-Match": before})
        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(response.headers["ETag"], before)

    def test_stale_if_match_is_refused_with_412(self):
        self.login(self.editor)
        etag = self.client.get("/api/v1/actors/kremlin/").headers["ETag"]
        first = self.send(
            "patch", "/api/v1/actors/kremlin/", {"title": "One"}, headers={"If-Match": etag}
        )
        self.assertEqual(first.status_code, 200, first.content)
        second = self.send(
            "patch", "/api/v1/actors/kremlin/", {"title": "Two"}, headers={"If-Match": etag}
        )
        self.assertEqual(second.status_code, 412)
        self.assertIn("version", second.json()["detail"])
        self.speaker.refresh_from_db()
        self.assertEqual(self.speaker.title, "One")

    def test_if_match_with_the_current_version_succeeds(self):
        self.login(self.editor)
        etag = self.client.get("/api/v1/actors/kremlin/").headers["ETag"]
        payload = {"slug": "kremlin", "name": "The Kremlin", "kind": "body"}
        response = self.send("put", "/api/v1/actors/kremlin/", payload, {"If-Match": etag})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["version"], self.speaker.version + 1)


class UnstorableTextTests(TestCase):
    """Text no database can store is refused with a 400 naming where it is, never a 500."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()

    def test_null_character_is_refused(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            "/api/v1/actors/",
            '{"slug": "x", "name": "A\\u0000B", "kind": "person"}',
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("body.name: null characters", response.json()["detail"])

    def test_unpaired_surrogate_is_refused(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            "/api/v1/actors/",
            '{"slug": "x", "name": "A\\ud800", "kind": "person", "aliases": []}',
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("unpaired surrogate", response.json()["detail"])

    def test_null_character_in_a_lookup_is_not_found(self):
        self.assertEqual(self.client.get("/api/v1/actors/a%00b/").status_code, 404)
