"""
reverse() for the public detail pages, at the cost of a string join.

reverse() costs ~50 µs: it walks the URL patterns and checks its result
against the pattern's regex. A briefing page links the same few views more
than a thousand times (claims, actors, articles, sources, JSON-LD), so each
view's URL is reversed once per URLconf and script prefix with a marker in
place of its one argument, and the argument is then filled in. Values a
slug or int converter would not take, and so might need quoting or be
refused, still go through reverse().
"""

import re
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Matches both the int and the slug converter, and no literal part of a URL.
MARKER = "9081726354"
PLAIN = re.compile(r"[-a-zA-Z0-9_]+")


@lru_cache(maxsize=64)
def _around_marker(viewname, urlconf, prefix):
    head, tail = reverse(viewname, args=[MARKER], urlconf=urlconf).split(MARKER)
    return head, tail


def reverse_one(viewname, value):
    """Return reverse(viewname, args=[value]) for a view taking one slug or int."""
    if value is None or not PLAIN.fullmatch(value := str(value)):
        return reverse(viewname, args=[value])
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    head, tail = _around_marker(viewname, urlconf, get_script_prefix())
    return f"{head}{value}{tail}"
