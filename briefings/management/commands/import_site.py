from django.core.management.base import BaseCommand, CommandError

from briefings.backup import BackupError, Progress, import_site, read_manifest


class Command(BaseCommand):
    help = (
        "Load a backup written by `export_site PATH` into a freshly migrated, empty "
        "database: all of it, or nothing on any error."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="directory export_site wrote")

    def handle(self, *args, path, **options):
        try:
            total = sum(entry["rows"] for entry in read_manifest(path)["models"])
            progress = Progress(self.stdout, total, "imported")
            manifest = import_site(path, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from None
        progress.close()
        rows = sum(entry["rows"] for entry in manifest["models"])
        self.stdout.write(f"Imported {rows} rows of {len(manifest['models'])} models from {path}.")
