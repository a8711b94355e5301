"""
The database unreachable: pages answer 503 with the site's page and
Retry-After, the API 503 in JSON, /healthz 503, none of them showing a
traceback or where the database is; and the site recovers by itself.

DatabaseDownTests stand the outage in by making every new query fail as a
refused connection does (both databases); LiveDatabaseDownTests cut a real
server's real connections (PostgreSQL).
"""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request
from unittest import mock

from django.conf import settings
from django.db import OperationalError, connection
from django.test import TestCase, TransactionTestCase, override_settings

from briefings import outage
from briefings.api.views import BriefingViewSet
from briefings.views import HomeView
from tests import factories
from tests.test_two_servers import ROOT, free_port, wait_until_up

# What psycopg says when the server is gone; the host and port must not reach a client.
REFUSED = (
    'connection failed: connection to server at "10.20.30.40", port 6543 failed: Connection refused'
)
DISCLOSURES = ("10.20.30.40", "6543", "Connection refused", "Traceback", "OperationalError")


@contextlib.contextmanager
def database_down():
    """Make every query fail as it does when the database refuses connections."""
    with mock.patch.object(connection, "ensure_connection", side_effect=OperationalError(REFUSED)):
        yield


class DatabaseDownTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefing = factories.published_briefing(claims=2)
        cls.page = cls.briefing.get_absolute_url()
        cls.api = f"/api/v1/briefings/{cls.briefing.slug}/"

    def assertDisclosesNothing(self, response):
        for secret in DISCLOSURES:
            self.assertNotIn(secret, response.content.decode())

    def test_a_page_answers_503_with_the_sites_page(self):
        with database_down(), self.assertLogs("briefings.outage", "ERROR") as logs:
            response = self.client.get(self.page)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], str(outage.RETRY_AFTER))
        self.assertIn("no-store", response["Cache-Control"])
        self.assertTemplateUsed(response, "503.html")
        self.assertContains(response, "briefly unavailable", status_code=503)
        self.assertContains(response, 'class="site-nav"', status_code=503)
        self.assertDisclosesNothing(response)
        # Operators find the error, with its traceback, in the log.
        self.assertIn(REFUSED, logs.output[0])

    def test_the_api_answers_503_in_json(self):
        with database_down(), self.assertLogs("briefings.outage", "ERROR"):
            response = self.client.get(self.api)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response["Retry-After"], str(outage.RETRY_AFTER))
        self.assertEqual(list(response.json()), ["detail"])
        self.assertDisclosesNothing(response)

    def test_the_admin_answers_503(self):
        self.client.force_login(factories.editor())
        with database_down(), self.assertLogs("briefings.outage", "ERROR"):
            response = self.client.get("/admin/briefings/briefing/")
        self.assertEqual(response.status_code, 503)
        self.assertDisclosesNothing(response)

    def test_a_failure_in_a_middleware_answers_503(self):
        """Over the page limit, the throttle looks up the signed-in user, outside the view."""
        self.client.force_login(factories.editor())
        self.client.raise_request_exception = False
        with override_settings(PAGE_THROTTLE_RATES={"page": "1/minute", "search": None}):
            self.client.get("/")
            with database_down(), self.assertLogs("django.request", "ERROR"):
                response = self.client.get("/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], str(outage.RETRY_AFTER))
        self.assertTemplateUsed(response, "503.html")
        self.assertDisclosesNothing(response)

    def test_healthz_answers_503_without_saying_where_the_database_is(self):
        with database_down(), self.assertLogs("briefings.views", "ERROR") as logs:
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "unavailable", "database": "unavailable"})
        self.assertEqual(response["Retry-After"], str(outage.RETRY_AFTER))
        self.assertDisclosesNothing(response)
        self.assertIn(REFUSED, logs.output[0])

    def test_a_page_cached_before_the_outage_is_still_served(self):
        self.assertEqual(self.client.get(self.page).status_code, 200)
        with database_down():
            response = self.client.get(self.page)
        self.assertContains(response, self.briefing.title)

    def test_the_site_recovers_when_the_database_returns(self):
        with database_down(), self.assertLogs("briefings", "ERROR"):
            for url in (self.page, self.api, "/healthz"):
                self.assertEqual(self.client.get(url).status_code, 503)
        for url in (self.page, self.api, "/healthz"):
            self.assertEqual(self.client.get(url).status_code, 200)

    def test_other_errors_still_answer_500(self):
        self.client.raise_request_exception = False
        with mock.patch.object(HomeView, "get_queryset", side_effect=RuntimeError("bug")):
            with self.assertLogs("django.request", "ERROR"):
                response = self.client.get("/")
        self.assertEqual(response.status_code, 500)
        self.assertContains(response, "Something went wrong on our side", status_code=500)
        self.assertNotIn("Retry-After", response)
        with mock.patch.object(BriefingViewSet, "get_queryset", side_effect=RuntimeError("bug")):
            with self.assertLogs("django.request", "ERROR"):
                response = self.client.get(self.api)
        self.assertEqual(response.status_code, 500)
        self.assertEqual(response.json(), {"detail": "Server error."})


