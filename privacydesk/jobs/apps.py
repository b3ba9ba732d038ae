from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "privacydesk.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
