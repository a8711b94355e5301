"""
Who may read and write through the API: the admin's model permissions,
granted by the Editors and Reviewers groups. Workflow rules (only reviewers
publish) are checked by briefings.services, which the API calls.
"""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """Anyone may read (the queryset limits what); writing needs the model permission."""

    authenticated_users_only = False
    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": [],
        "HEAD": [],
        "OPTIONS": [],
    }

    def has_permission(self, request, view):
        # A read needs no permission; DRF would build the view's whole queryset
        # (visibility subqueries, prefetches) only to learn its model.
        if request.method in SAFE_METHODS:
            return True
        return super().has_permission(request, view)
