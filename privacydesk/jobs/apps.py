from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "privacydesk.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from privacydesk.jobs.prune import prune_results
        from privacydesk.retention.registry import register_prune_job

        register_prune_job("task results", prune_results)
        # Rt3 (#16.3): the systems' erase tasks go on this queue.
        from privacydesk.jobs import systems
        from privacydesk.systems import dispatch

        dispatch.set_enqueuer(systems.enqueue)
