from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "privacydesk.access"
    label = "access"
    verbose_name = "Server access"
