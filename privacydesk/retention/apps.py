from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "privacydesk.retention"
    label = "retention"
    verbose_name = "Retention"

    def ready(self) -> None:
        # R1: dates follow every change they depend on (signals on the register's models);
        # the embedded daily scheduler starts in a real server process only.
        from privacydesk.retention import scheduler, signals

        signals.connect()
        scheduler.connect()
