"""
What the readers' and consumers' main URLs cost on the current database
(`manage.py bench`), found from its data: the biggest briefings, the actor
with most claims, a common and a rare word of the claims' quotes.

In-process, through django.test.Client as an anonymous reader: *cold* is a
request after the page cache was emptied (a new generation, as after any
save; claim cards stay cached), *warm* the same URL requested again. Then,
optionally, requests per second and p50/p99 under gunicorn with concurrent
clients, each as a ratio to a constant page (robots.txt) measured in the
same run, so numbers from different machines can be compared.
"""

import os
import platform
import re
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from briefings import loadtest
from briefings.cache import GENERATION_KEY
from briefings.models import Actor, Article, Briefing, Claim

FLOOR_PATH = "/robots.txt"
# Quotes read to choose the search words.
WORD_SAMPLE = 2000


@dataclass
class Measured:
    name: str
    url: str
    requests: int
    queries: int
    bytes: int
    cold_p50_ms: float
    cold_p95_ms: float
    warm_p95_ms: float


@dataclass
class Loaded:
    name: str
    url: str
    rps: float
    p50_ms: float
    p99_ms: float
    floor_ratio: float
    failed: int  # requests not answered 200 within loadtest.REQUEST_TIMEOUT
    worker_mb: float | None  # the biggest gunicorn worker's resident memory afterwards


def search_words():
    """Return (common, rare): the most frequent word of public quotes, and one seen once."""
    quotes = Claim.objects.public().order_by("pk").values_list("quote", flat=True)[:WORD_SAMPLE]
    # Latin-script words: Chinese runs no spaces between words.
    counts = Counter(
        word for quote in quotes for word in re.findall(r"\b[a-z]{5,}\b", quote.lower())
    )
    if not counts:
        return None, None
    ranked = counts.most_common()
    return ranked[0][0], ranked[-1][0]


def targets():
    """Return [(name, url)]: the URLs measured, chosen from what readers may see."""
    found = [("home", reverse("briefings:home"))]
    briefings = Briefing.objects.public().annotate(claims=Count("claim_links"))
    for briefing in briefings.order_by("-claims", "pk")[:2]:
        found.append((f"briefing, {briefing.claims} claims", briefing.get_absolute_url()))
    actor = (
        Actor.objects.public()
        .annotate(claims=Count("claims_made"))
        .order_by("-claims", "pk")
        .first()
    )
    if actor is not None:
        found.append((f"actor, {actor.claims} claims", actor.get_absolute_url()))
    article = Article.objects.public().order_by("pk").first()
    if article is not None:
        found.append(("article", article.get_absolute_url()))
    common, rare = search_words()
    if common:
        search = reverse("briefings:search")
        found.append(("search, common word", f"{search}?{urlencode({'q': common})}"))
        found.append(("search, rare word", f"{search}?{urlencode({'q': rare})}"))
    found.append(("sco overview", reverse("sco:overview")))
    if actor is not None:
        claims = reverse("api:claim-list")
        found.append(("API claims by speaker", f"{claims}?page_size=100&speaker={actor.slug}"))
    claim = Claim.objects.public().order_by("pk").first()
    if claim is not None:
        found.append(("claim", claim.get_absolute_url()))
    if article is not None:
        found.append(
            ("API web annotations", reverse("api:article-annotations", args=[article.slug]))
        )
    briefing = Briefing.objects.public().order_by("-published_at", "pk").first()
    if briefing is not None:
        found.append(("API briefing", reverse("api:briefing-detail", args=[briefing.slug])))
    return found


def percentile(values, fraction):
    return loadtest.percentile(sorted(values), fraction) * 1000