class DatabaseProxy:
    """
    A TCP relay from a local port to the database server: stop() is the
    database going away (connections cut, new ones refused), start() it
    coming back on the same address.
    """

    def __init__(self, host, port):
        self.target = (host, port)
        self.port = free_port()
        self.sockets = []
        self.running = threading.Event()

    def start(self):
        listener = socket.create_server(("127.0.0.1", self.port))
        listener.settimeout(0.1)
        self.running.set()
        threading.Thread(target=self.accept, args=[listener], daemon=True).start()

    def accept(self, listener):
        with listener:
            while self.running.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                server = socket.create_connection(self.target)
                self.sockets += [client, server]
                for source, sink in ((client, server), (server, client)):
                    threading.Thread(target=self.relay, args=[source, sink], daemon=True).start()

    @staticmethod
    def relay(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)  # pass the end of the stream on

    def stop(self):
        self.running.clear()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets = []
        time.sleep(0.3)  # the listener's next timeout closes it


def fetch(url):
    """Return (status, headers, body) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read().decode()


@unittest.skipUnless(
    connection.vendor == "postgresql", "cuts a gunicorn server's connections to PostgreSQL"
)
class LiveDatabaseDownTests(TransactionTestCase):
    def test_a_server_answers_503_while_the_database_is_gone_and_recovers(self):
        briefing = factories.published_briefing(claims=2)
        database = connection.settings_dict
        proxy = DatabaseProxy(database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
        proxy.start()
        self.addCleanup(proxy.stop)
        port = free_port()
        through_proxy = f"postgres://{database['USER']}@127.0.0.1:{proxy.port}/{database['NAME']}"
        environ = {
            **os.environ,
            "DATABASE_URL": through_proxy,
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
            "STATIC_MANIFEST": "0",
            "PAGE_RATE": "off",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
        }
        environ.pop("REDIS_URL", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:briefings.gunicorn", "briefings.wsgi"],
            cwd=ROOT,
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.addCleanup(server.wait, 10)
        self.addCleanup(server.terminate)
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, server)  # the worker now holds a connection through the proxy

        proxy.stop()
        for path in (briefing.get_absolute_url(), "/api/v1/briefings/", "/healthz"):
            status, headers, body = fetch(base + path)
            self.assertEqual(status, 503, path)
            self.assertEqual(headers["Retry-After"], str(outage.RETRY_AFTER))
            for secret in (str(proxy.port), "refused", "Traceback"):
                self.assertNotIn(secret, body)
        self.assertIn("briefly unavailable", fetch(base + briefing.get_absolute_url())[2])

        proxy.start()
        status, _, body = fetch(base + briefing.get_absolute_url())
        self.assertEqual(status, 200)
        self.assertIn(briefing.title, body)
        self.assertEqual(fetch(base + "/api/v1/briefings/")[0], 200)
        self.assertEqual(fetch(base + "/healthz")[0], 200)
