"""
Writes against a running server, outside any test transaction: row locks
(select_for_update) need a transaction of the request's own, which a
TestCase's wrapping transaction would hide, and concurrent writers need
connections of their own.
"""

import json
import threading
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test import Client, LiveServerTestCase
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from django.urls import reverse
from django.utils.crypto import get_random_string

from briefings.models import Actor
from tests import factories

ROUNDS = 20
TIMEOUT_SECONDS = 30


class SingleThreadedLiveServerThread(LiveServerThread):
    """
    Serve one request at a time. The SQLite test database lives in memory and
    the server shares the test's one connection with it, so threads serving
    requests at once would share one transaction; on SQLite the concurrency
    test's requests are therefore serialised by the server (the clients still
    race), and only PostgreSQL serves them truly at once, under its row locks.
    """

    def _create_server(self, connections_override=None):
        return WSGIServer(
            (self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False
        )


class LiveClient:
    """A logged-in user's session on the live server, spoken to with urllib."""

    def __init__(self, base_url, session_key):
        self.base_url = base_url
        # Any well-formed secret does: the token only has to match the cookie.
        self.csrf_token = get_random_string(32)
        self.cookie = (
            f"{settings.SESSION_COOKIE_NAME}={session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf_token}"
        )

    def request(self, method, path, *, json_data=None, form=None, headers=None):
        """Return (status, headers, parsed JSON body) of one request."""
        headers = {"Cookie": self.cookie, "X-CSRFToken": self.csrf_token, **(headers or {})}
        body = None
        if json_data is not None:
            body = json.dumps(json_data).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.base_url + path, data=body, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return response.status, response.headers, json.loads(response.read() or "null")
        except urllib.error.HTTPError as error:
            with error:
                content = error.read()
            try:
                parsed = json.loads(content)
            except ValueError:
                parsed = content.decode(errors="replace")
            return error.code, error.headers, parsed

    def page(self, method, path, *, form=None, signed_in=True):
        """
        Return (status, headers, text) of one request for a page, as a browser
        sends it (a form's own CSRF token, no header), not following redirects.
        """
        headers = {"Cookie": self.cookie} if signed_in else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.base_url + path, data=body, headers=headers, method=method
        )
        try:
            with NO_REDIRECTS.open(request, timeout=TIMEOUT_SECONDS) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read().decode(errors="replace")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Answer a redirect as it is (an HTTPError), so tests see where a form sends them."""

    def redirect_request(self, *args, **kwargs):
        return None


NO_REDIRECTS = urllib.request.build_opener(NoRedirects)


class LiveServerTests(LiveServerTestCase):
    """A live server, and users' sessions on it (the base of the live tests)."""

    @classmethod
    def setUpClass(cls):
        if connection.vendor == "sqlite":
            cls.server_thread_class = SingleThreadedLiveServerThread
        super().setUpClass()

    def setUp(self):
        super().setUp()
        # Each test ends with the tables flushed, the migrations' groups too.
        factories.ensure_staff_groups()

    def client_for(self, user):
        client = Client()
        client.force_login(user)
        return LiveClient(self.live_server_url, client.session.session_key)


class LiveServerWriteTests(LiveServerTests):
    def test_workspace_saves_an_existing_claim(self):
        editor = factories.editor()
        article = factories.ArticleFactory()
        claim = factories.ClaimFactory(article=article)
        live = self.client_for(editor)
        quote = claim.quote
        status, _, body = live.request(
            "POST",
            reverse("admin:briefings_article_claim_save", args=[article.pk]),
            form={
                "body_sha256": article.body_sha256,
                "claim": claim.pk,
                "edit_version": claim.version,
                "start": claim.start,
                "end": claim.end,
                "quote": quote,
                "attribution_kind": claim.attribution_kind,
                "speaker": claim.speaker_id,
                "quote_type": claim.quote_type,
                "claim_type": claim.claim_type,
                "verdict": claim.verdict,
                "cue": "announced",
            },
        )
        self.assertEqual(status, 200, body)
        self.assertEqual(body["claim"]["cue"], "announced")
        claim.refresh_from_db()
        self.assertEqual((claim.cue, claim.version), ("announced", 2))

    def race(self, writers, if_match):
        """
        Run one thread per (client, field) writer, each PATCHing its own field of
        the actor ROUNDS times; return each writer's [(status, value, body)].
        `if_match` is "*", or None to send the ETag last read or written.
        """
        url = reverse("api:actor-detail", args=["kremlin"])
        results = {field: [] for _, field in writers}
        start = threading.Barrier(len(writers))

        def write(live, field):
            etag = None
            start.wait(timeout=TIMEOUT_SECONDS)
            for round_ in range(ROUNDS):
                if if_match is None and etag is None:
                    status, headers, _ = live.request("GET", url)
                    assert status == 200, status
                    etag = headers["ETag"]
                value = f"{field} {round_}"
                status, headers, body = live.request(
                    "PATCH", url, json_data={field: value}, headers={"If-Match": if_match or etag}
                )
                # After a refusal, read again; after a write, its ETag is the current one.
                etag = headers["ETag"] if status == 200 else None
                results[field].append((status, value, body))

        threads = [threading.Thread(target=write, args=writer) for writer in writers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=TIMEOUT_SECONDS * 4)
            self.assertFalse(thread.is_alive(), "a writer hung")
        # A writer that stopped early (an unexpected answer) made fewer attempts.
        self.assertEqual([len(writes) for writes in results.values()], [ROUNDS] * len(writers))
        return results

    def assert_no_write_lost(self, before, results):
        """
        Every 200 made its own next version after `before` (the actor as the race
        found it); replayed in version order, each response shows every field as
        the last accepted write to it left it.
        """
        accepted = sorted(
            (body["version"], field, value, body)
            for field, writes in results.items()
            for status, value, body in writes
            if status == 200
        )
        actor = Actor.objects.get(slug="kremlin")
        self.assertEqual(
            [version for version, *_ in accepted],
            list(range(before.version + 1, actor.version + 1)),
        )
        latest = {"title": before.title, "description": before.description}
        for _version, field, value, body in accepted:
            latest[field] = value
            self.assertEqual({name: body[name] for name in latest}, latest)
        self.assertEqual({"title": actor.title, "description": actor.description}, latest)
        return len(accepted)

    def test_concurrent_patches_of_different_fields_lose_no_write(self):
        factories.ActorFactory(slug="kremlin", title="Office", description="Before.")
        writers = [
            (self.client_for(factories.editor()), "title"),
            (self.client_for(factories.reviewer()), "description"),
        ]
        before = Actor.objects.get(slug="kremlin")
        # Each client sends the ETag it last saw: a write that lost the race to
        # the other client is refused (412), never applied over its change.
        results = self.race(writers, if_match=None)
        statuses = [status for writes in results.values() for status, _, _ in writes]
        self.assertLessEqual(set(statuses), {200, 412}, results)
        accepted = self.assert_no_write_lost(before, results)
        self.assertEqual(accepted, statuses.count(200))
        self.assertGreaterEqual(accepted, ROUNDS)

        # "*" asks for no version check: every write goes in, each on the row as
        # the previous one left it, changing only its own field.
        before = Actor.objects.get(slug="kremlin")
        results = self.race(writers, if_match="*")
        statuses = [status for writes in results.values() for status, _, _ in writes]
        self.assertEqual(statuses, [200] * 2 * ROUNDS, results)
        self.assertEqual(self.assert_no_write_lost(before, results), 2 * ROUNDS)
