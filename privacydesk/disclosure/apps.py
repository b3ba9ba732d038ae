from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "privacydesk.disclosure"
    label = "disclosure"
    verbose_name = "Disclosures and consent"

    def ready(self) -> None:
        # Art. 15(1)(c) and Art. 19: the access report and the correction/erasure notices
        # learn the recipients from the disclosure log through the hooks requests offers.
        from privacydesk.disclosure import hooks
        from privacydesk.disclosure.retention import prune_expired
        from privacydesk.retention.registry import register_prune_job

        hooks.connect()
        # D1-D3, R1: disclosure and consent records past the accountability period.
        register_prune_job("disclosure records", prune_expired)
        # #15: the dashboard's consents waiting for the person.
        from privacydesk.disclosure import work

        work.register()
