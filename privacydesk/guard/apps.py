from django.apps import AppConfig


class GuardConfig(AppConfig):
    name = "privacydesk.guard"
    label = "guard"
    verbose_name = "Guard"
