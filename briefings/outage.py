"""
What readers and API clients get while the database cannot be reached: 503
with Retry-After, the site's own page for HTML and `{"detail": …}` for the
API, never a traceback. The error itself goes to the log for operators.

OperationalError and InterfaceError are what a refused, dropped or timed-out
connection raises; Django opens a new connection at the next request, so
the site recovers by itself when the database returns.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views import defaults

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait; about how long a database restart takes.
RETRY_AFTER = 30


def is_outage(error):
    return isinstance(error, (OperationalError, InterfaceError))


def is_api(request):
    return request.path_info.startswith("/api/")


def unavailable(request):
    """The 503 answer for request: JSON under /api/, the site's page elsewhere."""
    if is_api(request):
        response = JsonResponse(
            {"detail": f"The service is unavailable for a moment; retry in {RETRY_AFTER} s."},
            status=503,
        )
    else:
        response = render(request, "503.html", {"retry_after": RETRY_AFTER}, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    patch_cache_control(response, private=True, no_store=True)
    return response


class DatabaseOutageMiddleware:
    """Answer 503 when a view fails because the database cannot be reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        logger.error(
            "Database unavailable: %s %s", request.method, request.path, exc_info=exception
        )
        return unavailable(request)


def server_error(request):
    """
    handler500: 503 when the database failed outside a view (a middleware
    loading the session or the user), which DatabaseOutageMiddleware cannot
    catch; else 500, in JSON under /api/ and as the site's page elsewhere.
    Django has logged the error already.
    """
    if is_outage(sys.exception()):
        return unavailable(request)
    if is_api(request):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)
