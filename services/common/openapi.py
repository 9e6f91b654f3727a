"""The OpenAPI document each service serves, made true to what the service does.

flask-smorest builds it from the marshmallow schemas; this module corrects what it gets wrong
for us: decimals are sent as strings (so they are typed as strings with a pattern, never as
numbers with string-valued bounds), errors are `application/problem+json` in the shared shape,
and every operation says who may call it (the bearer scheme, plus `x-auth-rule` from the
route's `login_required` / `public`).
"""

from __future__ import annotations

import http
from typing import Any

import flask_smorest
from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser

from .auth import PUBLIC
from .errors import PROBLEM_MIME

BEARER = {"bearer": []}
SPEC_OPTIONS = {
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
    },
}
IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": True,
    "description": "A UUID made by the client per sale; a retry with the same key and body gets the first answer.",
    "schema": {"type": "string", "format": "uuid"},
}


class ProblemSchema(Schema):
    """RFC 9457 problem details, as `common.errors.problem` writes them."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    errors = fields.Dict(keys=fields.String(), metadata={"description": "Messages per field."})


class SchemaReusingParser(FlaskParser):
    """webargs builds a schema given as a class anew for every request it parses; this builds
    each once (a schema keeps nothing between loads), which was a few percent of a poll's CPU."""

    def __init__(self) -> None:
        super().__init__()
        self._schemas: dict[type[Schema], Schema] = {}

    def _get_schema(self, argmap: Any, req: Any) -> Schema:
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas[argmap] = argmap()
            return schema
        return super()._get_schema(argmap, req)


class Blueprint(flask_smorest.Blueprint):
    """The services' blueprints: flask-smorest's, parsing arguments with SchemaReusingParser."""

    ARGUMENTS_PARSER = SchemaReusingParser()


class ServiceApi(Api):
    """flask-smorest's Api, with every error response documented as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        # As flask-smorest registers them, but with the media type the services really send.
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not 100 <= status < 200 and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIME)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "An error in the shared problem+json shape", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_MIME)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)


def decimal_as_string(_converter: Any, field: fields.Field, ret: dict[str, Any]) -> dict[str, Any]:
    """Decimals travel as strings: a string with a pattern, without numeric bounds."""
    if not isinstance(field, fields.Decimal):
        return {}
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "format"):
        ret.pop(key, None)
    places = getattr(field, "max_places", None)
    if places is None and field.places is not None:
        places = -field.places.as_tuple().exponent
    fraction = rf"(\.[0-9]{{1,{places}}})?" if places else r"(\.[0-9]+)?"
    return {"type": "string", "pattern": rf"^-?[0-9]+{fraction}$"}


class AuthRulePlugin(BasePlugin):
    """Writes each operation's declared rule into the document, from the view's `auth_rule`."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def init_spec(self, spec: Any) -> None:
        for plugin in spec.plugins:
            if isinstance(plugin, MarshmallowPlugin):
                plugin.converter.add_attribute_function(decimal_as_string)

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **kwargs: Any
    ) -> None:
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        declared = getattr(self.app.view_functions.get(rule.endpoint), "auth_rule", None)
        for operation in operations.values():
            if declared is None:
                continue  # undeclared: the authorisation matrix test names it
            operation["x-auth-rule"] = declared
            if declared == PUBLIC:
                operation["security"] = []
            else:
                operation["security"] = [BEARER]
                operation["responses"].setdefault(401, "UNAUTHORIZED")
                operation["responses"].setdefault(403, "FORBIDDEN")


def make_api(app: Flask) -> ServiceApi:
    """The service's Api, with the corrections above."""
    app.config.setdefault("API_SPEC_OPTIONS", SPEC_OPTIONS)
    return ServiceApi(app, spec_kwargs={"extra_plugins": [AuthRulePlugin(app)]})
