from django.apps import AppConfig


class RopaConfig(AppConfig):
    name = "privacydesk.ropa"
    label = "ropa"
    verbose_name = "Record of processing activities"
