"""The shapes every router of the API shares: the one error body and the error answers.

An app's own shapes live with its router (privacydesk/register/api/schemas.py for persons,
data, roles, organisations and agreements; a capability's api.py for its own), so this
module names no app (#14.4).
"""

from __future__ import annotations

from ninja import Field, Schema


class ErrorItem(Schema):
    field: str = Field(description="the input that was refused (path, query or body field)")
    rule: str = Field(description="the rule or promise id: C1..C5, P3, Art5, Art6, Art18, "
                      "format, required, schema, exists, token, Sec1, ...")
    message: str


class ErrorsOut(Schema):
    """Every refusal (401, 403, 404, 409, 422) has this body."""

    errors: list[ErrorItem]


#: Responses every authenticated operation may give besides its success.
ERRORS: dict[int, type[Schema]] = {401: ErrorsOut, 403: ErrorsOut, 422: ErrorsOut}
ERRORS_404: dict[int, type[Schema]] = {**ERRORS, 404: ErrorsOut, 409: ErrorsOut}
