"""Each service's OpenAPI document and its operations, for the spec, fuzz and authorisation tests."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

from support.env import SERVICES

METHODS = ("get", "put", "post", "delete", "patch")


def service_app(name: str):
    """A fresh app of the service (documents are built at start; nothing is called)."""
    return importlib.import_module(f"{name}.app").create_app()


def spec_of(app) -> dict:
    """The document the service serves at /api/<segment>/openapi.json."""
    return app.extensions["tomtin"]["api"].spec.to_dict()


def operations(spec: dict) -> Iterator[tuple[str, str, dict]]:
    """(method, path, operation) for every operation in a document."""
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def all_specs() -> dict[str, dict]:
    return {name: spec_of(service_app(name)) for name in SERVICES}
