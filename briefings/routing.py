"""
An optional read replica (DATABASE_REPLICA_URL).

Only anonymous readers' GET and HEAD requests read from the replica: every
write, every request that carries a session or an API token (editors,
reviewers, API writers) and everything outside a request (commands, shell,
migrations) uses the primary, so nobody who has just changed something reads
an older copy of it. Writes always go to the primary.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA_DB_ALIAS = "replica"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_reads_from_replica = ContextVar("reads_from_replica", default=False)


def is_anonymous_read(request):
    """Whether a request may read from the replica (decided before the session is loaded)."""
    return (
        request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "authorization" not in request.headers
        and not request.path.startswith("/admin/")
    )


class ReplicaRouter:
    """Send anonymous readers' queries to the replica, all others to the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA_DB_ALIAS if _reads_from_replica.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Let an anonymous reader's request read from the replica; all others read the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reads_from_replica.set(is_anonymous_read(request))
        try:
            return self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
