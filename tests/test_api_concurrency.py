"""
Concurrent writers through the API: every write names the version it changes
(If-Match), runs against the locked row and writes only the fields it sent.
The live-server test in test_live_server.py races real requests.
"""

import json
from unittest import mock

from django.db.models import F
from django.test import TestCase

from briefings.api.views import ActorViewSet, ClaimViewSet
from briefings.models import Actor, Claim
from tests import factories


def version_tag(obj):
    obj.refresh_from_db(fields=["version"])
    return f'"v{obj.version}-read"'


def changed_meanwhile(viewset, model, **changes):
    """
    Patch `viewset.get_object` so that, right after the view has first read
    the object, another writer commits `changes` (and a new version) to its row.
    """
    original = viewset.get_object
    calls = []

    def get_object(view):
        obj = original(view)
        if not calls:
            model.objects.filter(pk=obj.pk).update(version=F("version") + 1, **changes)
        calls.append(obj)
        return obj

    return mock.patch.object(viewset, "get_object", get_object)


class ConcurrencyData:
    @classmethod
    def setUpTestData(cls):
        cls.reviewer = factories.reviewer()
        cls.source = factories.SourceFactory(slug="outlet")
        cls.article = factories.ArticleFactory(slug="astana", source=cls.source)
        cls.actor = factories.ActorFactory(slug="kremlin", title="Office", description="Before.")
        cls.claim = factories.ClaimFactory(
            article=cls.article, speaker=cls.actor, cue="said", unreviewed=True
        )
        cls.briefing = factories.BriefingFactory(slug="draft", claims=[cls.claim])
        cls.event = factories.EventFactory(slug="summit")

    def setUp(self):
        self.client.force_login(self.reviewer)

    def send(self, method, url, data=None, if_match=None):
        headers = {"If-Match": if_match} if if_match else {}
        return getattr(self.client, method)(
            url, json.dumps(data or {}), content_type="application/json", headers=headers
        )


class IfMatchRequiredTests(ConcurrencyData, TestCase):
    def writes(self):
        """Each versioned resource, its URL and a change that is valid as a PATCH."""
        return [
            (self.source, "/api/v1/sources/outlet/", {"name": "X"}),
            (self.actor, "/api/v1/actors/kremlin/", {"name": "X"}),
            (self.event, "/api/v1/events/summit/", {"name": "X"}),
            (self.article, "/api/v1/articles/astana/", {"title": "X"}),
            (self.claim, f"/api/v1/claims/{self.claim.pk}/", {"cue": "stated"}),
            (self.briefing, "/api/v1/briefings/draft/", {"title": "X"}),
        ]

    def test_a_write_without_if_match_is_refused_with_428_naming_the_header(self):
        for obj, url, payload in self.writes():
            for method in ("patch", "put"):
                with self.subTest(url=url, method=method):
                    response = self.send(method, url, payload)
                    self.assertEqual(response.status_code, 428, response.content)
                    detail = response.json()["detail"]
                    self.assertIn("If-Match", detail)
                    self.assertIn(f"GET http://testserver{url} ", detail)
                    before = obj.version
                    obj.refresh_from_db()
                    self.assertEqual(obj.version, before)

    def test_the_writes_succeed_with_the_current_version(self):
        for obj, url, payload in self.writes():
            with self.subTest(url=url):
                response = self.send("patch", url, payload, if_match=version_tag(obj))
                self.assertEqual(response.status_code, 200, response.content)

    def test_a_review_needs_if_match_too(self):
        url = f"/api/v1/claims/{self.claim.pk}/review/"
        response = self.send("post", url)
        self.assertEqual(response.status_code, 428)
        self.assertIn(
            f"GET http://testserver/api/v1/claims/{self.claim.pk}/ ", response.json()["detail"]
        )
        stale = f'"v{self.claim.version - 1}-read"'
        self.assertEqual(self.send("post", url, if_match=stale).status_code, 412)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.review_status, "unreviewed")
        response = self.send("post", url, if_match=version_tag(self.claim))
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["review_status"], "reviewed")

    def test_the_schema_documents_if_match_412_and_428_on_every_update(self):
        schema = self.client.get("/api/schema/", {"format": "json"}).json()
        updates = [
            (path, method, operation)
            for path, operations in schema["paths"].items()
            for method, operation in operations.items()
            if method in ("put", "patch") or path.endswith("/review/")
        ]
        self.assertEqual(len(updates), 13)  # PUT and PATCH of six resources, and the review
        for path, method, operation in updates:
            with self.subTest(path=path, method=method):
                header = [p for p in operation["parameters"] if p["name"] == "If-Match"]
                self.assertEqual(len(header), 1)
                self.assertTrue(header[0]["required"])
                self.assertEqual(header[0]["in"], "header")
                self.assertLessEqual({"200", "412", "428"}, set(operation["responses"]))
        creating = schema["paths"]["/api/v1/claims/"]["post"]
        self.assertNotIn("If-Match", [p["name"] for p in creating.get("parameters", [])])


