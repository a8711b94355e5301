from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from briefings.api.exchange import DocumentError, Loader
from briefings.seeding import SeedError, read_seed_file
from sco.seeding import ScoSeedLoader

DEFAULT_FILES = [settings.BASE_DIR / "seeds" / "astana.yaml"]


class Command(BaseCommand):
    help = (
        "Load seed annotation files (default: seeds/astana.yaml) through the briefing "
        "document loader. Atomic: a broken file loads nothing. Idempotent: rows already "
        "present are left alone unless --update is given."
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
                data = read_seed_file(path)
                with transaction.atomic():
                    stats = self.load(data, update)
            except SeedError as error:
                raise CommandError(f"{path}: {error}") from None
            except DocumentError as error:
                raise CommandError(f"{path}:\n{error.describe()}") from None
            except ValidationError as error:
                raise CommandError(f"{path}: {' '.join(error.messages)}") from None
            self.stdout.write(
                f"{path.name}: {stats['created']} created, {stats['updated']} updated, "
                f"{stats['unchanged']} unchanged."
            )

    def load(self, data, update):
        # The operator loading seeds is no user: no role limits what the files may hold.
        loader = Loader(data, by=None, update=update, reason="Loaded from seeds")
        sco = ScoSeedLoader(data.get("sco"))
        loader.load(
            extra_sections={"sco"}, after_events=sco.load_summits, after_claims=sco.load_facts
        )
        return loader.stats
