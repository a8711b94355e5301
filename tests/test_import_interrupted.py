"""
An import stopped half-way leaves no rows: the loader writes everything in one
transaction. TransactionTestCase, so the import's transaction is a real one
and not a savepoint inside the test's.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test import TransactionTestCase

from briefings.api.exchange import FORMAT, FORMAT_VERSION, Loader
from briefings.models import Actor, Affiliation, Article, Briefing, Claim, Event, Source, Statement
from briefings.seeding import read_seed_file
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
MODELS = (Actor, Affiliation, Article, Briefing, Claim, Event, Source, Statement)
# Rows saved before the import is stopped: well into the document, short of its end.
STOP_AFTER = 40


def seed_document():
    """
    The seed briefing as an exchange document (JSON), without the SCO app's
    section and so without the summits that section adds as events.
    """
    document = read_seed_file(ROOT / "seeds" / "astana.yaml")
    document.pop("sco")
    for entry in [*document["claims"], document["briefing"]]:
        entry.pop("event", None)
    document = {"format": FORMAT, "version": FORMAT_VERSION, **document}
    return json.loads(json.dumps(document, cls=DjangoJSONEncoder))  # YAML dates as JSON has them


def row_counts():
    return {model.__name__: model.objects.count() for model in MODELS}


class InterruptedImportTests(TransactionTestCase):
    def setUp(self):
        factories.ensure_staff_groups()
        self.client.force_login(factories.reviewer())
        self.client.raise_request_exception = False
        self.document = seed_document()

    def import_(self):
        return self.client.post(
            "/api/v1/briefings/import/", json.dumps(self.document), content_type="application/json"
        )

    def test_an_import_failing_half_way_leaves_no_rows(self):
        before = row_counts()
        saved, at_stop = [], {}
        real_save = Loader.save

        def save_then_fail(loader, obj, path):
            if len(saved) == STOP_AFTER:
                at_stop.update(row_counts())  # inside the import's transaction
                raise RuntimeError("the worker was stopped")
            saved.append(path)
            return real_save(loader, obj, path)

        with mock.patch.object(Loader, "save", save_then_fail):
            response = self.import_()
        self.assertEqual(response.status_code, 500)
        self.assertEqual(response.json(), {"detail": "Server error."})
        self.assertGreater(sum(at_stop.values()), sum(before.values()))
        self.assertEqual(row_counts(), before)
        # Nothing is left half-made either: the same document imports whole.
        self.assertEqual(self.import_().status_code, 201)


# Run as a separate process: import the seed document; after STOP_AFTER rows
# print "stopped" and the actors its transaction holds, and wait to be killed.
KILLED_IMPORT = """
import json, sys, time
import django
django.setup()
from django.contrib.auth.models import User
from briefings.api.exchange import Loader, briefing_import
from briefings.models import Actor
real_save, saved = Loader.save, []
def save(loader, obj, path):
    saved.append(path)
    if len(saved) == int(sys.argv[2]):
        print("stopped", Actor.objects.count(), flush=True)
        time.sleep(60)
    return real_save(loader, obj, path)
Loader.save = save
with open(sys.argv[1]) as file:
    briefing_import(document=json.load(file), by=User.objects.get(username=sys.argv[3]))
"""


@unittest.skipUnless(
    connection.vendor == "postgresql",
    "a second process needs the test database, which SQLite keeps in this process's memory",
)
class KilledImportTests(TransactionTestCase):
    def test_an_import_killed_half_way_leaves_no_rows(self):
        """A process killed mid-import (SIGKILL: no cleanup runs) leaves nothing behind."""
        factories.ensure_staff_groups()
        reviewer = factories.reviewer()
        before = row_counts()
        database = connection.settings_dict
        environ = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "briefings.settings",
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
                f"{database['PORT'] or 5432}/{database['NAME']}"
            ),
            "SECRET_KEY": settings.SECRET_KEY,
        }
        with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
            json.dump(seed_document(), file)
            file.flush()
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    KILLED_IMPORT,
                    file.name,
                    str(STOP_AFTER),
                    reviewer.username,
                ],
                cwd=ROOT,
                env=environ,
                stdout=subprocess.PIPE,
                text=True,
            )
            try:
                said, actors = process.stdout.readline().split()
                self.assertEqual(said, "stopped")
                self.assertGreater(int(actors), 0)
            finally:
                process.kill()
                process.wait(10)
                process.stdout.close()
        self.assertEqual(row_counts(), before)
        # The dead transaction holds no locks: the same document imports whole.
        self.client.force_login(reviewer)
        response = self.client.post(
            "/api/v1/briefings/import/",
            json.dumps(seed_document()),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 201, response.content)
