from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "privacydesk.requests"
    label = "requests"
    verbose_name = "Data-subject requests"

    def ready(self) -> None:
        # Rt5/Rt6: mail intake and the request clocks run in the served app (no extra
        # service), armed like the retention scheduler; never in tests or CLI commands.
        from privacydesk.requests import schedule

        schedule.connect()
