from datetime import date

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "privacydesk.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from privacydesk.retention.registry import register_prune_job

        register_prune_job("task results", prune_results)


def prune_results(day: date) -> int:
    """R1, the daily prune job: the queue's finished task rows and periodic runs older than
    RESULT_DAYS (a traceback may quote personal data); `day` plays no part."""
    from privacydesk.jobs import prune

    return prune.prune_results()
