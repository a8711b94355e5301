import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from briefings import bench


class Command(BaseCommand):
    help = (
        "Measure the readers' and consumers' main URLs on the current database, found from its "
        "data: p50/p95 server time in-process (cold: page cache emptied; warm: requested "
        "again), queries and bytes; then req/s and p50/p99 under gunicorn with concurrent "
        "clients, as a ratio to a constant page (robots.txt). --json PATH writes it all."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--requests", type=int, default=50, help="In-process requests per URL (default 50)."
        )
        parser.add_argument(
            "--budget",
            type=float,
            default=60,
            help="Stop requesting a URL in-process after this many seconds (default 60).",
        )
        parser.add_argument(
            "--load-seconds",
            type=float,
            default=10,
            help="Seconds of load per URL under gunicorn (default 10; 0 skips it).",
        )
        parser.add_argument(
            "--clients", type=int, default=8, help="Concurrent clients under load (default 8)."
        )
        parser.add_argument(
            "--json", dest="json_path", metavar="PATH", help="Also write the results as JSON."
        )

    def handle(self, *args, requests, budget, load_seconds, clients, json_path, **options):
        if requests < 1:
            raise CommandError(f"--requests must be at least 1, not {requests}.")
        if budget <= 0:
            raise CommandError(f"--budget must be more than 0, not {budget:g}.")
        if load_seconds < 0:
            raise CommandError(f"--load-seconds must be 0 or more, not {load_seconds:g}.")
        if clients < 1:
            raise CommandError(f"--clients must be at least 1, not {clients}.")
        if not settings.DEBUG:
            # Pages name their hashed static files, as under `make serve`, which collects them too.
            call_command("collectstatic", interactive=False, verbosity=0)
        found = bench.targets()
        try:
            measured = bench.in_process(
                found, requests=requests, budget=budget, progress=self.progress
            )
            loaded = (
                bench.under_load(
                    found, seconds=load_seconds, clients=clients, progress=self.progress
                )
                if load_seconds
                else []
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        for line in bench.aligned(measured, bench.URL_COLUMNS):
            self.stdout.write(line)
        if loaded:
            self.stdout.write("")
            for line in bench.aligned(loaded, bench.LOAD_COLUMNS):
                self.stdout.write(line)
        if json_path:
            document = bench.report(measured, loaded)
            Path(json_path).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
            self.stdout.write(f"Wrote {json_path}.")

    def progress(self, name):
        self.stderr.write(f"Measuring {name}…")
