import os
import secrets

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand

ACCOUNTS = (("editor", "Editors"), ("reviewer", "Reviewers"))


class Command(BaseCommand):
    help = (
        "Ensure the demo accounts `editor` (Editors) and `reviewer` (Reviewers) exist and "
        "print how to log in. The password comes from DEMO_PASSWORD, or is made once and "
        "kept in var/demo-password."
    )

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or self.stored_password()
        for username, group_name in ACCOUNTS:
            user, _ = User.objects.get_or_create(username=username, defaults={"is_staff": True})
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=group_name))
            self.stdout.write(
                f"Demo {group_name[:-1].lower()}: user name {username!r}, password {password!r}"
            )

    def stored_password(self):
        path = settings.BASE_DIR / "var" / "demo-password"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(12) + "\n")
        return path.read_text().strip()
