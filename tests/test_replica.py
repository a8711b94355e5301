"""
The optional read replica: anonymous readers' queries go to it, every write
and every signed-in or token-carrying request to the primary.

The replica is a second database alias configured as a test mirror of the
primary (as DATABASE_REPLICA_URL configures it), so both hold the same rows
and the test tells them apart by which connection ran the queries.
"""

import copy

from django.conf import settings
from django.db import connections
from django.test import RequestFactory, SimpleTestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from briefings.models import Briefing
from briefings.routing import REPLICA_DB_ALIAS, is_anonymous_read
from tests import factories
from tests.test_setup import load_settings


class ReplicaSettingsTests(SimpleTestCase):
    def test_replica_url_adds_a_mirrored_alias_a_router_and_the_middleware(self):
        settings = load_settings(
            SECRET_KEY="x",
            DATABASE_URL="postgres://app@primary:5432/briefings",
            DATABASE_REPLICA_URL="postgres://app@replica:5432/briefings",
        )
        self.assertEqual(settings.DATABASES["default"]["HOST"], "primary")
        self.assertEqual(settings.DATABASES["replica"]["HOST"], "replica")
        self.assertEqual(settings.DATABASES["replica"]["TEST"], {"MIRROR": "default"})
        self.assertEqual(settings.DATABASE_ROUTERS, ["briefings.routing.ReplicaRouter"])
        self.assertEqual(settings.MIDDLEWARE[0], "briefings.routing.ReplicaMiddleware")

    def test_without_a_replica_there_is_one_database_and_no_router(self):
        settings = load_settings(SECRET_KEY="x")
        self.assertEqual(list(settings.DATABASES), ["default"])
        self.assertFalse(hasattr(settings, "DATABASE_ROUTERS"))
        self.assertNotIn("briefings.routing.ReplicaMiddleware", settings.MIDDLEWARE)


class ReplicaRoutingTests(TransactionTestCase):
    databases = {"default", REPLICA_DB_ALIAS}

    @classmethod
    def setUpClass(cls):
        replica = copy.deepcopy(connections["default"].settings_dict)
        replica["TEST"]["MIRROR"] = "default"
        connections.settings[REPLICA_DB_ALIAS] = replica
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        connections[REPLICA_DB_ALIAS].close()
        del connections[REPLICA_DB_ALIAS]
        del connections.settings[REPLICA_DB_ALIAS]

    def setUp(self):
        factories.ensure_staff_groups()
        self.briefing = factories.published_briefing(claims=2)
        routed = override_settings(
            DATABASE_ROUTERS=["briefings.routing.ReplicaRouter"],
            MIDDLEWARE=["briefings.routing.ReplicaMiddleware", *settings.MIDDLEWARE],
        )
        routed.enable()
        self.addCleanup(routed.disable)

    def get(self, url, **kwargs):
        """Return the response and the number of queries each database ran for it."""
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as replica,
        ):
            response = self.client.get(url, **kwargs)
        return response, len(primary), len(replica)

    def test_anonymous_reader_pages_and_api_read_the_replica_only(self):
        for url in (
            self.briefing.get_absolute_url(),
            reverse("api:briefing-detail", args=[self.briefing.slug]),
        ):
            with self.subTest(url=url):
                response, primary, replica = self.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(primary, 0)
                self.assertGreater(replica, 0)

    def test_a_signed_in_editor_reads_the_primary(self):
        self.client.force_login(factories.editor())
        url = self.briefing.get_absolute_url()
        response, primary, replica = self.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertGreater(primary, 0)
        self.assertEqual(replica, 0)

    def test_an_api_token_request_reads_the_primary(self):
        url = reverse("api:briefing-detail", args=[self.briefing.slug])
        token = Token.objects.create(user=factories.editor()).key
        response, primary, replica = self.get(url, headers={"Authorization": f"Token {token}"})
        self.assertEqual(response.status_code, 200)
        self.assertGreater(primary, 0)
        self.assertEqual(replica, 0)

    def test_writes_go_to_the_primary_even_in_a_readers_request(self):
        with CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as replica:
            self.client.get(self.briefing.get_absolute_url())
            # The page cache and history write nothing here; a direct write is routed.
            Briefing.objects.filter(pk=self.briefing.pk).update(title="Renamed")
        self.assertFalse(any("UPDATE" in query["sql"] for query in replica.captured_queries))

    def test_outside_a_request_everything_uses_the_primary(self):
        with CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as replica:
            self.assertTrue(Briefing.objects.filter(pk=self.briefing.pk).exists())
        self.assertEqual(len(replica), 0)


class AnonymousReadTests(SimpleTestCase):
    """Only an anonymous GET/HEAD/OPTIONS outside the admin may read the replica."""

    factory = RequestFactory()

    def test_anonymous_safe_requests_may(self):
        for method in ("get", "head", "options"):
            with self.subTest(method=method):
                self.assertTrue(is_anonymous_read(getattr(self.factory, method)("/briefings/x/")))

    def test_writes_sessions_tokens_and_the_admin_may_not(self):
        cases = {
            "post": self.factory.post("/api/v1/claims/"),
            "patch": self.factory.patch("/api/v1/claims/1/"),
            "delete": self.factory.delete("/api/v1/claims/1/"),
            "session": self.factory.get(
                "/", headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}=abc"}
            ),
            "token": self.factory.get("/api/v1/claims/", headers={"Authorization": "Token abc"}),
            "admin": self.factory.get("/admin/"),
        }
        for name, request in cases.items():
            with self.subTest(name):
                self.assertFalse(is_anonymous_read(request))
