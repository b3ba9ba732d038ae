from django.apps import AppConfig


class SystemsConfig(AppConfig):
    name = "privacydesk.systems"
    label = "systems"
    verbose_name = "Systemen"

    def ready(self) -> None:
        from privacydesk.retention.registry import register_plan_source, register_prune_job
        from privacydesk.systems import retaining
        from privacydesk.systems.tasks import prune_subjects

        # R1: a task's sealed subject does not outlive its need (#16.3).
        register_prune_job("system task subjects", prune_subjects)
        # R1 in the other systems (#16.3): what is due there is swept and planned; a system
        # that cannot list by date gets periodic reviews by its owner.
        register_prune_job("systems: retention sweep", retaining.sweep)
        register_prune_job("systems: retention reviews", retaining.reviews)
        register_plan_source("systems", retaining.plan_rows)
