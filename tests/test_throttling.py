"""
Rate limits on the API and the reader pages, and the one client identity
they count by: a forged X-Forwarded-For header is never a new client.
"""

from datetime import UTC, datetime
from unittest import mock

import time_machine
from django.conf import settings
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from briefings.api.throttling import AnonThrottle, WriteThrottle
from briefings.throttling import client_ip
from tests import factories
from tests.test_setup import load_settings

READER = "198.51.100.7"
PROXY = "10.0.0.2"


def at(second):
    """A moment `second` seconds into a minute, so a window's end is known."""
    return datetime(2026, 1, 1, 12, 0, second, tzinfo=UTC)


def rates(throttle, **scopes):
    """Patch a DRF throttle's rates (DRF reads them once, at import)."""
    return mock.patch.object(throttle, "THROTTLE_RATES", {**throttle.THROTTLE_RATES, **scopes})


class ClientIpTests(SimpleTestCase):
    def ip(self, **meta):
        return client_ip(RequestFactory().get("/", **meta))

    def test_without_proxies_the_forwarded_header_is_ignored(self):
        self.assertEqual(self.ip(REMOTE_ADDR=READER, HTTP_X_FORWARDED_FOR="203.0.113.1"), READER)

    @override_settings(NUM_PROXIES=1)
    def test_one_proxy_trusts_only_the_last_entry(self):
        meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"203.0.113.1, 6.6.6.6, {READER}"}
        self.assertEqual(self.ip(**meta), READER)
        # A request that did not come through the proxy is its own sender.
        self.assertEqual(self.ip(REMOTE_ADDR=READER), READER)

    @override_settings(NUM_PROXIES=2)
    def test_two_proxies_trust_the_last_two_entries(self):
        meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"203.0.113.1, {READER}, 10.0.0.1"}
        self.assertEqual(self.ip(**meta), READER)

    @override_settings(NUM_PROXIES=1)
    def test_a_malformed_entry_counts_as_the_proxy(self):
        self.assertEqual(self.ip(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not-an-address"), PROXY)

    def test_an_ipv6_client_is_its_64_network(self):
        one = self.ip(REMOTE_ADDR="2001:db8:1:2:aaaa::1")
        other = self.ip(REMOTE_ADDR="2001:db8:1:2:bbbb::9")
        self.assertEqual(one, "2001:db8:1:2::")
        self.assertEqual(one, other)
        self.assertNotEqual(one, self.ip(REMOTE_ADDR="2001:db8:1:3::1"))
        self.assertEqual(self.ip(REMOTE_ADDR="::ffff:198.51.100.7"), READER)


class RateSettingsTests(SimpleTestCase):
    def test_rates_are_read_from_the_environment(self):
        settings = load_settings(
            SECRET_KEY="x", PAGE_RATE="20/second", API_WRITE_RATE="off", NUM_PROXIES="1"
        )
        self.assertEqual(settings.PAGE_THROTTLE_RATES["page"], "20/second")
        self.assertIsNone(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["write"])
        self.assertEqual(settings.NUM_PROXIES, 1)
        self.assertEqual(settings.REST_FRAMEWORK["NUM_PROXIES"], 1)

    def test_malformed_values_stop_the_start(self):
        for name, value, message in [
            ("SEARCH_RATE", "60/moon", "SEARCH_RATE must be a rate such as 300/minute"),
            ("API_ANON_RATE", "0/minute", "API_ANON_RATE must be a rate"),
            ("NUM_PROXIES", "-1", "NUM_PROXIES must be 0 or more"),
            ("LOGIN_FAILURE_LIMIT", "0", "LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES"),
        ]:
            with self.subTest(name), self.assertRaisesMessage(Exception, message):
                load_settings(SECRET_KEY="x", **{name: value})


class ApiThrottleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        factories.ensure_staff_groups()
        cls.editor = factories.editor()
        cls.token = Token.objects.create(user=cls.editor)

    def get(self, **meta):
        return self.client.get("/api/v1/sources/", **meta)

    def test_rotating_forwarded_for_is_still_throttled_without_proxies(self):
        with rates(AnonThrottle, anon="5/minute"):
            statuses = [
                self.get(REMOTE_ADDR=READER, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
                for n in range(6)
            ]
            self.assertEqual(statuses, [200] * 5 + [429])
            self.assertEqual(self.get(REMOTE_ADDR="198.51.100.8").status_code, 200)

    @override_settings(NUM_PROXIES=1)
    def test_behind_a_proxy_the_last_hop_counts_and_forged_entries_do_not_escape(self):
        with rates(AnonThrottle, anon="5/minute"):
            for n in range(5):
                forged = f"203.0.113.{n}, {READER}"
                response = self.get(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forged)
                self.assertEqual(response.status_code, 200)
            response = self.get(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {READER}")
            self.assertEqual(response.status_code, 429)
            self.assertIn("Retry-After", response)
            self.assertIn("throttled", response.json()["detail"])
            # Another reader behind the same proxy has a count of its own.
            other = self.get(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8")
            self.assertEqual(other.status_code, 200)

    def create_source(self, n):
        return self.client.post(
            "/api/v1/sources/",
            {"slug": f"release-{n}", "name": f"Release {n}", "kind": "release"},
            content_type="application/json",
            headers={"Authorization": f"Token {self.token.key}"},
        )

    def test_writers_have_a_rate_and_reads_do_not_count_against_it(self):
        with rates(WriteThrottle, write="2/minute"):
            self.assertEqual(self.create_source(1).status_code, 201)
            self.assertEqual(self.create_source(2).status_code, 201)
            refused = self.create_source(3)
            self.assertEqual(refused.status_code, 429)
            self.assertIn("Retry-After", refused)
            read = self.client.get(
                "/api/v1/sources/", headers={"Authorization": f"Token {self.token.key}"}
            )
            self.assertEqual(read.status_code, 200)

    @override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": None, "write": None, "token_failure": "3/minute"},
        }
    )
    def test_failed_tokens_are_throttled_per_client(self):
        def with_key(key, address=READER):
            return self.get(REMOTE_ADDR=address, headers={"Authorization": f"Token {key}"})

        with time_machine.travel(at(5), tick=False) as clock:
            for n in range(3):
                self.assertEqual(with_key(f"guess{n}").status_code, 401)
            # Over the limit even the right key waits: guessing gains nothing.
            refused = with_key(self.token.key)
            self.assertEqual(refused.status_code, 429)
            self.assertEqual(refused["Retry-After"], "55")
            self.assertEqual(with_key(self.token.key, address="198.51.100.8").status_code, 200)
            clock.shift(60)
            self.assertEqual(with_key(self.token.key).status_code, 200)


@override_settings(PAGE_THROTTLE_RATES={"page": "3/minute", "search": "2/minute"})
class PageThrottleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = factories.UserFactory()

    def home(self, **meta):
        return self.client.get(reverse("briefings:home"), **meta)

    def test_a_client_over_the_page_rate_gets_a_readable_429(self):
        with time_machine.travel(at(20), tick=False):
            for _ in range(3):
                self.assertEqual(self.home(REMOTE_ADDR=READER).status_code, 200)
            # Refused before any view runs: no query, one cache increment.
            with self.assertNumQueries(0):
                response = self.home(REMOTE_ADDR=READER)
        self.assertContains(response, "Too many requests", status_code=429)
        self.assertContains(response, "wait 40 seconds", status_code=429)
        self.assertEqual(response["Retry-After"], "40")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(self.home(REMOTE_ADDR="198.51.100.8").status_code, 200)

    def test_the_count_starts_again_with_the_next_window(self):
        with time_machine.travel(at(0), tick=False) as clock:
            for _ in range(3):
                self.home(REMOTE_ADDR=READER)
            self.assertEqual(self.home(REMOTE_ADDR=READER).status_code, 429)
            clock.shift(60)
            self.assertEqual(self.home(REMOTE_ADDR=READER).status_code, 200)

    def test_rotating_forwarded_for_is_still_throttled_without_proxies(self):
        statuses = [
            self.home(REMOTE_ADDR=READER, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
            for n in range(4)
        ]
        self.assertEqual(statuses, [200, 200, 200, 429])

    def test_search_has_its_own_stricter_rate(self):
        search = reverse("briefings:search")
        # The clock stands still: three searches must not straddle a window's edge.
        with time_machine.travel(at(0), tick=False):
            statuses = [
                self.client.get(search, {"q": f"summit {n}"}, REMOTE_ADDR=READER).status_code
                for n in range(3)
            ]
            self.assertEqual(statuses, [200, 200, 429])
            # Search did not use up the page count.
            self.assertEqual(self.home(REMOTE_ADDR=READER).status_code, 200)

    def test_staff_are_never_refused(self):
        self.client.force_login(self.staff)
        statuses = {self.home(REMOTE_ADDR=READER).status_code for _ in range(5)}
        self.assertEqual(statuses, {200})

    def test_api_and_admin_are_left_to_their_own_limits(self):
        for _ in range(5):
            self.assertEqual(self.client.get("/api/v1/sources/").status_code, 200)
            self.assertEqual(self.client.get(reverse("admin:login")).status_code, 200)
        self.assertEqual(self.home().status_code, 200)

    @override_settings(PAGE_THROTTLE_RATES={"page": None, "search": None})
    def test_rates_set_off_do_not_throttle(self):
        statuses = {self.home(REMOTE_ADDR=READER).status_code for _ in range(5)}
        self.assertEqual(statuses, {200})
