"""Every refusal of the API as one JSON shape: `{"errors": [{"field", "rule", "message"}]}`.

The handlers only translate: the rules themselves are checked by the policy and the register
services, which raise `RuleViolation(field, rule, message)`. The status says what went wrong:

    401  no token, or a token that is unknown, revoked or expired (rule "token")
    403  the token's staff role may not do this (rule "staff_role", "Sec1", "Sec4")
    404  the person, datum, role, organisation or agreement does not exist (rule "exists")
    409  the person or datum is restricted, GDPR Art. 18 (rule "Art18")
    429  the token made more calls than the policy's [api] limit (rule "Sec3"), with
         Retry-After in seconds
    422  a rule was broken (rule C1..C5, P3, Art5, Art6, format, ...) or the request did not
         match the schema (rule "schema")

No handler logs anything: a refusal carries request metadata, and nothing logs that (W1).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from privacydesk.policy.errors import RestrictedError, RuleViolation


class NotFound(Exception):
    """A thing the request names does not exist; `field` is the path parameter naming it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


class Forbidden(Exception):
    """The token's staff role may not do this; `rule` names the promise that forbids it."""

    def __init__(self, rule: str, message: str, field: str = "Authorization") -> None:
        self.rule = rule
        self.message = message
        self.field = field
        super().__init__(message)


class RateLimited(Exception):
    """The token made more calls than the policy's [api] limit allows (Sec3): 429."""

    def __init__(self, retry_after: int, message: str) -> None:
        self.retry_after = retry_after
        self.message = message
        super().__init__(message)


def error_body(field: str, rule: str, message: str) -> dict[str, list[dict[str, str]]]:
    """The body every refusal carries."""
    return {"errors": [{"field": field, "rule": rule, "message": message}]}


def _schema_field(loc: Any) -> str:
    # ninja's loc is ("body", "payload", "values") or ("query", "purpose"): drop the part
    # that says where it was and the name of the view's argument; keep the field's path.
    parts = [str(p) for p in (loc or ())]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        kind = parts.pop(0)
        if kind == "body" and len(parts) > 1:
            parts.pop(0)
    return ".".join(parts) or "body"


def schema_errors(exc: SchemaError) -> dict[str, list[dict[str, str]]]:
    """Translate pydantic's errors into ours: field from `loc`, rule "schema"."""
    errors = []
    for err in exc.errors:
        if err.get("type") == "json_invalid":
            errors.append({"field": "body", "rule": "schema",
                           "message": "the request body is not valid JSON"})
        else:
            errors.append({"field": _schema_field(err.get("loc")), "rule": "schema",
                           "message": str(err.get("msg", "invalid value"))})
    return {"errors": errors or error_body("body", "schema", "invalid request")["errors"]}


def install(api: NinjaAPI) -> None:
    """Register the handlers on `api`. (`exc` is typed Any: ninja's signature allows the
    exception or its class; ours always receive the instance.)"""

    def refuse(request: HttpRequest, status: int, field: str, rule: str,
               message: str) -> HttpResponse:
        return api.create_response(request, error_body(field, rule, message), status=status)

    def rule_violation(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc, RestrictedError):
            # GDPR Art. 18: the data are kept, but may not be used; the client asked to.
            return refuse(request, 409, exc.field, "Art18", exc.message)
        return api.create_response(request, {"errors": [exc.as_dict()]}, status=422)

    def schema_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, schema_errors(exc), status=422)

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return refuse(request, 404, exc.field, "exists", exc.message)

    def http404(request: HttpRequest, exc: Any) -> HttpResponse:
        return refuse(request, 404, "path", "exists", "no such resource")

    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return refuse(request, 403, exc.field, exc.rule, exc.message)

    def permission_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return refuse(request, 403, "Authorization", "Sec1",
                      "your staff role may not see or change these data")

    def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        response = refuse(request, 401, "Authorization", "token",
                          "send a valid API token: Authorization: Bearer <token>")
        response["WWW-Authenticate"] = "Bearer"
        return response

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if exc.status_code == 400:
            # ninja's "Cannot parse request body": the body is not JSON at all.
            return refuse(request, 422, "body", "schema", "the request body is not valid JSON")
        return refuse(request, exc.status_code, "request", "http", str(exc.message))

    def rate_limited(request: HttpRequest, exc: Any) -> HttpResponse:
        response = refuse(request, 429, "Authorization", "Sec3", exc.message)
        response["Retry-After"] = str(exc.retry_after)
        return response

    api.add_exception_handler(RuleViolation, rule_violation)
    api.add_exception_handler(SchemaError, schema_error)
    api.add_exception_handler(NotFound, not_found)
    api.add_exception_handler(Http404, http404)
    api.add_exception_handler(Forbidden, forbidden)
    api.add_exception_handler(PermissionDenied, permission_denied)
    api.add_exception_handler(RateLimited, rate_limited)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(HttpError, http_error)
