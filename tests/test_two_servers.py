"""
Stateless app servers: two gunicorn servers on different ports sharing one PostgreSQL
and one Redis behave as one site. What one server does (a publish, a
throttled client's requests) the other sees at its next request, because
sessions live in the database and the page cache, edit presence and throttle
counts in Redis, not in a process.
"""

import os
import subprocess
import sys
import time
import unittest
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client, TransactionTestCase
from django.urls import reverse

from briefings.loadtest import free_port
from briefings.models import BriefingStatus
from tests import factories
from tests.test_live_server import LiveClient

ROOT = Path(__file__).resolve().parent.parent
ANON_RATE = 5


def wait_until_up(base_url, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {base_url} did not answer in {timeout} s")


@unittest.skipUnless(
    connection.vendor == "postgresql" and settings.REDIS_URL,
    "two app servers share state through PostgreSQL and Redis (set DATABASE_URL and REDIS_URL)",
)
class TwoServersTests(TransactionTestCase):
    def setUp(self):
        factories.ensure_staff_groups()
        database = connection.settings_dict
        url = (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
        environ = {
            **os.environ,
            "DATABASE_URL": url,
            "REDIS_URL": settings.REDIS_URL,
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
            "STATIC_MANIFEST": "0",
            "API_ANON_RATE": f"{ANON_RATE}/minute",
        }
        self.servers = [self.start_server(environ) for _ in range(2)]

    def start_server(self, environ):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:briefings.gunicorn", "briefings.wsgi"],
            cwd=ROOT,
            env={**environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.addCleanup(process.wait, 10)
        self.addCleanup(process.terminate)
        base_url = f"http://127.0.0.1:{port}"
        wait_until_up(base_url, process)
        return base_url

    def session(self, base_url, user):
        client = Client()
        client.force_login(user)
        return LiveClient(base_url, client.session.session_key)

    def test_a_publish_through_one_server_shows_on_the_others_next_request(self):
        one, other = self.servers
        draft = factories.published_briefing(
            claims=1, status=BriefingStatus.IN_REVIEW, published_at=None
        )
        reader = LiveClient(other, "none")
        status, _, home = reader.page("GET", "/", signed_in=False)
        self.assertEqual(status, 200)
        self.assertNotIn(draft.title, home)  # now cached by the other server
        status, _, _ = reader.page("GET", draft.get_absolute_url(), signed_in=False)
        self.assertEqual(status, 404)

        reviewer = self.session(one, factories.reviewer())
        url = reverse("api:briefing-detail", args=[draft.slug])
        status, headers, body = reviewer.request("GET", url)
        self.assertEqual(status, 200, body)
        status, _, body = reviewer.request(
            "PATCH", url, json_data={"status": "published"}, headers={"If-Match": headers["ETag"]}
        )
        self.assertEqual(status, 200, body)

        status, _, home = reader.page("GET", "/", signed_in=False)
        self.assertIn(draft.title, home)
        status, _, _ = reader.page("GET", draft.get_absolute_url(), signed_in=False)
        self.assertEqual(status, 200)

    def test_a_throttled_client_is_throttled_on_both_servers(self):
        one, other = self.servers
        url = reverse("api:briefing-list")
        for _ in range(ANON_RATE):
            status, _, body = LiveClient(one, "none").page("GET", url, signed_in=False)
            self.assertEqual(status, 200, body)
        status, headers, _ = LiveClient(other, "none").page("GET", url, signed_in=False)
        self.assertEqual(status, 429)
        self.assertIn("Retry-After", headers)
