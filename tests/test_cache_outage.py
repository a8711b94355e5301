"""
Redis unreachable: the site serves from the database, slower, and says so in
the log; limits that count in the cache let clients through, the login
lockout (kept in the database) still holds. Redis is "down" by pointing
REDIS_URL at a port nothing listens on.
"""

import shutil
import subprocess
import time
import unittest
from unittest import mock

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCacheClient
from django.core.exceptions import ImproperlyConfigured
from django.test import TestCase, override_settings
from django.urls import reverse
from redis.exceptions import ResponseError
from rest_framework.authtoken.models import Token

from briefings import cachebackend
from briefings.api.throttling import AnonThrottle
from briefings.models import Source
from tests import factories
from tests.test_setup import load_settings
from tests.test_throttling import rates
from tests.test_two_servers import free_port

UNREACHABLE = "Cache unreachable, serving without it"


def redis_at(port):
    """The site's cache as the settings make it with REDIS_URL at port."""
    environ = {"REDIS_URL": f"redis://127.0.0.1:{port}/0", "SECRET_KEY": "x"}
    return override_settings(CACHES=load_settings(**environ).CACHES)


class CacheDownTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        factories.ensure_staff_groups()
        cls.briefing = factories.published_briefing(claims=2)
        cls.editor = factories.editor(username="editor")

    def setUp(self):
        self.redis_down = redis_at(free_port())
        self.redis_down.enable()
        self.addCleanup(self.redis_down.disable)

    def test_a_timeout_under_a_second_stops_the_start(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "REDIS_TIMEOUT must be 1 or more"):
            load_settings(SECRET_KEY="x", REDIS_URL="redis://127.0.0.1/0", REDIS_TIMEOUT="0")

    def test_the_settings_use_the_resilient_backend_with_timeouts(self):
        self.assertIsInstance(caches["default"], cachebackend.ResilientRedisCache)
        options = settings.CACHES["default"]["OPTIONS"]
        self.assertEqual(options, {"socket_connect_timeout": 1, "socket_timeout": 1})

    def test_pages_and_the_api_are_served_from_the_database_and_the_log_says_so(self):
        with self.assertLogs("briefings.cachebackend", "WARNING") as logs:
            for url in (
                "/",
                self.briefing.get_absolute_url(),
                "/api/v1/briefings/",
                f"/api/v1/briefings/{self.briefing.slug}/",
            ):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200, url)
        self.assertContains(self.client.get(self.briefing.get_absolute_url()), self.briefing.title)
        self.assertIn(UNREACHABLE, logs.output[0])
        self.assertIn("Connection refused", logs.output[0])

    def test_the_warning_is_logged_once_per_pause_not_once_per_call(self):
        clock = [1000.0]
        with mock.patch.object(cachebackend.time, "monotonic", lambda: clock[0]):
            with self.assertLogs("briefings.cachebackend", "WARNING") as logs:
                for _ in range(3):
                    self.assertEqual(self.client.get("/").status_code, 200)
                self.assertEqual(len(logs.output), 1)
                clock[0] += cachebackend.RETRY_SECONDS
                self.assertEqual(self.client.get("/").status_code, 200)
        self.assertEqual(len(logs.output), 2)

    @override_settings(PAGE_THROTTLE_RATES={"page": "1/minute", "search": "1/minute"})
    def test_page_and_api_throttles_let_clients_through(self):
        with self.assertLogs("briefings.cachebackend", "WARNING"):
            for _ in range(3):
                self.assertEqual(self.client.get("/").status_code, 200)
            with rates(AnonThrottle, anon="1/minute"):
                for _ in range(3):
                    self.assertEqual(self.client.get("/api/v1/sources/").status_code, 200)
            wrong_token = {"Authorization": "Token wrong"}
            for _ in range(3):
                response = self.client.get("/api/v1/sources/", headers=wrong_token)
                self.assertEqual(response.status_code, 401)

    def test_writes_work_and_edit_presence_is_skipped(self):
        token = Token.objects.create(user=factories.reviewer())
        with self.assertLogs("briefings.cachebackend", "WARNING"):
            response = self.client.post(
                "/api/v1/sources/",
                {"slug": "release", "name": "Release", "kind": "release"},
                content_type="application/json",
                headers={"Authorization": f"Token {token.key}"},
            )
            self.assertEqual(response.status_code, 201, response.content)
            self.client.force_login(self.editor)
            url = reverse("admin:briefings_briefing_change", args=[self.briefing.pk])
            self.assertEqual(self.client.get(url).status_code, 200)
        self.assertTrue(Source.objects.filter(slug="release").exists())

    def test_the_login_lockout_still_holds(self):
        """django-axes keeps its counts in the database, not the cache."""
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = self.client.post(
                reverse("admin:login"), {"username": "editor", "password": "wrong"}
            )
        self.assertEqual(response.status_code, 429)


class CacheErrorTests(TestCase):
    def test_any_redis_error_is_a_miss(self):
        """A full or read-only Redis, or another server on its port, fails no request."""
        refusal = ResponseError("OOM command not allowed when used memory > 'maxmemory'")
        with (
            redis_at(free_port()),
            mock.patch.object(RedisCacheClient, "get", side_effect=refusal),
            self.assertLogs("briefings.cachebackend", "WARNING") as logs,
        ):
            self.assertEqual(cache.get("greeting", "default"), "default")
        self.assertIn("OOM command not allowed", logs.output[0])


@unittest.skipUnless(shutil.which("redis-server"), "starts a Redis server of its own")
class CacheReturnsTests(TestCase):
    def test_the_cache_is_used_again_once_redis_returns(self):
        port = free_port()
        clock = [1000.0]
        with (
            redis_at(port),
            mock.patch.object(cachebackend.time, "monotonic", lambda: clock[0]),
            self.assertLogs("briefings.cachebackend", "WARNING") as logs,
        ):
            cache.set("greeting", "hello")
            self.assertIsNone(cache.get("greeting"))
            server = subprocess.Popen(
                ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""],
                stdout=subprocess.DEVNULL,
            )
            self.addCleanup(server.wait, 10)
            self.addCleanup(server.terminate)
            clock[0] += cachebackend.RETRY_SECONDS
            deadline = time.monotonic() + 10
            while not cache.add("greeting", "hello") and time.monotonic() < deadline:
                clock[0] += cachebackend.RETRY_SECONDS  # not listening yet: try again
                time.sleep(0.05)
            self.assertEqual(cache.get("greeting"), "hello")
        self.assertIn(UNREACHABLE, logs.output[0])
        self.assertIn("Cache reachable again", logs.output[-1])
