import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from briefings import corpus


class Command(BaseCommand):
    help = (
        "Insert a deterministic synthetic corpus: at --scale 1, 5,000 articles, 100,000 claims, "
        "2,000 actors and 500 published briefings (one with 1,000 key claims, one with 200; "
        "one actor speaking 5,000 claims). Refuses a database that already holds one unless "
        "--append is given with another --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Size factor (default 1).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--append", action="store_true", help="Add to a database that holds a corpus."
        )

    def handle(self, *args, scale, seed, append, **options):
        if not 0 < scale <= 20:
            raise CommandError(f"--scale must be more than 0 and at most 20, not {scale:g}.")
        if seed < 0:
            raise CommandError(f"--seed must be 0 or more, not {seed}.")
        runs = corpus.existing_runs()
        if runs and not append:
            raise CommandError(
                f"This database already holds a corpus (seed {', '.join(map(str, runs))}); "
                "pass --append with another --seed to add one."
            )
        if seed in runs:
            raise CommandError(f"A corpus with seed {seed} is already here; use another --seed.")
        started = time.perf_counter()
        sizes = corpus.Sizes.at(scale)
        # disable=None: a bar on a terminal, nothing in logs.
        with tqdm(total=corpus.total_rows(sizes), unit=" rows", disable=None) as bar:
            corpus.make_corpus(scale=scale, seed=seed, progress=bar.update)
        self.stdout.write(
            f"Made {sizes.articles} articles, {sizes.claims} claims, {sizes.actors} actors, "
            f"{sizes.briefings} published briefings and {sizes.drafts} drafts "
            f"in {time.perf_counter() - started:.1f} s."
        )
