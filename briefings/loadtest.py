"""
A load test against a running site (`manage.py loadtest`): readers on the
pages and the API, and editors writing through the API with If-Match, for a
bounded time; then a check that every write the server acknowledged is stored.

The process must reach the server's database: it makes the run's accounts,
tokens and draft objects there before the run, and reads each acknowledged
write back from the objects' history afterwards.
"""

import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import transaction
from django.urls import reverse
from rest_framework.authtoken.models import Token

from briefings import editing
from briefings.models import Actor, Briefing, Claim, Event

REQUEST_TIMEOUT = 30
EDITOR_NAME = "loadtest-editor"
READER_NAME = "loadtest-reader"
# Fields of an existing claim a run's draft claim copies (it anchors the same span).
CLAIM_COPY_FIELDS = (
    "start", "end", "quote", "speaker", "speaker_role", "attribution_kind", "cue",
    "quote_type", "channel", "claim_type", "event", "said_date",
)  # fmt: skip
# What editors write on each kind of target: (model, API route, field).
TARGETS = {
    "briefing": (Briefing, "api:briefing-detail", "lede"),
    "claim": (Claim, "api:claim-detail", "rationale"),
}


@dataclass
class Results:
    """What every client saw; appended to from all threads under `lock`."""

    latencies: dict = field(default_factory=dict)  # group -> [seconds]
    statuses: Counter = field(default_factory=Counter)  # (group, status) -> count
    writes: list = field(default_factory=list)  # (kind, pk, version, value)
    errors: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, group, status, seconds):
        with self.lock:
            self.latencies.setdefault(group, []).append(seconds)
            self.statuses[group, status] += 1


@dataclass
class Plan:
    """The run's accounts and objects, made before it and removed after it."""

    run_id: str
    editor_token: str
    reader_token: str
    reader_paths: list
    api_paths: list
    targets: list  # per pair of editors: [(kind, pk, API path), ...]


