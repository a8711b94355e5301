"""
Who may read and write through the API: the admin's model permissions,
granted by the Editors and Reviewers groups. Workflow rules (only reviewers
publish) are checked by briefings.services, which the API calls.
"""

from rest_framework.permissions import DjangoModelPermissions


def sees_everything(user, model):
    """Staff with the model's view permission see drafts; everyone else, public rows only."""
    opts = model._meta
    return (
        user.is_authenticated
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )


class ModelPermissions(DjangoModelPermissions):
    """Anyone may read (the queryset limits what); writing needs the model permission."""

    authenticated_users_only = False
    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": [],
        "HEAD": [],
        "OPTIONS": [],
    }
