from datetime import date

from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "privacydesk.public"
    label = "public"
    verbose_name = "Public website"

    def ready(self) -> None:
        from privacydesk.retention.registry import register_prune_job

        register_prune_job("confirmation counts", prune_confirmations)


def prune_confirmations(day: date) -> int:
    """R1, the daily prune job: the per-address confirmation counts past two days (counted
    from now, not from `day`), so an address nobody types again is not kept either."""
    from privacydesk.public import mail

    return mail.prune_confirmations()
