from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "privacydesk.staff"
    label = "staff"
    verbose_name = "Staff"
