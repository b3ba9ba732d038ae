from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "privacydesk.retention"
    label = "retention"
    verbose_name = "Retention"

    def ready(self) -> None:
        # R1: dates follow every change they depend on (signals on the register's models);
        # the daily sweep itself is a task (privacydesk/jobs), run by `privacydesk worker`.
        from privacydesk.retention import signals

        signals.connect()
