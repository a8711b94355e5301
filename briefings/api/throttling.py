"""
The API's throttles, all counting clients by `briefings.throttling.client_ip`
so a forged X-Forwarded-For header is no new client.
"""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from briefings.throttling import client_ip


class ClientIdentMixin:
    def get_ident(self, request):
        return client_ip(request)


class AnonThrottle(ClientIdentMixin, AnonRateThrottle):
    """Anonymous requests, per client, at the "anon" rate (API_ANON_RATE)."""


class WriteThrottle(UserRateThrottle):
    """Authenticated writes, per user, at the "write" rate (API_WRITE_RATE); reads are free."""

    scope = "write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return True
        return super().allow_request(request, view)
