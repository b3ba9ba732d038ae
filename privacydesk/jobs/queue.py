"""The one import of the task framework: Django 6's `django.tasks` where it exists, else the
`django-tasks` backport (the same API). Nothing else in privacydesk imports either directly,
so moving to Django 6 changes this module and the TASKS setting only."""

from __future__ import annotations

from importlib.util import find_spec

if find_spec("django.tasks"):  # Django 6.0+
    from django.tasks import task  # type: ignore[import-not-found,unused-ignore]
else:
    from django_tasks import task  # type: ignore[no-redef,unused-ignore]

__all__ = ["task"]
