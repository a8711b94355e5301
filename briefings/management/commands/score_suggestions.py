from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from briefings.suggesting import directory
from briefings.suggesting.scoring import score_gold, total

GOLD = settings.BASE_DIR / "tests" / "gold"
ACTORS = [settings.BASE_DIR / "seeds" / "astana.yaml", GOLD / "actors.yaml"]


class Command(BaseCommand):
    help = (
        "Score the claim finder against the gold annotations in tests/gold: precision and "
        "recall per text, over the texts the rules were written against, on the held-out "
        "text(s), and overall. A suggestion matches a gold claim when the speaker is the same "
        "and the spans overlap by at least half of the gold span."
    )

    def handle(self, *args, **options):
        paths = sorted(GOLD.glob("*.json"))
        if not paths:
            raise CommandError(f"no gold files in {GOLD}")
        scores = score_gold(paths, settings.BASE_DIR, directory.from_seed_files(*ACTORS))
        development = [s for s in scores if not s.held_out]
        held_out = [s for s in scores if s.held_out]
        self.stdout.write(f"{'text':34} {'gold':>5} {'found':>6} {'right':>6} {'P':>6} {'R':>6}")
        for score in scores:
            self.row(score, " (held out)" if score.held_out else "")
        self.row(total(development, "development texts"))
        if held_out:
            self.row(total(held_out, "held-out texts"))
        self.row(total(scores, "overall"))

    def row(self, score, note=""):
        name = f"{score.name}{note}"
        self.stdout.write(
            f"{name:34} {score.gold:5} {score.suggested:6} {score.matched:6} "
            f"{score.precision:6.2f} {score.recall:6.2f}"
        )
