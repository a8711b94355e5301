"""
Who a client is, and how often it may come back.

`client_ip` is the one client identity behind the admin login lockout
(django-axes), the API throttles and the reader page throttle here, so a
client that one of them counts cannot escape another by changing headers.
`RateWindow` counts a client's requests in the default cache, one increment
a request (Redis when REDIS_URL is set, so every app server sees one count).
"""

import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
# Paths with limits of their own (django-axes for the admin, DRF's throttles
# for the API) or none worth counting (static files, the load balancer's probe).
UNTHROTTLED_PREFIXES = ("/admin/", "/api/", "/static/", "/healthz")


def client_ip(request):
    """
    Return the address that identifies the client of request.

    With NUM_PROXIES trusted proxies in front of the site, each appends the
    address it was reached from to X-Forwarded-For, so the client is the
    NUM_PROXIES-th entry from the end; the entries before it are whatever the
    client sent, and are never read. With no proxies the header is ignored.
    An IPv6 client is its /64 network, as one host is usually given a whole
    /64 to rotate through.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NUM_PROXIES
    forwarded = request.headers.get("x-forwarded-for", "")
    if proxies and forwarded:
        hops = forwarded.split(",")
        address = hops[-min(proxies, len(hops))].strip()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        # Only a misconfigured proxy sends this; count its clients together.
        return request.META.get("REMOTE_ADDR", "")
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def parse_rate(rate):
    """Return (requests, seconds) of a rate such as "300/minute"."""
    requests, period = rate.split("/")
    return int(requests), PERIODS[period]


class RateWindow:
    """
    One client's requests in the current fixed window of a rate.

    A window starts every `seconds` (aligned to the clock, so every server
    agrees); a client may make `requests` in it. At a window's edge a client
    can make up to twice the rate in a short burst: the price of one cache
    increment a request, which a sliding log of timestamps would not have.
    """

    def __init__(self, scope, rate, ident):
        self.limit, self.seconds = parse_rate(rate)
        now = time.time()
        window = int(now // self.seconds)
        self.key = f"rate:{scope}:{ident}:{window}"
        self.retry_after = max(1, math.ceil((window + 1) * self.seconds - now))

    def hit(self):
        """Count one request; return whether it is within the limit."""
        try:
            count = cache.incr(self.key)
        except ValueError:
            # The window's first request. The key outlives the window a little
            # so a slow clock elsewhere still finds it.
            count = 1 if cache.add(self.key, 1, self.seconds + 5) else cache.incr(self.key)
        return count <= self.limit

    def is_full(self):
        """Return whether the limit is reached, without counting."""
        return (cache.get(self.key) or 0) >= self.limit


def too_many_requests(request, retry_after):
    """The reader-facing 429 page, with Retry-After in seconds."""
    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    patch_cache_control(response, private=True, no_store=True)
    return response


class PageThrottleMiddleware:
    """
    Throttle reader pages per client: search at SEARCH_RATE, every other
    page at PAGE_RATE (PAGE_THROTTLE_RATES). Staff are never refused; they
    are only looked up once over the limit, so a reader's request costs one
    cache increment and no session or user query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def search_path(self):
        return reverse("briefings:search")

    def __call__(self, request):
        path = request.path_info
        if not path.startswith(UNTHROTTLED_PREFIXES):
            scope = "search" if path == self.search_path else "page"
            rate = settings.PAGE_THROTTLE_RATES[scope]
            if rate:
                window = RateWindow(scope, rate, client_ip(request))
                if not window.hit() and not request.user.is_staff:
                    return too_many_requests(request, window.retry_after)
        return self.get_response(request)
