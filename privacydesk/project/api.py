"""The JSON API under /api/v1/ (django-ninja): the apps' routers, all token-only (#14.4).

Each app owns its routers (privacydesk/register/api/, staff/api.py, requests/api.py,
access/api.py, disclosure/api.py); `privacydesk.api` holds the plumbing they share (token
auth, errors, paging, error schemas). This module is the wiring: the one NinjaAPI and where
each router is mounted. privacydesk/project/urls.py mounts `api` at /api/v1/.

Its default auth is `StaffToken`, so every operation needs `Authorization: Bearer <token>`
(Sec1, deny by default); no operation sets its own auth. CSRF does not apply: a bearer token
is not sent by a browser on its own. For the same reason the whole API is exempt from the
staff session's login redirect (`privacydesk.api.auth.token_only`, used by the URLconf).

The OpenAPI document (/api/v1/openapi.json) and the Swagger page (/api/v1/docs) are public:
they describe the shape of the API and contain no personal data, and a browser cannot send
a bearer token when it opens the docs page. The Swagger files come from ninja's own static
files ("ninja" in INSTALLED_APPS), not a CDN: no third party learns who reads the docs.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.operation import Operation

from privacydesk.access import api as access_api
from privacydesk.api import errors
from privacydesk.api.auth import StaffToken
from privacydesk.disclosure import api as disclosure_api
from privacydesk.register.api import agreements, data, organisations, persons, roles
from privacydesk.requests import api as requests_api
from privacydesk.staff import api as staff_api

# ninja derives an operation id from the view's module. Clients generated from the published
# document call operations by these ids, and they were derived from the modules the routers
# had before #14.4 moved them into their apps: moving code is no change of the API, so the
# document keeps the published ids (tests/api/test_api_openapi.py pins them).
_PUBLISHED_MODULES = {
    "privacydesk.register.api.persons": "privacydesk.api.persons",
    "privacydesk.register.api.roles": "privacydesk.api.roles",
    "privacydesk.register.api.data": "privacydesk.api.data",
    "privacydesk.register.api.organisations": "privacydesk.api.organisations",
    "privacydesk.register.api.agreements": "privacydesk.api.agreements",
    "privacydesk.staff.api": "privacydesk.api.tokens",
}


class _PublishedAPI(NinjaAPI):
    """NinjaAPI whose operation ids stay those of the published document (see above)."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__
        module = _PUBLISHED_MODULES.get(module, module)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = _PublishedAPI(
    title="privacydesk",
    version="1",
    description="The register of personal data, its rules enforced: every refusal is "
                '`{"errors": [{"field", "rule", "message"}]}`.',
    urls_namespace="api",
    auth=StaffToken(),
    docs_url="/docs",
    openapi_url="/openapi.json",
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
api.add_router("/tokens", staff_api.router)
