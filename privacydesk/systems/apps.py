from django.apps import AppConfig


class SystemsConfig(AppConfig):
    name = "privacydesk.systems"
    label = "systems"
    verbose_name = "Systemen"
