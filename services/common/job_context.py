"""Running RQ jobs inside the right service's app context, with one JSON log line each."""

from __future__ import annotations

import functools
import importlib
import logging
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from rq import get_current_job

log = logging.getLogger("tomtin.job")
_apps: dict[str, Flask] = {}


def service_app(service: str) -> Flask:
    """The (per-process, lazily built) app of a service, for jobs to run in."""
    if service not in _apps:
        _apps[service] = importlib.import_module(f"{service}.app").create_app()
    return _apps[service]


def service_job(service: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate an RQ function so it runs in `service`'s app context and is logged."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from flask import current_app, has_app_context

            job = get_current_job()
            # A batch (a list of events) is logged by its size: its events would make a line of kilobytes.
            logged = tuple(f"{len(a)} items" if isinstance(a, list) else a for a in args)
            fields = {"job": func.__qualname__, "job_id": job.id if job else None, "args": logged}
            started = time.perf_counter()
            status = "failed"
            try:
                if has_app_context() and current_app.name == service:
                    result = func(*args, **kwargs)
                else:
                    with service_app(service).app_context():
                        result = func(*args, **kwargs)
                status = "ok"
                return result
            finally:
                fields.update(status=status, ms=round((time.perf_counter() - started) * 1000, 2))
                log.info("job", extra={"fields": fields})

        return wrapper

    return decorator
