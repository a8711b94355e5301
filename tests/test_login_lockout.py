"""
The admin login under attack: django-axes locks a user name, or a client,
out after LOGIN_FAILURE_LIMIT wrong passwords for LOGIN_COOLOFF_MINUTES,
and counts clients behind a proxy only as NUM_PROXIES allows.
"""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from briefings import settings as project_settings
from tests import factories

PASSWORD = "correct horse battery staple"
LIMIT = settings.AXES_FAILURE_LIMIT
ATTACKER = "198.51.100.7"
NEIGHBOUR = "198.51.100.8"


class LoginLockoutTests(TestCase):
    def setUp(self):
        # Made per test, under the suite's fast hasher (setUpTestData runs before it).
        self.editor = factories.editor(username="editor")

    def log_in(self, username, password, **meta):
        """POST the admin login form; return the response."""
        self.client.logout()
        return self.client.post(
            reverse("admin:login"), {"username": username, "password": password}, **meta
        )

    def fail_logins(self, times, *, usernames=None, **meta):
        """Send `times` wrong passwords; the one that reaches the limit gets the lockout page."""
        for n in range(times):
            username = usernames[n] if usernames else "editor"
            response = self.log_in(username, "wrong password", **meta)
            self.assertEqual(response.status_code, 200 if n + 1 < LIMIT else 429)

    def assertLoggedIn(self, response):
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.session[SESSION_KEY], str(self.editor.pk))

    def assertLockedOut(self, response):
        self.assertEqual(response.status_code, 429)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_the_right_password_logs_in_below_the_limit(self):
        self.fail_logins(LIMIT - 1, REMOTE_ADDR=ATTACKER)
        self.assertLoggedIn(self.log_in("editor", PASSWORD, REMOTE_ADDR=ATTACKER))

    def test_wrong_passwords_lock_the_user_name_even_with_the_right_password(self):
        self.fail_logins(LIMIT, REMOTE_ADDR=ATTACKER)
        self.assertLockedOut(self.log_in("editor", PASSWORD, REMOTE_ADDR=ATTACKER))
        # The name is locked wherever the next try comes from.
        self.assertLockedOut(self.log_in("editor", PASSWORD, REMOTE_ADDR=NEIGHBOUR))

    def test_failures_from_one_client_lock_it_out_for_every_user_name(self):
        self.fail_logins(LIMIT, usernames=[f"guess{n}" for n in range(LIMIT)], REMOTE_ADDR=ATTACKER)
        self.assertLockedOut(self.log_in("editor", PASSWORD, REMOTE_ADDR=ATTACKER))
        # Another client may still log in as that user.
        self.assertLoggedIn(self.log_in("editor", PASSWORD, REMOTE_ADDR=NEIGHBOUR))

    def test_lockout_page_says_when_to_try_again(self):
        self.fail_logins(LIMIT, REMOTE_ADDR=ATTACKER)
        response = self.log_in("editor", PASSWORD, REMOTE_ADDR=ATTACKER)
        minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
        self.assertContains(response, f"Try again in {minutes} minutes", status_code=429)
        self.assertContains(response, f"locked after {LIMIT} failed attempts", status_code=429)
        self.assertEqual(response["Retry-After"], str(minutes * 60))
        self.assertTemplateUsed(response, "admin/lockout.html")

    def test_lock_lasts_the_cool_off_from_the_last_try(self):
        cool_off = settings.AXES_COOLOFF_TIME
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            self.fail_logins(LIMIT, REMOTE_ADDR=ATTACKER)
            clock.shift(cool_off - timedelta(minutes=1))
            self.assertLockedOut(self.log_in("editor", PASSWORD, REMOTE_ADDR=ATTACKER))
            # That try started the wait again.
            clock.shift(cool_off - timedelta(seconds=1))
            self.assertLockedOut(self.log_in("editor", PASSWORD, REMOTE_ADDR=ATTACKER))
            clock.shift(cool_off + timedelta(seconds=1))
            self.assertLoggedIn(self.log_in("editor", PASSWORD, REMOTE_ADDR=ATTACKER))

    def test_forwarded_for_is_ignored_without_proxies(self):
        for n in range(LIMIT):
            self.log_in(f"guess{n}", "wrong password", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        self.assertLockedOut(self.log_in("editor", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.200"))

    @override_settings(NUM_PROXIES=1)
    def test_behind_a_proxy_each_client_is_counted_by_the_address_it_saw(self):
        proxy = {"REMOTE_ADDR": "10.0.0.2"}
        for n in range(LIMIT):
            # Entries before the proxy's own are the client's to forge.
            forged = f"203.0.113.{n}, {ATTACKER}"
            self.log_in(f"guess{n}", "wrong password", HTTP_X_FORWARDED_FOR=forged, **proxy)
        self.assertLockedOut(
            self.log_in(
                "editor", PASSWORD, HTTP_X_FORWARDED_FOR=f"203.0.113.9, {ATTACKER}", **proxy
            )
        )
        # Another reader of the same proxy is not locked out with the attacker.
        self.assertLoggedIn(
            self.log_in("editor", PASSWORD, HTTP_X_FORWARDED_FOR=NEIGHBOUR, **proxy)
        )


class PasswordHashingTests(TestCase):
    # The suite hashes with MD5 for speed (tests/conftest.py); these use the site's own.
    @override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS)
    def test_new_password_is_stored_with_argon2(self):
        user = factories.UserFactory()
        user.set_password("a long new passphrase")
        self.assertTrue(user.password.startswith("argon2$"), user.password)
        self.assertTrue(user.check_password("a long new passphrase"))

    @override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS)
    def test_older_hash_is_upgraded_to_argon2_at_login(self):
        user = factories.UserFactory(username="veteran")
        get_user_model().objects.filter(pk=user.pk).update(
            password=make_password(PASSWORD, hasher="pbkdf2_sha256")
        )
        response = self.client.post(
            reverse("admin:login"), {"username": "veteran", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        user.refresh_from_db()
        self.assertTrue(user.password.startswith("argon2$"), user.password)

    def test_weak_passwords_are_refused(self):
        user = factories.UserFactory(username="newsdesk")
        for weak, message in [
            ("short1", "too short"),
            ("password123", "too common"),
            ("8675309218", "entirely numeric"),
            ("newsdesk-2024", "too similar to the username"),
        ]:
            with self.subTest(weak), self.assertRaisesMessage(ValidationError, message):
                validate_password(weak, user)
