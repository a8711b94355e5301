"""
Writes against a running server, outside any test transaction: row locks
(select_for_update) need a transaction of the request's own, which a
TestCase's wrapping transaction would hide, and concurrent writers need
connections of their own.
"""

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.db import connection
from django.test import Client, LiveServerTestCase
from django.test.testcases import LiveServerThread
from django.urls import reverse
from django.utils.crypto import get_random_string

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
        from django.core.servers.basehttp import WSGIServer
        from django.test.testcases import QuietWSGIRequestHandler

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


class LiveServerWriteTests(LiveServerTestCase):
    # Each test ends with the tables flushed; this brings back what the data
    # migrations made (the Editors and Reviewers groups) before the next one.
    serialized_rollback = True

    @classmethod
    def setUpClass(cls):
        if connection.vendor == "sqlite":
            cls.server_thread_class = SingleThreadedLiveServerThread
        super().setUpClass()

    def client_for(self, user):
        client = Client()
        client.force_login(user)
        return LiveClient(self.live_server_url, client.session.session_key)

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
