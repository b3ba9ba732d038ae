"""The WSGI application of the guard's live servers: privacydesk.project.wsgi, with the URLconf (and
so every view module) imported once in gunicorn's master before it forks the workers
(`--preload`). Nothing else is built before the fork: the guard, database connections and
Redis clients are made per worker at its first request, as in production."""

from django.urls import get_resolver

from privacydesk.project.wsgi import application

get_resolver().url_patterns  # noqa: B018  (importing the views is the point)

__all__ = ["application"]