class Reader:
    """An anonymous client whose every request comes from a new address, so no throttle counts."""

    def __init__(self):
        # A host the site serves: the first of ALLOWED_HOSTS ("*" and ".example.org" as any).
        host = settings.ALLOWED_HOSTS[0].lstrip(".") if settings.ALLOWED_HOSTS else "*"
        self.client = Client(HTTP_HOST="localhost" if host == "*" else host)
        self.requests = 0

    def get(self, url):
        """Return (response, seconds, queries)."""
        self.requests += 1
        address = f"10.{self.requests >> 16 & 255}.{self.requests >> 8 & 255}.{self.requests & 255}"
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = self.client.get(url, REMOTE_ADDR=address)
            seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response, seconds, len(queries)


def measure(name, url, *, requests, budget, reader):
    """Request `url` cold then warm, `requests` times or until `budget` seconds have passed."""
    cold, warm = [], []
    deadline = time.monotonic() + budget
    while len(cold) < requests and (not cold or time.monotonic() < deadline):
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)  # empty the page cache
        response, seconds, queries = reader.get(url)
        cold.append(seconds)
        warm.append(reader.get(url)[1])
    return Measured(
        name=name,
        url=url,
        requests=len(cold),
        queries=queries,
        bytes=len(response.content),
        cold_p50_ms=round(percentile(cold, 0.5), 2),
        cold_p95_ms=round(percentile(cold, 0.95), 2),
        warm_p95_ms=round(percentile(warm, 0.95), 2),
    )


def in_process(found, *, requests, budget, progress=lambda name: None):
    reader = Reader()
    rows = []
    for name, url in found:
        progress(name)
        rows.append(measure(name, url, requests=requests, budget=budget, reader=reader))
    return rows


def under_load(found, *, seconds, clients, progress=lambda name: None):
    """Return [Loaded] for the floor and each URL, against one gunicorn."""
    rows = []
    with loadtest.gunicorn() as served:
        floor = None
        for name, url in [("floor (robots.txt)", FLOOR_PATH), *found]:
            progress(f"{name}, under load")
            loadtest.hammer(served.url, url, clients=clients, duration=min(seconds, 2))  # warm up
            results, elapsed = loadtest.hammer(served.url, url, clients=clients, duration=seconds)
            answered = results.statuses["get", 200]
            latencies = results.latencies.get("get", [])
            rps = answered / elapsed
            floor = floor or rps
            rows.append(
                Loaded(
                    name=name,
                    url=url,
                    rps=round(rps, 1),
                    p50_ms=round(percentile(latencies, 0.5), 1),
                    p99_ms=round(percentile(latencies, 0.99), 1),
                    floor_ratio=round(rps / floor, 3),
                    failed=len(latencies) - answered,
                    worker_mb=served.worker_mb(),
                )
            )
    return rows


def machine():
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "database": connection.vendor,
        "cache": settings.CACHES["default"]["BACKEND"],
        "load_average": list(os.getloadavg()),
    }


def report(measured, loaded):
    return {
        "machine": machine(),
        "urls": [asdict(row) for row in measured],
        "load": [asdict(row) for row in loaded],
    }


def aligned(rows, columns):
    """Return lines of `rows` (dataclasses) in columns of (field, heading, format)."""
    cells = [[heading for _, heading, _ in columns]]
    cells += [[fmt.format(getattr(row, name)) for name, _, fmt in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    return [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in cells
    ]


URL_COLUMNS = (
    ("name", "url", "{}"),
    ("requests", "requests", "{}"),
    ("queries", "queries", "{}"),
    ("bytes", "bytes", "{}"),
    ("cold_p50_ms", "cold p50 ms", "{:.1f}"),
    ("cold_p95_ms", "cold p95 ms", "{:.1f}"),
    ("warm_p95_ms", "warm p95 ms", "{:.1f}"),
)
LOAD_COLUMNS = (
    ("name", "url", "{}"),
    ("rps", "req/s", "{:.1f}"),
    ("p50_ms", "p50 ms", "{:.1f}"),
    ("p99_ms", "p99 ms", "{:.1f}"),
    ("floor_ratio", "× floor", "{:.3f}"),
    ("failed", "failed", "{}"),
    ("worker_mb", "worker MB", "{}"),
)
