from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "privacydesk.retention"
    label = "retention"
    verbose_name = "Retention"

    def ready(self) -> None:
        # R1: dates follow every change they depend on (signals on the register's models);
        # the daily sweep itself is a task (privacydesk/jobs), run by `privacydesk worker`.
        from privacydesk.retention import prune, registry, signals

        signals.connect()
        # R1: retention's own system data; the other apps register theirs in their ready().
        registry.register_prune_job("audit entries", prune.prune_audit)
        registry.register_prune_job("backups", prune.expire_backups)
        registry.register_prune_job("replay refs", prune.forget_replay_data)
        # #15: the dashboard's lines of what the next sweep deletes.
        from privacydesk.retention import work

        work.register()
