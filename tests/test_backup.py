"""
export_site and import_site: a whole site, every model of BACKUP_APPS with
history, written out, the database emptied, read back, and every field of
every row compared.
"""

import json
import tempfile
from io import StringIO
from pathlib import Path

from django.contrib.auth.models import Group, Permission, User
from django.core import serializers
from django.core.management import CommandError, call_command
from django.test import TransactionTestCase

from briefings import services, suggestions
from briefings.backup import site_models
from briefings.models import (
    AffiliationEvidence,
    Briefing,
    BriefingAuthor,
    Claim,
    ClaimComment,
    PendingChange,
)
from tests import factories


def snapshot():
    """Every backed-up row, by model: all fields and many-to-many links, keys by natural key."""
    return {
        model._meta.label: sorted(
            serializers.serialize(
                "python",
                model._default_manager.all(),
                use_natural_foreign_keys=True,
                use_natural_primary_keys=True,
            ),
            key=repr,
        )
        for model in site_models()
    }


def run(command, *args, **options):
    out = StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


def full_site():
    """Seeds, plus a row of every model the seeds leave empty, each change recorded."""
    factories.ensure_staff_groups()
    run("load_seeds")
    editor, reviewer = factories.editor(), factories.reviewer()
    editor.user_permissions.add(Permission.objects.get(codename="view_claim"))
    claim = Claim.objects.order_by("pk").first()
    briefing = Briefing.objects.order_by("pk").first()
    question = services.comment_create(
        comment=ClaimComment(claim=claim, body="Is the date right?"), by=editor
    )
    services.comment_create(
        comment=ClaimComment(claim=claim, parent=question, body="Yes."), by=reviewer
    )
    services.claim_comment_resolve(comment=question, by=reviewer)
    BriefingAuthor.objects.create(briefing=briefing, user=editor)
    services.briefing_record_correction(
        briefing=briefing, by=reviewer, reason="A name was misspelt.", changed_fields=["lede"]
    )
    PendingChange.objects.create(claim=claim, data={"verdict": "false"}, created_by=editor)
    body = claim.article.body
    suggestion = suggestions.suggestions_store(
        article=claim.article,
        found=[
            {
                "speaker": "Someone New",
                "start": 0,
                "end": 20,
                "quote": body[:20],
                "cue": "said",
                "quote_type": "direct",
            }
        ],
    )[0]
    suggestions.suggestion_reject(suggestion=suggestion, by=editor)
    if not AffiliationEvidence.objects.exists():
        affiliation = factories.AffiliationFactory()
        AffiliationEvidence.objects.create(affiliation=affiliation, claim=claim)
    return editor


class BackupTests(TransactionTestCase):
    """
    Transactional, as an operator runs the commands: PostgreSQL will not empty
    tables (flush) inside the transaction a TestCase wraps each test in.
    """

    def setUp(self):
        self.editor = full_site()
        self.directory = Path(tempfile.mkdtemp())

    def test_every_model_has_rows_to_compare(self):
        empty = [label for label, rows in snapshot().items() if not rows]
        self.assertEqual(empty, [])

    def test_export_flush_import_restores_every_field_of_every_row(self):
        before = snapshot()
        output = run("export_site", self.directory)
        self.assertIn("briefings.claim:", output)  # a line per model when not on a terminal
        call_command("flush", interactive=False, verbosity=0)
        self.assertFalse(Claim.objects.exists())
        run("import_site", self.directory)
        after = snapshot()
        for rows in (before["auth.User"], after["auth.User"]):
            for row in rows:
                row["fields"].pop("password")
            rows.sort(key=repr)
        for model, rows in before.items():
            with self.subTest(model=model):
                self.assertEqual(len(after[model]), len(rows))
                for old, new in zip(rows, after[model], strict=True):
                    self.assertEqual(new, old)

    def test_passwords_are_left_out_unless_asked_for(self):
        run("export_site", self.directory)
        call_command("flush", interactive=False, verbosity=0)
        run("import_site", self.directory)
        self.assertFalse(User.objects.get(pk=self.editor.pk).has_usable_password())

        with_passwords = Path(tempfile.mkdtemp())
        run("export_site", with_passwords, with_passwords=True)
        lines = (with_passwords / "auth.user.jsonl").read_text().splitlines()
        self.assertTrue(all(json.loads(line)["fields"]["password"][0] == "!" for line in lines))

    def test_exported_hashes_come_back_with_passwords(self):
        hashed = User.objects.get(pk=self.editor.pk).password
        run("export_site", self.directory, with_passwords=True)
        call_command("flush", interactive=False, verbosity=0)
        run("import_site", self.directory)
        self.assertEqual(User.objects.get(pk=self.editor.pk).password, hashed)

    def test_new_rows_after_an_import_get_new_keys(self):
        run("export_site", self.directory)
        largest = Claim.objects.order_by("-pk").first().pk
        call_command("flush", interactive=False, verbosity=0)
        run("import_site", self.directory)
        claim = factories.ClaimFactory()
        self.assertGreater(claim.pk, largest)
        self.assertEqual(Claim.history.filter(id=claim.pk).count(), 1)

    def test_a_database_with_site_rows_is_refused(self):
        run("export_site", self.directory)
        claims = Claim.objects.count()
        with self.assertRaisesMessage(CommandError, "The database is not empty"):
            run("import_site", self.directory)
        self.assertEqual(Claim.objects.count(), claims)

    def test_groups_a_migration_made_are_matched_by_name(self):
        run("export_site", self.directory)
        call_command("flush", interactive=False, verbosity=0)
        factories.ensure_staff_groups()
        run("import_site", self.directory)
        self.assertEqual(Group.objects.filter(name="Editors").count(), 1)
        self.assertTrue(User.objects.get(pk=self.editor.pk).groups.filter(name="Editors"))

    def test_a_broken_backup_loads_nothing(self):
        run("export_site", self.directory)
        call_command("flush", interactive=False, verbosity=0)
        path = self.directory / "briefings.claimactor.jsonl"
        row = json.loads(path.read_text().splitlines()[0])
        row["fields"]["actor"] = 999_999  # no such actor
        path.write_text(path.read_text() + json.dumps(row | {"pk": 999_999}) + "\n")
        with self.assertRaisesMessage(CommandError, "rows it does not hold"):
            run("import_site", self.directory)
        self.assertFalse(Claim.objects.exists())
        self.assertFalse(User.objects.exists())

    def test_a_damaged_file_is_named(self):
        run("export_site", self.directory)
        call_command("flush", interactive=False, verbosity=0)
        with open(self.directory / "briefings.claim.jsonl", "a") as lines:
            lines.write("{not json\n")
        with self.assertRaisesMessage(CommandError, "briefings.claim.jsonl: "):
            run("import_site", self.directory)
        self.assertFalse(User.objects.exists())

    def test_not_a_backup_is_refused(self):
        with self.assertRaisesMessage(CommandError, "manifest.json"):
            run("import_site", self.directory)
