from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "privacydesk.public"
    label = "public"
    verbose_name = "Public website"

    def ready(self) -> None:
        from privacydesk.public.mail import prune_confirmations
        from privacydesk.retention.registry import register_prune_job

        register_prune_job("confirmation counts", prune_confirmations)
