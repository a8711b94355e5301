import os
from io import StringIO
from unittest import mock

from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import TestCase

from briefings import settings as settings_module


class HealthTests(TestCase):
    def test_healthz_reports_the_database(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})

    def test_healthz_fails_when_the_database_fails(self):
        with mock.patch.object(connection, "cursor", side_effect=Exception("down")):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["status"], "unavailable")


class SettingsHelperTests(TestCase):
    def test_malformed_boolean_fails_loudly(self):
        with mock.patch.dict(os.environ, {"DEBUG": "maybe"}):
            with self.assertRaisesMessage(ImproperlyConfigured, "DEBUG must be a boolean"):
                settings_module.env_bool("DEBUG")

    def test_malformed_integer_fails_loudly(self):
        with mock.patch.dict(os.environ, {"CONN_MAX_AGE": "ten"}):
            with self.assertRaisesMessage(ImproperlyConfigured, "CONN_MAX_AGE must be an integer"):
                settings_module.env_int("CONN_MAX_AGE", 600)

    def test_lists_are_comma_separated(self):
        with mock.patch.dict(os.environ, {"ALLOWED_HOSTS": "a.org, b.org,,"}):
            self.assertEqual(settings_module.env_list("ALLOWED_HOSTS", []), ["a.org", "b.org"])


class DemoAccountTests(TestCase):
    def test_demo_accounts_exist_in_their_groups_and_rerun_is_safe(self):
        out = StringIO()
        with mock.patch.dict(os.environ, {"DEMO_PASSWORD": "s3cret-demo"}):
            call_command("ensure_demo_accounts", stdout=out)
            call_command("ensure_demo_accounts", stdout=out)
        self.assertIn("user name 'editor', password 's3cret-demo'", out.getvalue())
        editor = User.objects.get(username="editor")
        self.assertTrue(editor.check_password("s3cret-demo"))
        self.assertTrue(editor.is_staff)
        self.assertEqual(list(editor.groups.values_list("name", flat=True)), ["Editors"])
        self.assertTrue(
            User.objects.get(username="reviewer").has_perm("briefings.publish_briefing")
        )
        self.assertFalse(editor.has_perm("briefings.publish_briefing"))
