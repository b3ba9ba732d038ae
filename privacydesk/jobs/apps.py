from datetime import date

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "privacydesk.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from privacydesk.retention.registry import register_prune_job

        register_prune_job("task results", prune_results)
        # Rt3 (#16.3): the systems' erase tasks go on this queue.
        from privacydesk.jobs import systems
        from privacydesk.systems import dispatch

        dispatch.set_enqueuer(systems.enqueue)


def prune_results(day: date) -> int:
    """R1, the daily prune job: the queue's finished task rows and periodic runs older than
    RESULT_DAYS (a traceback may quote personal data); `day` plays no part."""
    from privacydesk.jobs import prune

    return prune.prune_results()
