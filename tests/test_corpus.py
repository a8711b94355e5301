"""`manage.py make_corpus` and `manage.py bench` at a tiny scale."""

import hashlib
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest
from contextlib import nullcontext
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from briefings import bench, corpus, loadtest
from briefings.models import Actor, ActorAlias, Article, Briefing, BriefingStatus, Claim
from tests.test_visibility_index import SHOWN, derived_public

SCALE = 0.01


def make(*arguments):
    out = io.StringIO()
    call_command("make_corpus", "--scale", str(SCALE), *arguments, stdout=out)
    return out.getvalue()


def fingerprint(seed):
    """A digest of the texts and counts of the corpus made with `seed`."""
    prefix = f"{corpus.SLUG_PREFIX}{seed}-"
    digest = hashlib.sha256()
    for body in (
        Article.objects.filter(slug__startswith=prefix)
        .order_by("slug")
        .values_list("body", flat=True)
    ):
        digest.update(body.encode())
    for quote in (
        Claim.objects.filter(article__slug__startswith=prefix)
        .order_by("article__slug", "start")
        .values_list("quote", flat=True)
    ):
        digest.update(quote.encode())
    for name in (
        Actor.objects.filter(slug__startswith=prefix)
        .order_by("slug")
        .values_list("name", flat=True)
    ):
        digest.update(name.encode())
    return digest.hexdigest()


def fingerprint_of_a_run(seed):
    """Make a corpus with `seed` inside a transaction rolled back; return its fingerprint."""
    with transaction.atomic():
        corpus.make_corpus(scale=SCALE, seed=seed)
        found = fingerprint(seed)
        transaction.set_rollback(True)
    return found


class MakeCorpusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = make()
        cls.sizes = corpus.Sizes.at(SCALE)

    def test_counts_follow_the_scale(self):
        sizes = self.sizes
        self.assertEqual(Article.objects.count(), sizes.articles)
        self.assertEqual(Claim.objects.count(), sizes.claims)
        self.assertEqual(Actor.objects.count(), sizes.actors)
        self.assertEqual(ActorAlias.objects.count(), sizes.actors)
        published = Briefing.objects.filter(status=BriefingStatus.PUBLISHED)
        self.assertEqual(published.count(), sizes.briefings)
        self.assertEqual(Briefing.objects.count(), sizes.briefings + sizes.drafts)
        self.assertIn(f"Made {sizes.articles} articles, {sizes.claims} claims", self.output)
        # The big briefings and the most quoted actor are the ones the scale asks for.
        for n, size in enumerate(sizes.big_briefings):
            briefing = Briefing.objects.get(slug=f"{corpus.SLUG_PREFIX}1-briefing-{n}")
            self.assertEqual(briefing.claim_links.count(), size)
        top = Actor.objects.get(slug=f"{corpus.SLUG_PREFIX}1-actor-0")
        self.assertEqual(top.claims_made.count(), math.ceil(sizes.claims / sizes.top_speaker_every))

    def test_default_scale_is_the_newsroom_scale(self):
        sizes = corpus.Sizes.at(1.0)
        self.assertEqual(
            (sizes.articles, sizes.claims, sizes.actors, sizes.briefings, sizes.big_briefings),
            (5000, 100_000, 2000, 500, (1000, 200)),
        )
        self.assertEqual(sizes.claims // sizes.top_speaker_every, 5000)

    def test_every_claim_is_anchored_to_its_quote(self):
        claims = Claim.objects.select_related("article")
        self.assertTrue(claims.exists())
        for claim in claims:
            body = claim.article.body
            self.assertEqual(body[claim.start : claim.end], claim.quote, claim.pk)
            self.assertTrue(body[: claim.start].endswith(claim.prefix), claim.pk)
            self.assertTrue(body[claim.end :].startswith(claim.suffix), claim.pk)

    def test_rows_pass_the_models_validation(self):
        for model in (Article, Claim, Actor, Briefing):
            for row in model.objects.order_by("pk")[:20]:
                row.full_clean()

    def test_articles_have_realistic_lengths_scripts_and_hashes(self):
        for article in Article.objects.all():
            self.assertGreaterEqual(len(article.body), 3000)
            before = article.body_sha256, article.text_sha256
            article.save()  # derives both hashes as the model does
            self.assertEqual((article.body_sha256, article.text_sha256), before)
        languages = set(Article.objects.values_list("language", flat=True))
        self.assertEqual(languages, {"en", "ru", "zh", "ar"})

    def test_public_rows_are_the_visibility_rule(self):
        expected = derived_public(timezone.now())
        for model in SHOWN:
            public = set(model.objects.public().values_list("pk", flat=True))
            self.assertEqual(public, set(expected[model].values_list("pk", flat=True)), model)
        self.assertTrue(Claim.objects.public().exists())
        self.assertTrue(Claim.objects.exclude(pk__in=Claim.objects.public()).exists())

    def test_the_same_seed_makes_the_same_corpus(self):
        first = fingerprint_of_a_run(7)
        self.assertEqual(fingerprint_of_a_run(7), first)
        self.assertNotEqual(fingerprint_of_a_run(8), first)

    def test_a_second_run_is_refused(self):
        claims = Claim.objects.count()
        with self.assertRaisesMessage(
            CommandError, "This database already holds a corpus (seed 1); pass --append"
        ):
            make()
        with self.assertRaisesMessage(CommandError, "A corpus with seed 1 is already here"):
            make("--append")
        self.assertEqual(Claim.objects.count(), claims)

    def test_bad_scale_is_named(self):
        with self.assertRaisesMessage(CommandError, "--scale must be more than 0"):
            call_command("make_corpus", "--scale", "0")


class BenchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make()

    def test_json_report_has_the_documented_keys(self):
        path = Path(tempfile.mkdtemp()) / "bench.json"
        out = io.StringIO()
        call_command(
            "bench", "--requests", "2", "--load-seconds", "0", "--json", str(path), stdout=out
        )
        report = json.loads(path.read_text())
        self.assertEqual(set(report), {"machine", "urls", "load"})
        self.assertEqual(report["load"], [])
        keys = {
            "name",
            "url",
            "requests",
            "queries",
            "bytes",
            "cold_p50_ms",
            "cold_p95_ms",
            "warm_p95_ms",
        }
        names = [row["name"] for row in report["urls"]]
        for row in report["urls"]:
            self.assertEqual(set(row), keys)
            self.assertGreater(row["bytes"], 0)
            self.assertEqual(row["requests"], 2)
        for name in ("home", "search, rare word", "sco overview", "API web annotations"):
            self.assertIn(name, names)
        self.assertTrue(any(name.startswith("actor, ") for name in names))
        # The table's columns line up: every line as long as the header.
        lines = out.getvalue().splitlines()[: len(names) + 1]
        self.assertEqual({len(line) for line in lines}, {len(lines[0])})


def hammered(base_url, path, *, clients, duration):
    """Fake load: the floor answers 10 requests, every other path 5, one of them a 500."""
    results = loadtest.Results()
    for n in range(10 if path == bench.FLOOR_PATH else 5):
        results.record("get", 500 if n == 0 and path != bench.FLOOR_PATH else 200, 0.01 * (n + 1))
    return results, 1.0


class BenchUnderLoadTests(TestCase):
    @mock.patch.object(loadtest, "hammer", hammered)
    @mock.patch.object(loadtest, "gunicorn", lambda: nullcontext(loadtest.Served("http://server")))
    def test_rates_are_ratios_to_the_floor_and_failures_are_counted(self):
        rows = bench.under_load([("home", "/")], seconds=1, clients=1)
        self.assertEqual([row.name for row in rows], ["floor (robots.txt)", "home"])
        floor, home = rows
        self.assertEqual((floor.rps, floor.floor_ratio, floor.failed), (10.0, 1.0, 0))
        self.assertEqual((home.rps, home.floor_ratio, home.failed), (4.0, 0.4, 1))
        self.assertEqual(home.p50_ms, 30.0)
        self.assertIsNone(home.worker_mb)  # no server process to read

    @unittest.skipUnless(Path("/proc/self/status").exists(), "reads process memory from /proc")
    def test_worker_memory_is_the_biggest_child_of_the_server(self):
        """This test's process stands in for gunicorn's master; its child holds 64 MB."""
        code = "import sys, time; block = bytearray(64 << 20); print(flush=True); time.sleep(30)"
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
        try:
            child.stdout.readline()  # the block is allocated
            self.assertGreaterEqual(loadtest.Served("http://server", os.getpid()).worker_mb(), 64)
            self.assertIsNone(loadtest.Served("http://server", child.pid).worker_mb())
        finally:
            child.kill()
            child.wait()
