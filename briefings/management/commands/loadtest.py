from django.core.management.base import BaseCommand, CommandError

from briefings import loadtest


def positive_int(value):
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Load-test a running site for a bounded time: readers on pages and the API, editors "
        "PATCHing drafts with If-Match. Report requests per second, p50/p99 and 5xx, then check "
        "that every acknowledged write is stored. Fails on any 5xx or lost write. Run it with "
        "the server's settings (it prepares accounts and drafts in the server's database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="The site's address.")
        parser.add_argument("--clients", type=positive_int, default=32, help="Concurrent clients.")
        parser.add_argument(
            "--editors", type=int, help="How many of the clients write (default: a quarter)."
        )
        parser.add_argument("--duration", type=float, default=60, help="Seconds to run.")
        parser.add_argument(
            "--keep", action="store_true", help="Keep the run's draft briefings and claims."
        )

    def handle(self, *args, url, clients, editors, duration, keep, **options):
        if editors is None:
            editors = max(1, clients // 4)
        if not 0 <= editors <= clients:
            raise CommandError(f"--editors must be between 0 and --clients ({clients}).")
        if not 0 < duration <= 3600:
            raise CommandError("--duration must be more than 0 and at most 3600 seconds.")
        url = url.rstrip("/")
        status, _, body = loadtest.request(url, "GET", "/healthz")
        if status != 200:
            raise CommandError(f"{url}/healthz answered {status or body.decode()}; is it running?")

        plan = loadtest.prepare(editors=editors)
        self.stdout.write(
            f"Run {plan.run_id}: {clients} clients ({editors} editors) for {duration:g} s "
            f"against {url}"
        )
        try:
            results, elapsed = loadtest.run(
                base_url=url, plan=plan, clients=clients, editors=editors, duration=duration
            )
            lost = loadtest.lost_writes(plan, results)
        finally:
            if not keep:
                loadtest.cleanup(plan)
        for line in loadtest.report(results, elapsed):
            self.stdout.write(line)
        errors = loadtest.server_errors(results)
        self.stdout.write(
            f"5xx or no answer: {errors}; acknowledged writes: {len(results.writes)}, "
            f"lost: {len(lost)}"
        )
        for line in [*results.errors[:10], *lost[:10]]:
            self.stderr.write(line)
        if errors or lost:
            raise CommandError(f"{errors} server errors, {len(lost)} lost writes.")
