from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "privacydesk.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        # Sec5/R1: the policy's [incidents] periods, applied by the daily prune.
        from privacydesk.incidents.retention import plan_rows, prune_expired
        from privacydesk.retention.registry import register_plan_source, register_prune_job

        register_prune_job("incident records", prune_expired)
        register_plan_source("incidents", plan_rows)
        # #15: labels of kinds and statuses; the dashboard's breaches on the 72-hour clock.
        from privacydesk.incidents import work

        work.register()
