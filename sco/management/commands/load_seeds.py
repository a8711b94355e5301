from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from briefings.seeding import SeedError, SeedLoader
from sco.seeding import ScoSeedLoader

DEFAULT_FILES = [settings.BASE_DIR / "seeds" / "astana.yaml"]


class Command(BaseCommand):
    help = (
        "Load seed annotation files (default: seeds/astana.yaml). Atomic: a broken file loads "
        "nothing. Idempotent: rows already present are left alone unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="YAML seed files")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Rewrite existing rows to match the files, re-anchoring claims to a new text.",
        )

    def handle(self, *args, files, update, **options):
        for path in files or DEFAULT_FILES:
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except OSError as error:
                raise CommandError(f"{path}: cannot read the file: {error.strerror}") from None
            except yaml.YAMLError as error:
                raise CommandError(f"{path}: not valid YAML: {error}") from None
            try:
                with transaction.atomic():
                    stats = self.load(path, data, update)
            except SeedError as error:
                raise CommandError(f"{path}: {error}") from None
            self.stdout.write(
                f"{path.name}: {stats['created']} created, {stats['updated']} updated, "
                f"{stats['unchanged']} unchanged."
            )

    def load(self, path, data, update):
        loader = SeedLoader(path, update=update)
        loader.check_sections(data)
        sco = ScoSeedLoader(loader, data.get("sco"))
        loader.load_actors(data.get("actors") or [])
        loader.load_sources(data.get("sources") or [])
        loader.load_events(data.get("events") or [])
        sco.load_summits()
        loader.load_affiliations(data.get("affiliations") or [])
        loader.load_article(data["article"])
        loader.load_claims(data.get("claims") or [])
        sco.load_facts()
        if data.get("briefing"):
            loader.load_briefing(data["briefing"])
        return loader.stats
