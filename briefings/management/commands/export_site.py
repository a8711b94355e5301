from django.core.management.base import BaseCommand

from briefings.backup import Progress, export_site, site_models


class Command(BaseCommand):
    help = (
        "Write the whole site (every row of the apps in BACKUP_APPS, history included, "
        "users and groups) to the directory PATH, one JSON-lines file per model. Password "
        "hashes are left out unless --with-passwords is given. `import_site PATH` loads it."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="directory to write (created if missing)")
        parser.add_argument(
            "--with-passwords",
            action="store_true",
            help="Include users' password hashes (keep the backup as safe as the database).",
        )

    def handle(self, *args, path, with_passwords, **options):
        total = sum(model._default_manager.count() for model in site_models())
        progress = Progress(self.stdout, total, "exported")
        manifest = export_site(path, with_passwords=with_passwords, progress=progress)
        progress.close()
        rows = sum(entry["rows"] for entry in manifest["models"])
        self.stdout.write(f"Exported {rows} rows of {len(manifest['models'])} models to {path}.")
