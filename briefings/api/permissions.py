"""
Who may read and write through the API: the admin's model permissions,
granted by the Editors and Reviewers groups. Workflow rules (only reviewers
publish) are checked by briefings.services, which the API calls.
"""

from rest_framework.permissions import DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """Anyone may read (the queryset limits what); writing needs the model permission."""

    authenticated_users_only = False
    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": [],
        "HEAD": [],
        "OPTIONS": [],
    }
