from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "privacydesk.incidents"
    label = "incidents"
    verbose_name = "Incidents"
