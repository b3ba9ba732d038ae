from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "privacydesk.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        # Sec5/R1: the policy's [incidents] periods, applied by the daily prune.
        from privacydesk.incidents.retention import prune_expired
        from privacydesk.retention.registry import register_prune_job

        register_prune_job("incident records", prune_expired)
