from django.apps import AppConfig


class SystemsConfig(AppConfig):
    name = "privacydesk.systems"
    label = "systems"
    verbose_name = "Systemen"

    def ready(self) -> None:
        # R1: a task's sealed subject does not outlive its need (#16.3).
        from privacydesk.retention.registry import register_prune_job
        from privacydesk.systems.tasks import prune_subjects

        register_prune_job("system task subjects", prune_subjects)
