import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from briefings.suggesting import directory, find_claims

DEFAULT_ACTORS = settings.BASE_DIR / "seeds" / "astana.yaml"


def read_text(path):
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text") from None


class Command(BaseCommand):
    help = (
        "Suggest the attributed claims of a text file (direct, indirect and mixed quotes, "
        "with speaker, cue and span) without writing anything. Speakers are matched against "
        "the actors of seed files (default: seeds/astana.yaml), or of the database with --from-db."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A UTF-8 text file; offsets are code points into it.")
        parser.add_argument("--json", action="store_true", help="Print the suggestions as JSON.")
        parser.add_argument(
            "--actors",
            action="append",
            metavar="FILE",
            help="A seed file whose `actors` to match speakers against (repeatable).",
        )
        parser.add_argument(
            "--from-db", action="store_true", help="Match speakers against the database's actors."
        )

    def handle(self, *args, path, json, actors, from_db, **options):
        text = read_text(path)
        if from_db and actors:
            raise CommandError("give either --actors or --from-db, not both")
        if from_db:
            actor_directory = directory.from_database()
        else:
            try:
                actor_directory = directory.from_seed_files(*(actors or [DEFAULT_ACTORS]))
            except ValueError as error:
                raise CommandError(str(error)) from None
        suggestions = [s.as_dict() for s in find_claims(text, actor_directory)]
        if json:
            self.stdout.write(dumps(suggestions))
            return
        for s in suggestions:
            new = " (new actor)" if s["new_actor"] else ""
            self.stdout.write(
                f"{s['start']}–{s['end']} {s['quote_type']:8} {s['speaker']}{new} [{s['cue']}]: "
                f"{s['quote']}"
            )
        self.stdout.write(f"{len(suggestions)} suggestions")


def dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2)
