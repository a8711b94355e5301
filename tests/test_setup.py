"""
Set-up as a new developer meets it: `make test` on a machine without Chromium,
and commands run by hand in a checkout after `make run`.
"""

import importlib.util
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**environ):
    """A fresh copy of the settings module read under exactly `environ`."""
    base = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME"}}
    spec = importlib.util.spec_from_file_location("_settings_copy", ROOT / "briefings/settings.py")
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, {**base, **environ}, clear=True):
        spec.loader.exec_module(module)
    return module


class SecretKeyTests(SimpleTestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder)
        self.key_file = self.folder / "secret-key"

    def test_environment_key_wins(self):
        self.key_file.write_text("from-file\n")
        settings = load_settings(SECRET_KEY="from-env", SECRET_KEY_FILE=str(self.key_file))
        self.assertEqual(settings.SECRET_KEY, "from-env")

    def test_key_file_is_read_when_no_key_is_set(self):
        # What `make run` leaves behind lets `manage.py createsuperuser` start.
        self.key_file.write_text("from-file\n")
        settings = load_settings(SECRET_KEY_FILE=str(self.key_file))
        self.assertEqual(settings.SECRET_KEY, "from-file")
        self.assertFalse(settings.DEBUG)

    def test_production_without_key_or_file_refuses_to_start(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "SECRET_KEY is required"):
            load_settings(SECRET_KEY_FILE=str(self.folder / "missing"))

    def test_empty_key_file_is_no_key(self):
        self.key_file.write_text("\n")
        with self.assertRaisesMessage(ImproperlyConfigured, "SECRET_KEY is required"):
            load_settings(SECRET_KEY_FILE=str(self.key_file))

    def test_debug_without_key_uses_the_development_key(self):
        settings = load_settings(DEBUG="true", SECRET_KEY_FILE=str(self.folder / "missing"))
        self.assertIn("insecure", settings.SECRET_KEY)

    def test_manage_py_runs_with_the_key_file_alone(self):
        self.key_file.write_text("from-file\n")
        environ = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
        environ.update(SECRET_KEY_FILE=str(self.key_file), DEBUG="false")
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "--no-imports",
                "-c",
                "from django.conf import settings; print(settings.SECRET_KEY)",
            ],
            cwd=ROOT,
            env=environ,
            capture_output=True,
            text=True,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "from-file")


class ChromiumTargetTests(SimpleTestCase):
    """`make chromium`, which `make test` runs first."""

    def make(self, **variables):
        arguments = [f"{name}={value}" for name, value in variables.items()]
        return subprocess.run(
            ["make", "--no-print-directory", "-s", "chromium", *arguments],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )

    def test_test_target_checks_chromium_before_anything_else(self):
        makefile = (ROOT / "Makefile").read_text()
        self.assertIn("\ntest: chromium lint\n", makefile)

    def test_present_browser_passes_quietly(self):
        result = self.make(CHROMIUM=sys.executable, APT_GET="/nonexistent/apt-get")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout + result.stderr, "")

    def test_missing_browser_without_apt_stops_naming_the_command(self):
        result = self.make(CHROMIUM="/nonexistent/chromium", APT_GET="/nonexistent/apt-get")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("sudo apt-get install -y chromium", result.stderr)

    def test_missing_browser_as_root_with_apt_installs_it(self):
        if os.geteuid() != 0:
            self.skipTest("installing needs root")
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        calls = folder / "calls"
        apt_get = folder / "apt-get"
        apt_get.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
        apt_get.chmod(apt_get.stat().st_mode | stat.S_IXUSR)
        result = self.make(CHROMIUM="/nonexistent/chromium", APT_GET=apt_get)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(calls.read_text().splitlines(), ["update -qq", "install -y -qq chromium"])
