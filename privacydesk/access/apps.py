from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "privacydesk.access"
    label = "access"
    verbose_name = "Server access"

    def ready(self) -> None:
        # A1/A2, R1: server-access security records past their period, by the daily prune.
        from privacydesk.access.grants import prune_expired
        from privacydesk.retention.registry import register_prune_job

        register_prune_job("access records", prune_expired)
        # #15: labels of statuses; the dashboard's access requests to approve.
        from privacydesk.access import work

        work.register()
