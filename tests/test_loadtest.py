"""`manage.py loadtest` against a live server: it runs, writes, and checks its writes."""

import io
from unittest import mock

from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from briefings import loadtest
from briefings.models import Briefing, Claim
from tests import factories
from tests.test_live_server import LiveServerTests


class LoadTestCommandTests(LiveServerTests):
    def setUp(self):
        super().setUp()
        factories.published_briefing(claims=3)

    def call(self, *arguments):
        out, err = io.StringIO(), io.StringIO()
        call_command("loadtest", "--url", self.live_server_url, *arguments, stdout=out, stderr=err)
        return out.getvalue()

    def test_brief_run_has_no_server_error_and_loses_no_write(self):
        claims, briefings = Claim.objects.count(), Briefing.objects.count()
        output = self.call("--clients", "4", "--editors", "2", "--duration", "3")
        self.assertIn("5xx or no answer: 0;", output)
        self.assertRegex(output, r"acknowledged writes: [1-9]\d*, lost: 0")
        for group in ("pages", "api", "writes", "all"):
            self.assertRegex(output, rf"\n{group} +\d+ +[\d.]+ +[\d.]+ +[\d.]+  200×")
        # The run's drafts and tokens are gone; its accounts stay, named in history.
        self.assertEqual((Claim.objects.count(), Briefing.objects.count()), (claims, briefings))
        self.assertFalse(Token.objects.exists())

    def test_keep_leaves_the_drafts(self):
        self.call("--clients", "2", "--editors", "2", "--duration", "1", "--keep")
        drafts = Briefing.objects.filter(slug__startswith="loadtest-")
        self.assertEqual(drafts.count(), 1)
        self.assertTrue(drafts.get().lede.startswith("Load test "))

    def test_a_write_missing_from_history_is_lost(self):
        real = loadtest.run

        def run_and_forge(**kwargs):
            results, elapsed = real(**kwargs)
            kind, pk, version, _ = results.writes[-1]
            results.writes.append((kind, pk, version + 100, "never sent"))
            return results, elapsed

        with mock.patch.object(loadtest, "run", run_and_forge):
            with self.assertRaisesMessage(CommandError, "0 server errors, 2 lost writes."):
                self.call("--clients", "2", "--editors", "2", "--duration", "1")

    def test_server_errors_fail_the_run(self):
        with mock.patch(
            "briefings.api.views.ClaimViewSet.retrieve", side_effect=RuntimeError("boom")
        ):
            with self.assertRaisesRegex(CommandError, r"^[1-9]\d* server errors"):
                self.call("--clients", "3", "--editors", "1", "--duration", "1")

    def test_a_site_that_is_not_running_is_named(self):
        with self.assertRaisesMessage(CommandError, "is it running?"):
            call_command("loadtest", "--url", "http://127.0.0.1:9", "--duration", "1")

    def test_editors_must_fit_in_the_clients(self):
        with self.assertRaisesMessage(CommandError, "--editors must be between 0 and --clients"):
            self.call("--clients", "2", "--editors", "3")
