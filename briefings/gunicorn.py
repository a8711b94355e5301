"""
Gunicorn's configuration for `make serve`:

    gunicorn -c python:briefings.gunicorn briefings.wsgi

Sync workers: every request is short, CPU-bound rendering or a database
round trip, and each worker keeps one persistent database connection
(CONN_MAX_AGE), so workers × processes is the connection count to plan for.
"""

import multiprocessing

# The settings' own readers, so a malformed variable fails the same way here.
from briefings.settings import env_int, env_str


def default_workers():
    """Gunicorn's rule of thumb, 2 × cores + 1, capped so a big machine's connections stay few."""
    return min(2 * multiprocessing.cpu_count() + 1, 12)


bind = f"{env_str('HOST', '127.0.0.1')}:{env_int('PORT', 8000)}"
workers = env_int("WEB_CONCURRENCY", default_workers())
worker_class = "sync"
# A request still running after this many seconds is killed (its worker restarted).
timeout = env_int("GUNICORN_TIMEOUT", 60)
# On restart or shutdown, requests in flight get this long to finish.
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so slow memory growth cannot accumulate; the
# jitter keeps them from all restarting at once.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10

# Load the site once in the master and fork the workers from it: they start
# at once and share the code pages, and the schema generated in when_ready.
preload_app = True

# Gunicorn 27's control socket sits at one path per user, so a second server
# on the machine (a test, a load test) would take it over; nothing here uses it.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")
# Combined log format plus the request's duration in milliseconds.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'


def when_ready(server):
    """
    Render the OpenAPI schema once in the master, before the workers fork, so
    every worker (restarted ones too) starts with it in memory.
    """
    from django.db import connections

    from briefings.api.schema_cache import warm_schema_cache

    warm_schema_cache()
    # Never hand a connection opened here to the forked workers.
    connections.close_all()