class WriteOnTheLockedRowTests(ConcurrencyData, TestCase):
    def test_each_write_raises_the_version_by_one_and_answers_its_etag(self):
        url = "/api/v1/actors/kremlin/"
        first = self.send("patch", url, {"title": "One"}, if_match=version_tag(self.actor))
        self.assertEqual(first.json()["version"], self.actor.version + 1)
        self.assertEqual(first.headers["ETag"], self.client.get(url).headers["ETag"])
        # The write's ETag is good for the next write, without reading again.
        second = self.send("patch", url, {"title": "Two"}, if_match=first.headers["ETag"])
        self.assertEqual(second.status_code, 200, second.content)
        self.assertEqual(second.json()["version"], self.actor.version + 2)
        self.actor.refresh_from_db()
        self.assertEqual(
            (self.actor.title, self.actor.version), ("Two", first.json()["version"] + 1)
        )

    def test_a_partial_update_keeps_fields_another_writer_changed_meanwhile(self):
        version = self.actor.version
        with changed_meanwhile(ActorViewSet, Actor, description="Changed meanwhile."):
            # "*": whatever version is stored, which the other writer just moved on.
            response = self.send("patch", "/api/v1/actors/kremlin/", {"title": "New"}, "*")
        self.assertEqual(response.status_code, 200, response.content)
        self.actor.refresh_from_db()
        self.assertEqual(self.actor.title, "New")
        self.assertEqual(self.actor.description, "Changed meanwhile.")
        self.assertEqual(self.actor.version, version + 2)
        self.assertEqual(response.json()["description"], "Changed meanwhile.")
        self.assertEqual(response.json()["version"], version + 2)

    def test_if_match_is_checked_against_the_row_as_locked(self):
        tag = version_tag(self.actor)
        with changed_meanwhile(ActorViewSet, Actor, description="Changed meanwhile."):
            response = self.send("patch", "/api/v1/actors/kremlin/", {"title": "New"}, tag)
        self.assertEqual(response.status_code, 412, response.content)
        self.actor.refresh_from_db()
        self.assertEqual(
            (self.actor.title, self.actor.description), ("Office", "Changed meanwhile.")
        )

    def test_a_review_keeps_fields_another_writer_changed_meanwhile(self):
        url = f"/api/v1/claims/{self.claim.pk}/review/"
        with changed_meanwhile(ClaimViewSet, Claim, cue="announced"):
            response = self.send("post", url, if_match="*")
        self.assertEqual(response.status_code, 200, response.content)
        self.claim.refresh_from_db()
        self.assertEqual((self.claim.cue, self.claim.review_status), ("announced", "reviewed"))

    def test_what_the_save_derives_from_a_sent_field_is_written_with_it(self):
        url = f"/api/v1/claims/{self.claim.pk}/"
        response = self.send(
            "patch", url, {"rationale": "Said **twice**."}, if_match=version_tag(self.claim)
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.claim.refresh_from_db()
        self.assertIn("<strong>twice</strong>", self.claim.rationale_html)
        response = self.send(
            "patch",
            "/api/v1/briefings/draft/",
            {"analysis": "A *short* account."},
            if_match=version_tag(self.briefing),
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.briefing.refresh_from_db()
        self.assertIn("<em>short</em>", self.briefing.analysis_html)
