"""
Set-up as a new developer meets it: `make test` on a machine without Chromium,
and commands run by hand in a checkout after `make run`; and serving as
production does, `make serve` with gunicorn.
"""

import importlib.util
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.template import engines
from django.template.loaders import cached
from django.test import SimpleTestCase

from briefings.loadtest import free_port

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


class ProductionSettingsTests(SimpleTestCase):
    def test_production_serves_collected_static_files(self):
        settings = load_settings(SECRET_KEY="x")
        self.assertTrue(settings.STATIC_MANIFEST)
        self.assertFalse(settings.WHITENOISE_USE_FINDERS)
        self.assertEqual(
            settings.STORAGES["staticfiles"]["BACKEND"],
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )

    def test_without_the_manifest_static_files_come_from_the_finders(self):
        settings = load_settings(SECRET_KEY="x", STATIC_MANIFEST="false")
        self.assertTrue(settings.WHITENOISE_USE_FINDERS)

    def test_connections_persist(self):
        settings = load_settings(SECRET_KEY="x", DATABASE_URL="postgres://u@db:5432/b")
        self.assertEqual(settings.DATABASES["default"]["CONN_MAX_AGE"], 600)
        self.assertTrue(settings.DATABASES["default"]["CONN_HEALTH_CHECKS"])

    def test_templates_are_compiled_once(self):
        # Django wraps the loaders in the cached loader when none are listed.
        loader = engines["django"].engine.template_loaders[0]
        self.assertIsInstance(loader, cached.Loader)


def load_gunicorn_config(**environ):
    """A fresh copy of briefings/gunicorn.py read under `environ` (and the test's settings)."""
    spec = importlib.util.spec_from_file_location("_gunicorn_copy", ROOT / "briefings/gunicorn.py")
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, environ):
        spec.loader.exec_module(module)
    return module


class GunicornConfigTests(SimpleTestCase):
    def test_workers_and_address_come_from_the_environment(self):
        config = load_gunicorn_config(WEB_CONCURRENCY="3", HOST="0.0.0.0", PORT="9000")
        self.assertEqual((config.workers, config.bind), (3, "0.0.0.0:9000"))
        self.assertEqual((config.worker_class, config.timeout), ("sync", 60))
        self.assertIn("%(M)s", config.access_log_format)

    def test_default_workers_follow_the_cores_within_a_cap(self):
        with mock.patch("multiprocessing.cpu_count", return_value=2):
            self.assertEqual(load_gunicorn_config(WEB_CONCURRENCY="").workers, 5)
        with mock.patch("multiprocessing.cpu_count", return_value=64):
            self.assertEqual(load_gunicorn_config(WEB_CONCURRENCY="").workers, 12)

    def test_malformed_worker_count_is_named(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "WEB_CONCURRENCY must be an integer"):
            load_gunicorn_config(WEB_CONCURRENCY="many")

    def test_gunicorn_accepts_the_config(self):
        result = subprocess.run(
            [Path(sys.executable).parent / "gunicorn", "--check-config", "-c",
             "python:briefings.gunicorn", "briefings.wsgi"],
            cwd=ROOT, env={**os.environ, "SECRET_KEY": "x"}, capture_output=True, text=True,
        )  # fmt: skip
        self.assertEqual(result.returncode, 0, result.stderr)


class MakeServeTests(SimpleTestCase):
    """`make serve` as production runs it: migrate, collectstatic, gunicorn."""

    def test_serve_answers_with_debug_off_and_hashed_static_files(self):
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        port = free_port()
        environ = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "SECRET_KEY": "x",
            "DEBUG": "true",  # `make serve` turns it off whatever the shell says
            "STATIC_MANIFEST": "",
            "WEB_CONCURRENCY": "1",
        }
        environ.pop("REDIS_URL", None)
        server = subprocess.Popen(
            ["make", "--no-print-directory", "serve", f"VENV={Path(sys.executable).parent.parent}",
             f"PORT={port}"],
            cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.addCleanup(server.wait, timeout=30)
        self.addCleanup(os.killpg, server.pid, signal.SIGTERM)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                    self.assertEqual(json.load(response), {"status": "ok", "database": "ok"})
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    self.fail(server.stdout.read().decode())
                time.sleep(0.5)
        with urllib.request.urlopen(base + "/", timeout=10) as response:
            self.assertEqual(response.headers["Server"], "gunicorn")
            stylesheet = re.search(
                r'href="(/static/briefings/css/site\.\w+\.css)"', response.read().decode()
            )
        self.assertIsNotNone(stylesheet, "no hashed stylesheet")
        request = urllib.request.Request(base + stylesheet[1], headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            self.assertEqual(response.headers["Content-Encoding"], "gzip")
            self.assertIn("immutable", response.headers["Cache-Control"])
        # DEBUG off: a missing page is the site's 404, not Django's debug page.
        with self.assertRaises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "/no-such-page/", timeout=10)
        self.assertEqual(missing.exception.code, 404)
        self.assertNotIn(b"URLconf", missing.exception.read())
        # The schema was rendered before the worker forked.
        started = time.monotonic()
        with urllib.request.urlopen(base + "/api/schema/?format=json", timeout=30) as response:
            self.assertEqual(json.load(response)["openapi"], "3.0.3")
        self.assertLess(time.monotonic() - started, 0.5)
