"""
The whole site as a directory of files, and back: `manage.py export_site PATH`
and `manage.py import_site PATH`.

PATH holds manifest.json (the models in dependency order, with their row
counts) and one JSON-lines file per model: each line one row in Django's
serialization format ({"model", "pk", "fields"}). Every model of the apps in
settings.BACKUP_APPS is included, history tables too (simple-history's models
live in their app); Django's own bookkeeping (content types, permissions,
sessions, login attempts, API tokens) is not.

Rows keep their primary keys, so references between them need no lookup. Auth
rows name groups and permissions by natural key (names and codenames), since
`migrate` gives those other ids on another database; groups are matched by
name, so the groups a migration created are updated rather than repeated.
Password hashes are left out unless asked for: users come back with unusable
passwords.
"""

import datetime
import json
import sys
from collections import defaultdict
from itertools import islice
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission, User
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from tqdm import tqdm

from briefings.services import rows_created_in_bulk

FORMAT = "briefings.site"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Rows per query when reading, and per INSERT when writing.
CHUNK = 1000
# Made by `migrate` on every database, so never carried over.
NOT_BACKED_UP = {Permission}
# Rows matched by natural key on import (the data migration makes some already).
MATCHED = {Group}


class BackupError(Exception):
    pass


def site_models():
    """The models to back up, each after the models its foreign keys point at."""
    chosen = [
        model
        for label in settings.BACKUP_APPS
        for model in apps.get_app_config(label).get_models()
        if model not in NOT_BACKED_UP
    ]
    ordered, seen = [], set()

    def visit(model):
        if model in seen:
            return
        seen.add(model)
        for field in model._meta.concrete_fields:
            if field.many_to_one and field.related_model in chosen:
                visit(field.related_model)
        ordered.append(model)

    for model in chosen:
        visit(model)
    return ordered


def label(model):
    return model._meta.label_lower


def natural_keys(model):
    """Auth rows name their relations by natural key; the site's rows by primary key."""
    return model._meta.app_label == "auth"


def export_site(path, *, with_passwords=False, progress=None):
    """
    Write every backed-up row to the directory `path` (created if missing).
    `progress(model, count)` is called as rows are written.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    manifest = {"format": FORMAT, "version": FORMAT_VERSION, "models": []}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # Every table as of one moment, while the site goes on writing.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for model in site_models():
            name = f"{label(model)}.jsonl"
            rows = 0
            queryset = model._default_manager.order_by("pk")
            m2m = [field.name for field in model._meta.many_to_many]
            iterator = queryset.prefetch_related(*m2m).iterator(chunk_size=CHUNK)
            with open(path / name, "w", encoding="utf-8") as out:
                while chunk := list(islice(iterator, CHUNK)):
                    for row in serializers.serialize(
                        "python",
                        chunk,
                        use_natural_foreign_keys=natural_keys(model),
                        use_natural_primary_keys=model in MATCHED,
                    ):
                        if model is User and not with_passwords:
                            row["fields"]["password"] = make_password(None)
                        out.write(json.dumps(row, cls=BackupEncoder, ensure_ascii=False))
                        out.write("\n")
                    rows += len(chunk)
                    if progress:
                        progress(model, len(chunk))
            manifest["models"].append({"model": label(model), "file": name, "rows": rows})
    (path / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def read_manifest(path):
    try:
        manifest = json.loads((Path(path) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{Path(path) / MANIFEST}: {error}") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"{path} is not a “{FORMAT}” backup, version {FORMAT_VERSION}.")
    known = {label(model) for model in site_models()}
    unknown = [entry["model"] for entry in manifest["models"] if entry["model"] not in known]
    if unknown:
        raise BackupError(f"The backup holds models this site lacks: {', '.join(unknown)}.")
    return manifest


def non_empty_models():
    """Backed-up models holding rows (groups the migrations make do not count)."""
    return [
        label(model)
        for model in site_models()
        if model not in MATCHED and model._default_manager.exists()
    ]


def import_site(path, *, progress=None):
    """
    Load a backup written by export_site into a database holding no site rows
    yet: all of it or, on any error, nothing. `progress(model, count)` is
    called as rows are written.
    """
    manifest = read_manifest(path)
    with transaction.atomic():
        occupied = non_empty_models()
        if occupied:
            raise BackupError(
                "The database is not empty (rows in "
                f"{', '.join(occupied[:5])}{'…' if len(occupied) > 5 else ''}); "
                "import into a freshly migrated database."
            )
        written = []
        with connection.constraint_checks_disabled():
            for entry in manifest["models"]:
                model = apps.get_model(entry["model"])
                try:
                    with open(Path(path) / entry["file"], encoding="utf-8") as lines:
                        load_rows(model, lines, progress)
                except (OSError, ValueError, DeserializationError) as error:
                    raise BackupError(f"{entry['file']}: {error}") from None
                written.append(model)
        # Rows came in with their keys: check every reference, and move each
        # table's sequence past its largest key (PostgreSQL).
        try:
            connection.check_constraints(table_names=[m._meta.db_table for m in written])
        except IntegrityError as error:
            raise BackupError(f"The backup refers to rows it does not hold: {error}") from None
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), written):
                cursor.execute(sql)
    return manifest


def load_rows(model, lines, progress):
    while chunk := [json.loads(line) for line in islice(lines, CHUNK)]:
        if model in MATCHED or natural_keys(model):
            # Few rows, resolved by natural key: saved one by one (raw, like loaddata).
            for deserialized in serializers.deserialize("python", chunk):
                deserialized.save()
        else:
            rows, links = [], defaultdict(list)
            for deserialized in serializers.deserialize("python", chunk):
                rows.append(deserialized.object)
                for name, targets in deserialized.m2m_data.items():
                    links[name].extend((deserialized.object.pk, target) for target in targets)
            insert_raw(model, rows)
            for name, pairs in links.items():
                field = model._meta.get_field(name)
                through = field.remote_field.through
                source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
                through.objects.bulk_create(
                    [through(**{f"{source}_id": a, f"{target}_id": b}) for a, b in pairs],
                    batch_size=CHUNK,
                )
            rows_created_in_bulk(model=model, rows=rows)
        if progress:
            progress(model, len(chunk))


def insert_raw(model, rows):
    """
    INSERT rows as they are, in batches. Not bulk_create(): it stamps auto_now
    fields (updated_at) with the time of the import, and refuses models with a
    parent table (a summit is an event). A raw insert, as loaddata's raw save
    does row by row, writes each table's own columns with the values given.
    """
    fields = model._meta.local_concrete_fields
    size = max(connection.ops.bulk_batch_size(fields, rows), 1)
    for start in range(0, len(rows), size):
        model._base_manager._insert(rows[start : start + size], fields=fields, raw=True)


class BackupEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, less its rounding of times to milliseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Progress:
    """
    Rows done so far, for export_site and import_site: a tqdm bar when stderr
    is a terminal, otherwise one line per model on `stdout` (logs, cron mail).
    """

    def __init__(self, stdout, total, verb):
        self.stdout, self.verb = stdout, verb
        self.bar = tqdm(total=total, unit=" rows") if sys.stderr.isatty() else None
        self.model, self.rows = None, 0

    def __call__(self, model, count):
        if self.bar is not None:
            self.bar.set_description(label(model))
            self.bar.update(count)
            return
        if model is not self.model:
            self.line()
            self.model, self.rows = model, 0
        self.rows += count

    def line(self):
        if self.model is not None:
            self.stdout.write(f"{label(self.model)}: {self.rows} rows {self.verb}")

    def close(self):
        if self.bar is not None:
            self.bar.close()
        else:
            self.line()
