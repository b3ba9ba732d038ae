"""The JSON API's plumbing, shared by every app's routers (#14.4): bearer-token auth and the
login exemption (auth.py), the one error shape (errors.py, schemas.py), bounded paging
(paging.py) and JSON for every error answer under /api/ (middleware.py).

No router lives here and nothing here names an app's resources: each app owns its routers
(e.g. privacydesk/register/api/, privacydesk/staff/api.py) and the project mounts them
(privacydesk/project/api.py).
"""
