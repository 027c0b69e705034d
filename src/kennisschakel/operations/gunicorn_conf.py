"""gunicorn settings for Kennisschakel: a plain gunicorn configuration module.

`kennisschakel serve` loads it (operations/server.py), then applies its own command line
(address, ``--workers``) and ``GUNICORN_CMD_ARGS`` for anything else an operator wants to
tune. It can also be used with gunicorn's own command:
``gunicorn -c python:kennisschakel.operations.gunicorn_conf kennisschakel.wsgi``.

Only the environment is read here (never Django settings): gunicorn reads this module
before the application is loaded.
"""

import os

# Where to listen. Behind the reverse proxy: the loopback address. Under systemd socket
# activation (deploy/systemd/kennisschakel-web.socket) gunicorn takes the socket it is
# handed and ignores this.
bind = [os.environ.get("KENNISSCHAKEL_BIND", "127.0.0.1:8000")]

MAX_DEFAULT_WORKERS = 8


def default_workers() -> int:
    """2 × CPUs + 1 (gunicorn's advice for sync workers), at most 8.

    The CPUs this process may use (a container's or systemd's CPU set), not the machine's.
    Past 8 a single-host site is limited by the database, not by the web workers, and each
    worker still costs its own Python heap.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return min(2 * cpus + 1, MAX_DEFAULT_WORKERS)


workers = int(os.environ.get("KENNISSCHAKEL_WEB_WORKERS") or default_workers())
# Sync workers: one request per process at a time, a fixed pool, so persistent database
# connections (KENNISSCHAKEL_CONN_MAX_AGE) are safe, and slow work is never in a request
# (it goes to `kennisschakel worker`).
worker_class = "sync"

# Load the application (Django, the search and match indexes, every import) once in the
# master before forking: the workers share those pages copy-on-write, start in
# milliseconds, and a worker replaced after max_requests starts warm.
preload_app = True

# No page may take more than 2 s (issue 11); 30 s means something is stuck: the worker
# is killed and replaced. Stopping or reloading waits as long for requests in flight.
timeout = int(os.environ.get("KENNISSCHAKEL_WEB_TIMEOUT", "30"))
graceful_timeout = 30
# The reverse proxy keeps connections to us open between requests.
keepalive = 5
# Recycle a worker now and then, so slow growth of its memory never adds up.
max_requests = 2000
max_requests_jitter = 200

# The heartbeat file each worker touches: in memory, not on a disk that might stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Only the proxies we trust may set X-Forwarded-Proto / -For (core/clientip.py uses the
# same list); gunicorn's default trusts the loopback address.
forwarded_allow_ips = os.environ.get("KENNISSCHAKEL_TRUSTED_PROXIES") or "127.0.0.1,::1"

# Logs to stdout/stderr: the journal (systemd) keeps and rotates them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("KENNISSCHAKEL_LOG_LEVEL", "info").lower()
# The client behind the proxy, the request, status, bytes, duration in ms, referrer, agent.
access_log_format = '%(h)s fwd=%({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
proc_name = "kennisschakel-web"

# gunicorn's runtime control socket would land at one fixed path per user (two servers
# would share it); systemd and signals (HUP reload, TERM stop) are how it is managed here.
control_socket_disable = True


def pre_fork(server, worker):
    """The master must not hand its database connections to the workers it forks.

    A connection opened while preloading (a warm-up's query) would be one socket shared
    by every worker: interleaved protocol messages, then errors.
    """
    from django.db import connections

    connections.close_all()
