"""Token authentication that stops a client from guessing keys."""

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.settings import api_settings

from briefings.throttling import RateWindow, client_ip


class ThrottledTokenAuthentication(TokenAuthentication):
    """
    Count a client's failed tokens; once it has sent API_AUTH_FAILURE_RATE of
    them ("token_failure" rate) every request of its carrying an Authorization
    header answers 429 until the window ends, right key or wrong.
    """

    def authenticate(self, request):
        rate = api_settings.DEFAULT_THROTTLE_RATES.get("token_failure")
        # Requests without credentials cost nothing here.
        if not rate or "authorization" not in request.headers:
            return super().authenticate(request)
        failures = RateWindow("token-failure", rate, client_ip(request))
        if failures.is_full():
            raise Throttled(wait=failures.retry_after)
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            failures.hit()
            raise
