"""
Cache of the pages anonymous readers see.

Every cached page's key carries a *generation* token. Any save or delete of
a briefings or sco row (and any change to their many-to-many links) sets a
new token, so all cached pages go stale at once: simple, and never wrong
about what a change may have touched. Staff and other signed-in users
bypass the cache in both directions, so a draft preview is never stored
nor served to the public.

Scheduled briefings (published_at in the future) appear without a write,
so entries also expire after PAGE_TIMEOUT seconds.
"""

import hashlib
import uuid
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import compress_string

GENERATION_KEY = "public-pages:generation"
PAGE_TIMEOUT = 300
# Apps whose rows appear on public pages.
PUBLIC_APPS = {"briefings", "sco"}


def generation():
    return cache.get_or_set(GENERATION_KEY, lambda: uuid.uuid4().hex, None)


def invalidate_public_pages(sender, **kwargs):
    """Signal receiver: start a new generation when a row shown to readers changes."""
    if sender._meta.app_label in PUBLIC_APPS:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def page_key(request):
    # Pages carry absolute links (canonical, Open Graph, feeds): one rendered for
    # one host or scheme must not be served to another.
    url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"public-pages:{generation()}:{url}"


def stored_response(request, content, compressed, content_type):
    """The stored page, gzipped as stored when the client takes gzip: compressed once per page."""
    if "gzip" in request.headers.get("Accept-Encoding", "") and len(compressed) < len(content):
        response = HttpResponse(compressed, content_type=content_type)
        response["Content-Encoding"] = "gzip"
        return response
    return HttpResponse(content, content_type=content_type)


def cache_public_page(view):
    """
    Serve anonymous GET/HEAD requests from the cache, storing successful pages.

    Signed-in users always get a fresh, private, uncached page.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_store=True)
            return response
        key = page_key(request)
        cached = cache.get(key)
        if cached is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code != 200 or response.streaming:
                patch_vary_headers(response, ["Cookie"])
                return response
            cached = (response.content, compress_string(response.content), response["Content-Type"])
            cache.set(key, cached, PAGE_TIMEOUT)
        response = stored_response(request, *cached)
        patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
        patch_cache_control(response, public=True, max_age=60)
        return response

    return wrapper
