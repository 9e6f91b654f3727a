"""The services tomtin is made of, named once: schemas, roles, API paths and job modules follow from it.

Everything in `common` that must reach every service (migrations, the worker, the scheduler) starts
from this list, by name, so the shared package imports no service.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

SERVICES = ("accounts", "inventory", "payments", "reporting")
# The gateway path segment of each service's API, where it is not the service's name.
_API_SEGMENTS = {"accounts": "auth", "reporting": "reports"}


def api_segment(service: str) -> str:
    """The gateway path segment for a service (/api/auth, /api/reports, ...)."""
    return _API_SEGMENTS.get(service, service)


def import_jobs_modules() -> list[ModuleType]:
    """Import every service's `jobs` module, so its consumers and periodic jobs register themselves."""
    return [
        importlib.import_module(f"{service}.jobs")
        for service in SERVICES
        if importlib.util.find_spec(f"{service}.jobs") is not None
    ]
