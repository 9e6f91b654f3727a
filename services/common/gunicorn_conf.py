"""gunicorn settings shared by every service; sized for a 2-core VPS via the environment."""

import gc
import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 10
# The gateway gives idle connections up sooner (keepalive_timeout in its upstream blocks),
# so it never sends a request on a connection gunicorn is closing.
keepalive = 30
# The app logs one JSON line per request itself.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn's runtime control socket is not used, and several services on one host would
# race for its single default path.
control_socket_disable = True
# Build the app once in the master and fork the workers from it, so they share its pages
# (copy-on-write) instead of each importing everything again. Nothing opens a connection
# at app creation, so no socket is shared across the fork. WEB_PRELOAD=0 (the small-VPS profile,
# one worker) imports the app in the worker only: nothing to share, and the master stays small.
preload_app = os.environ.get("WEB_PRELOAD", "1") == "1"


def pre_fork(server, worker):
    """Move the preloaded app's objects out of the garbage collector's reach before forking: a
    collection in a worker would otherwise write to (and so copy) every page holding one."""
    gc.freeze()
