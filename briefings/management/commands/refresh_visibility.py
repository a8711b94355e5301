from django.core.management.base import BaseCommand
from django.db import transaction

from briefings import visibility


class Command(BaseCommand):
    help = (
        "Recompute what readers may see (public_since of every article, claim, event, "
        "source and actor) from the published briefings. Run it after bulk writes that "
        "bypass the ORM's signals (raw SQL, loaddata)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = visibility.refresh_all()
        self.stdout.write(f"Visibility refreshed: {changed} rows changed.")
