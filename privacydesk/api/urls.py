"""The JSON API under /api/v1/ (django-ninja): one router per capability, all token-only.

`api` is mounted by privacydesk/project/urls.py. Its default auth is `StaffToken`, so every
operation needs `Authorization: Bearer <token>` (Sec1, deny by default); no operation sets
its own auth. CSRF does not apply: a bearer token is not sent by a browser on its own.

The OpenAPI document (/api/v1/openapi.json) and the Swagger page (/api/v1/docs) are public:
they describe the shape of the API and contain no personal data, and a browser cannot send
a bearer token when it opens the docs page. They are marked `public_view` so the staff
middleware's route enumeration sees the decision. The Swagger files come from ninja's own
static files ("ninja" in INSTALLED_APPS), not a CDN: no third party learns who reads the docs.
"""

from __future__ import annotations

from ninja import NinjaAPI

from privacydesk.access import api as access_api
from privacydesk.api import agreements, data, errors, organisations, persons, roles, tokens
from privacydesk.api.auth import StaffToken
from privacydesk.disclosure import api as disclosure_api
from privacydesk.requests import api as requests_api
from privacydesk.staff.access import public_view

api = NinjaAPI(
    title="privacydesk",
    version="1",
    description="The register of personal data, its rules enforced: every refusal is "
                '`{"errors": [{"field", "rule", "message"}]}`.',
    urls_namespace="api",
    auth=StaffToken(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=public_view,
)
errors.install(api)

api.add_router("/persons", persons.router)
api.add_router("/persons", roles.router)
api.add_router("/persons", data.router)
api.add_router("/organisations", organisations.router)
api.add_router("/agreements", agreements.router)
api.add_router("/requests", requests_api.router)
api.add_router("/access", access_api.router)
api.add_router("/disclosures", disclosure_api.router)
api.add_router("/tokens", tokens.router)