@transaction.atomic
def prepare(*, editors):
    """Make the run's accounts, tokens and draft targets; list what readers fetch."""
    run_id = uuid.uuid4().hex[:8]
    editor, _ = User.objects.update_or_create(username=EDITOR_NAME, defaults={"is_staff": True})
    editor.groups.add(Group.objects.get(name="Editors"))
    reader, _ = User.objects.get_or_create(username=READER_NAME)
    # Token access only: nobody signs in as these accounts.
    for user in (editor, reader):
        user.set_unusable_password()
        user.save()
    # Two editors share each group of targets, so some writes race and meet 412.
    targets = []
    source = Claim.objects.visible_to(AnonymousUser()).select_related("article").first()
    for n in range(max(1, (editors + 1) // 2)):
        briefing = editing.briefing_save(
            briefing=Briefing(),
            data={"slug": f"loadtest-{run_id}-{n}", "title": f"Load test {run_id} #{n}",
                  "lede": "Draft."},
            by=editor,
        ).obj  # fmt: skip
        group = [("briefing", briefing.pk, reverse("api:briefing-detail", args=[briefing.slug]))]
        if source is not None:
            data = {name: getattr(source, name) for name in CLAIM_COPY_FIELDS}
            claim = editing.claim_save(
                claim=Claim(article=source.article), data=data, by=editor
            ).obj
            group.append(("claim", claim.pk, reverse("api:claim-detail", args=[claim.pk])))
        targets.append(group)
    return Plan(
        run_id=run_id,
        editor_token=Token.objects.get_or_create(user=editor)[0].key,
        reader_token=Token.objects.get_or_create(user=reader)[0].key,
        reader_paths=reader_paths(),
        api_paths=api_paths(),
        targets=targets,
    )


def reader_paths():
    anonymous = AnonymousUser()
    paths = [reverse("briefings:home"), reverse("briefings:actor-index"), reverse("sco:overview")]
    for briefing in Briefing.objects.visible_to(anonymous)[:10]:
        paths.append(briefing.get_absolute_url())
    for claim in Claim.objects.visible_to(anonymous)[:20]:
        paths.append(claim.get_absolute_url())
    for actor in Actor.objects.visible_to(anonymous)[:10]:
        paths.append(actor.get_absolute_url())
    for event in Event.objects.visible_to(anonymous)[:3]:
        paths.append(event.get_absolute_url())
    return paths


def api_paths():
    anonymous = AnonymousUser()
    paths = [
        reverse("api:briefing-list"),
        reverse("api:claim-list") + "?page_size=20",
        reverse("api:actor-list"),
        reverse("api:sco-membership-list"),
    ]
    for briefing in Briefing.objects.visible_to(anonymous)[:10]:
        paths.append(reverse("api:briefing-detail", args=[briefing.slug]))
    for claim in Claim.objects.visible_to(anonymous)[:20]:
        paths.append(reverse("api:claim-detail", args=[claim.pk]))
    return paths


def cleanup(plan):
    """Remove the run's drafts and its tokens; the accounts stay, named in history."""
    with transaction.atomic():
        for kind, pk, _ in (target for group in plan.targets for target in group):
            TARGETS[kind][0].objects.filter(pk=pk).delete()
        Token.objects.filter(key__in=[plan.editor_token, plan.reader_token]).delete()


def request(base_url, method, path, *, token=None, headers=None, data=None):
    """Return (status, headers, body bytes); status 0 when the server did not answer."""
    headers = dict(headers or {})
    if token:
        headers["Authorization"] = f"Token {token}"
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base_url + path, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()
    except OSError as error:
        return 0, {}, str(error).encode()


def timed(results, group, base_url, method, path, **kwargs):
    started = time.perf_counter()
    status, headers, body = request(base_url, method, path, **kwargs)
    results.record(group, status, time.perf_counter() - started)
    if status == 0 or status >= 500:
        with results.lock:
            results.errors.append(f"{method} {path}: {status} {body[:200]!r}")
    return status, headers, body


def reader(base_url, plan, results, deadline, rng):
    """Alternate between pages (anonymous, as browsers) and the API (with a token)."""
    while time.monotonic() < deadline:
        if rng.random() < 0.5:
            timed(results, "pages", base_url, "GET", rng.choice(plan.reader_paths))
        else:
            path = rng.choice(plan.api_paths)
            timed(results, "api", base_url, "GET", path, token=plan.reader_token)


def editor(base_url, plan, results, deadline, rng, number):
    """
    Read a target, then PATCH a marker into it with the ETag just read; on
    412 (another editor got there first) read again and retry.
    """
    mine = plan.targets[number // 2 % len(plan.targets)]
    writes = 0
    while time.monotonic() < deadline:
        kind, pk, path = rng.choice(mine)
        field_name = TARGETS[kind][2]
        status, headers, _ = timed(results, "api", base_url, "GET", path, token=plan.editor_token)
        if status != 200:
            continue
        value = f"Load test {plan.run_id}, editor {number}, write {writes}."
        status, _, body = timed(
            results, "writes", base_url, "PATCH", path, token=plan.editor_token,
            headers={"If-Match": headers["ETag"]}, data={field_name: value},
        )  # fmt: skip
        if 200 <= status < 300:
            writes += 1
            version = json.loads(body)["version"]
            with results.lock:
                results.writes.append((kind, pk, version, value))


def run(*, base_url, plan, clients, editors, duration, seed=0):
    """Run `clients` threads for `duration` seconds; return Results and the elapsed time."""
    results = Results()
    deadline = time.monotonic() + duration
    threads = []
    for number in range(clients):
        rng = random.Random(seed * 1000 + number)
        if number < editors:
            args = (base_url, plan, results, deadline, rng, number)
            threads.append(threading.Thread(target=editor, args=args))
        else:
            args = (base_url, plan, results, deadline, rng)
            threads.append(threading.Thread(target=reader, args=args))
    return results, run_all(threads)


def run_all(threads):
    """Start the threads, wait for them all; return the seconds it took."""
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def lost_writes(plan, results):
    """
    Return the acknowledged writes not stored as acknowledged: each 2xx names
    the version it made, whose history entry must hold its value, no two
    acknowledgements may claim one version, and each target must end with the
    value of its highest acknowledged version.
    """
    lost = []
    seen = Counter((kind, pk, version) for kind, pk, version, _ in results.writes)
    lost += [
        f"{kind} {pk} version {v} acknowledged twice" for (kind, pk, v), n in seen.items() if n > 1
    ]
    latest = {}
    for kind, pk, version, value in results.writes:
        model, _, field_name = TARGETS[kind]
        stored = model.history.filter(id=pk, version=version).values_list(field_name, flat=True)
        if value not in stored:
            lost.append(f"{kind} {pk} version {version}: {value!r} not in its history")
        if version > latest.get((kind, pk), (0, None))[0]:
            latest[kind, pk] = (version, value)
    for (kind, pk), (version, value) in latest.items():
        model, _, field_name = TARGETS[kind]
        if getattr(model.objects.get(pk=pk), field_name) != value:
            lost.append(f"{kind} {pk} does not end with version {version}'s {value!r}")
    return lost


def percentile(values, fraction):
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def report(results, elapsed):
    """Return the summary lines: per group and overall rps, p50, p99, and statuses."""
    lines = [f"{'':8} {'requests':>9} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8}  statuses"]
    groups = sorted(results.latencies)
    everything = [s for group in groups for s in results.latencies[group]]
    for group, latencies in [*((g, results.latencies[g]) for g in groups), ("all", everything)]:
        statuses = Counter()
        for (name, status), count in results.statuses.items():
            if group in (name, "all"):
                statuses[status] += count
        lines.append(
            f"{group:8} {len(latencies):9d} {len(latencies) / elapsed:8.1f} "
            f"{percentile(sorted(latencies), 0.5) * 1000:8.1f} "
            f"{percentile(sorted(latencies), 0.99) * 1000:8.1f}  "
            + " ".join(f"{status}×{count}" for status, count in sorted(statuses.items()))
        )
    return lines


def server_errors(results):
    return sum(n for (_, status), n in results.statuses.items() if status == 0 or status >= 500)


# Serving and hammering one path (`manage.py bench`) -----------------------------

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Served:
    """A running gunicorn: its base URL and its master's process id."""

    url: str
    pid: int | None = None

    def worker_mb(self):
        """
        The resident memory of its biggest worker, in MB, read from /proc
        (Linux); None where there is no /proc.
        """
        sizes = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if self.pid is not None and int(fields[1]) == self.pid:
                    status = (stat.parent / "status").read_text()
                    sizes.append(int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)[1]))
            except (OSError, IndexError, TypeError):
                continue  # a process that ended meanwhile
        return round(max(sizes) / 1024, 1) if sizes else None


@contextmanager
def gunicorn(*, environ=None, startup=60):
    """
    Run gunicorn as `make serve` does (briefings/gunicorn.py) on a free port,
    against this process's database and cache, with the readers' throttles
    off; yield it (Served), and stop it on leaving.
    """
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        "STATIC_MANIFEST": "0",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "GUNICORN_LOG_LEVEL": "warning",
        "PAGE_RATE": "off",
        "SEARCH_RATE": "off",
        "API_ANON_RATE": "off",
        **(environ or {}),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:briefings.gunicorn", "briefings.wsgi",
         "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup
        while request(base_url, "GET", "/healthz")[0] != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn on port {port} did not start")
            time.sleep(0.2)
        yield Served(base_url, server.pid)
    finally:
        server.terminate()
        server.wait(30)


def hammer(base_url, path, *, clients, duration):
    """GET `path` from `clients` threads for `duration` seconds; return Results and elapsed."""
    results = Results()
    deadline = time.monotonic() + duration

    def client():
        while time.monotonic() < deadline:
            timed(results, "get", base_url, "GET", path, headers={"Accept-Encoding": "gzip"})

    return results, run_all([threading.Thread(target=client) for _ in range(clients)])
