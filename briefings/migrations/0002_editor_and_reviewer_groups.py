"""Create the Editors and Reviewers groups with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ("briefings", "sco")
# Owned link rows an editor removes through inlines.
EDITOR_DELETABLE = {
    "actoralias", "affiliation", "affiliationevidence", "claimactor", "claimevidence",
    "claimcomment", "briefingarticle", "briefingclaim", "briefingactor", "briefingauthor",
    "participation", "meeting", "meetingparticipant",
}  # fmt: skip
REVIEWER_EXTRA = {"publish_briefing", "review_claim"}


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Permissions are normally made after migrate; make them now to assign them.
    for label in APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    editor_codenames, reviewer_codenames = set(), set()
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            name = model._meta.model_name
            if name.startswith("historical"):
                continue
            basic = {f"add_{name}", f"change_{name}", f"view_{name}"}
            editor_codenames |= basic
            reviewer_codenames |= basic | {f"delete_{name}"}
            if name in EDITOR_DELETABLE:
                editor_codenames.add(f"delete_{name}")
        reviewer_codenames |= REVIEWER_EXTRA

    for name, codenames in (("Editors", editor_codenames), ("Reviewers", reviewer_codenames)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=APPS, codename__in=codenames
            )
        )


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Reviewers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0001_initial"),
        ("sco", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
