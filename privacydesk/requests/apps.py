from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "privacydesk.requests"
    label = "requests"
    verbose_name = "Data-subject requests"
    # Rt5/Rt6: mail intake and the request clocks are a periodic task (privacydesk/jobs).

