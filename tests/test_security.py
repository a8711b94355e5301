"""
Deployment security: `check --deploy` is silent with the documented production
settings, every response carries the Content-Security-Policy, the API docs
load nothing from other hosts, the browsable API can be turned off, and the
page cache keeps pages rendered for one host or scheme to that host or scheme.
"""

import gzip
import os
import re
import secrets
import subprocess
import sys

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from briefings.cache import page_key
from tests import factories
from tests.test_setup import ROOT, load_settings


def env_example():
    """The variables .env.example documents, with the values it gives them."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {name: value for name, value in pairs}


def check_deploy(**environ):
    """Run `manage.py check --deploy` under .env.example's production values plus `environ`."""
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME"}}
    env.update(env_example(), SECRET_KEY=secrets.token_urlsafe(50), **environ)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class DeployCheckTests(SimpleTestCase):
    def test_documented_production_settings_pass_check_deploy(self):
        result = check_deploy()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("System check identified no issues", result.stdout)

    def test_plain_http_defaults_are_what_check_deploy_warns_about(self):
        # What .env.example sets is what makes the check pass: without it, the warnings are back.
        names = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE"]
        result = check_deploy(**dict.fromkeys(names, ""))
        self.assertNotEqual(result.returncode, 0)
        for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
            self.assertIn(warning, result.stderr)


class HttpsSettingsTests(SimpleTestCase):
    def test_defaults_suit_plain_http(self):
        settings = load_settings(SECRET_KEY="x")
        self.assertFalse(settings.SECURE_SSL_REDIRECT)
        self.assertEqual(settings.SECURE_HSTS_SECONDS, 0)
        self.assertIsNone(settings.SECURE_PROXY_SSL_HEADER)

    def test_https_settings_come_from_the_environment(self):
        settings = load_settings(
            SECRET_KEY="x",
            SECURE_SSL_REDIRECT="true",
            SECURE_HSTS_SECONDS="31536000",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
            SECURE_HSTS_PRELOAD="true",
            SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
        )
        self.assertTrue(settings.SECURE_SSL_REDIRECT)
        self.assertEqual(settings.SECURE_HSTS_SECONDS, 31536000)
        self.assertTrue(settings.SECURE_HSTS_INCLUDE_SUBDOMAINS)
        self.assertTrue(settings.SECURE_HSTS_PRELOAD)
        self.assertEqual(settings.SECURE_PROXY_SSL_HEADER, ("HTTP_X_FORWARDED_PROTO", "https"))

    def test_malformed_proxy_header_is_named(self):
        for value in ("X-Forwarded-Proto", "X Forwarded: https", ": https"):
            with self.subTest(value=value):
                with self.assertRaisesMessage(ImproperlyConfigured, "SECURE_PROXY_SSL_HEADER"):
                    load_settings(SECRET_KEY="x", SECURE_PROXY_SSL_HEADER=value)

    def test_negative_hsts_is_refused(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "SECURE_HSTS_SECONDS must be 0"):
            load_settings(SECRET_KEY="x", SECURE_HSTS_SECONDS="-1")

    @override_settings(
        SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
    )
    def test_behind_a_proxy_https_requests_are_not_redirected(self):
        self.assertEqual(self.client.get("/robots.txt").status_code, 301)
        response = self.client.get("/robots.txt", headers={"X-Forwarded-Proto": "https"})
        self.assertEqual(response.status_code, 200)


class HealthCheckTests(TestCase):
    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_health_check_answers_over_plain_http(self):
        self.assertEqual(self.client.get("/healthz").status_code, 200)
        self.assertEqual(self.client.get("/").status_code, 301)


class ContentSecurityPolicyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefing = factories.published_briefing(claims=2)
        cls.reviewer = factories.reviewer()

    def policy(self, response):
        return dict(
            directive.strip().split(" ", 1)
            for directive in response["Content-Security-Policy"].split(";")
        )

    def assert_strict(self, response):
        policy = self.policy(response)
        self.assertEqual(policy["default-src"], "'self'")
        self.assertEqual(policy["frame-ancestors"], "'none'")
        self.assertNotIn("unsafe-inline", response["Content-Security-Policy"])
        self.assertNotIn("unsafe-eval", response["Content-Security-Policy"])
        return policy

    def test_every_kind_of_response_carries_the_policy(self):
        anonymous = [
            "/",
            self.briefing.get_absolute_url(),
            "/feed.atom",
            "/sitemap.xml",
            "/no-such-page/",
            "/admin/login/",
            "/api/v1/briefings/",
            reverse("api:schema"),
            reverse("api:docs"),
            reverse("api:redoc"),
            "/static/briefings/css/site.css",
        ]
        for url in anonymous:
            with self.subTest(url=url):
                self.assert_strict(self.client.get(url))
        # A page served from the cache gets the header as well.
        self.assert_strict(self.client.get(self.briefing.get_absolute_url()))
        self.client.force_login(self.reviewer)
        for url in ("/admin/", "/admin/briefings/article/", "/admin/review/"):
            with self.subTest(url=url):
                self.assert_strict(self.client.get(url))

    def test_reader_pages_need_no_nonce(self):
        # Cached pages are shared between requests, so they must not embed one.
        response = self.client.get(self.briefing.get_absolute_url())
        self.assertNotIn("nonce-", response["Content-Security-Policy"])
        self.assertNotContains(response, "nonce=")

    def test_redoc_scripts_carry_the_responses_nonce(self):
        response = self.client.get(reverse("api:redoc"))
        policy = self.assert_strict(response)
        nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
        self.assertIn(f"'nonce-{nonce}'", policy["style-src"])
        self.assertEqual(response.content.decode().count(f'nonce="{nonce}"'), 2)
        self.assertEqual(policy["worker-src"], "blob:")
        # Another request, another nonce.
        self.assertNotIn(nonce, self.client.get(reverse("api:redoc"))["Content-Security-Policy"])

    def test_swagger_ui_has_no_inline_script_or_style(self):
        page = self.client.get(reverse("api:docs")).content.decode()
        self.assertNotIn("<style", page)
        self.assertNotIn(" style=", page)
        scripts = re.findall(r"<script([^>]*)>", page)
        self.assertTrue(scripts)
        self.assertTrue(all("src=" in attributes for attributes in scripts), scripts)
        script = self.client.get(reverse("api:docs"), {"script": ""})
        self.assertEqual(script["Content-Type"], "application/javascript")
        self.assertContains(script, "SwaggerUIBundle(")


class RedocBundleTests(SimpleTestCase):
    url = reverse("api:redoc-bundle")

    def test_bundle_loads_its_logo_from_this_site(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/javascript; charset=utf-8")
        self.assertNotContains(response, "cdn.redoc.ly")
        self.assertContains(response, '"/static/api/redoc-logo.svg"', count=1)
        self.assertEqual(self.client.get("/static/api/redoc-logo.svg").status_code, 200)

    def test_bundle_is_compressed_and_revalidated(self):
        response = self.client.get(self.url, headers={"Accept-Encoding": "gzip"})
        self.assertEqual(response["Content-Encoding"], "gzip")
        self.assertIn(b"Redoc", gzip.decompress(response.content))
        again = self.client.get(self.url, headers={"If-None-Match": response["ETag"]})
        self.assertEqual(again.status_code, 304)


class BrowsableApiTests(TestCase):
    def test_browsable_api_is_on_by_default(self):
        response = self.client.get("/api/v1/briefings/", headers={"Accept": "text/html"})
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")

    def test_staff_get_every_list_with_its_forms(self):
        """The forms offer related objects by slug (a dict as a key was a 500)."""
        factories.published_briefing(claims=2)
        self.client.force_login(factories.reviewer())
        for resource in ("briefings", "claims", "articles", "actors", "sources", "events"):
            with self.subTest(resource):
                response = self.client.get(f"/api/v1/{resource}/", headers={"Accept": "text/html"})
                self.assertEqual(response.status_code, 200)

    def test_browsable_api_can_be_turned_off(self):
        # DRF reads its renderers when the views are defined: ask a fresh process.
        ask = (
            "import django; django.setup(); from django.test import Client; "
            "client = Client(HTTP_HOST='localhost'); "
            "response = client.get('/api/v1/', HTTP_ACCEPT='text/html'); "
            "print(response.status_code, response['Content-Type'])"
        )
        env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME"}}
        env.update(SECRET_KEY="x", STATIC_MANIFEST="0", DJANGO_SETTINGS_MODULE="briefings.settings")
        answers = {}
        for value in ("true", "false"):
            result = subprocess.run(
                [sys.executable, "-c", ask],
                cwd=ROOT,
                env={**env, "API_BROWSABLE": value},
                capture_output=True,
                text=True,
                timeout=120,
            )
            answers[value] = result.stdout.strip()
        self.assertEqual(
            answers, {"true": "200 text/html; charset=utf-8", "false": "406 application/json"}
        )


@override_settings(ALLOWED_HOSTS=["news.example.org", "mirror.example.org"])
class PageCacheHostTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefing = factories.published_briefing(claims=1)

    def setUp(self):
        cache.clear()

    def test_key_varies_by_host_and_scheme(self):
        factory = RequestFactory()
        keys = {
            page_key(factory.get("/", HTTP_HOST="news.example.org")),
            page_key(factory.get("/", HTTP_HOST="mirror.example.org")),
            page_key(factory.get("/", HTTP_HOST="news.example.org", secure=True)),
        }
        self.assertEqual(len(keys), 3)
        self.assertIn(page_key(factory.get("/", HTTP_HOST="news.example.org")), keys)

    def test_canonical_link_names_the_host_that_asked(self):
        url = self.briefing.get_absolute_url()
        self.client.get(url, headers={"host": "news.example.org"})
        response = self.client.get(url, headers={"host": "mirror.example.org"}, secure=True)
        self.assertContains(
            response, f'<link rel="canonical" href="https://mirror.example.org{url}">'
        )
        self.assertNotContains(response, "news.example.org")
