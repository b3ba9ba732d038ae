from django.apps import AppConfig


class CheckConfig(AppConfig):
    """`privacydesk check` as a Django app, for its commands (`check`, `djangocheck`)."""

    name = "privacydesk.check"
    label = "check"
    verbose_name = "Promise checks"
