from datetime import date

from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "privacydesk.requests"
    label = "requests"
    verbose_name = "Data-subject requests"
    # Rt5/Rt6: mail intake and the request clocks are a periodic task (privacydesk/jobs).

    def ready(self) -> None:
        from privacydesk.retention.registry import register_prune_job

        register_prune_job("request export files", expire_exports)
        # #15: labels of kinds, statuses, channels; the dashboard's open requests.
        from privacydesk.requests import work

        work.register()
        # Rt3 (#16.3): the receipt goes when the last system's erase task settles.
        from privacydesk.requests import _systems
        from privacydesk.systems import erasing

        if _systems.finish_erasure not in erasing.settled:
            erasing.settled.append(_systems.finish_erasure)


def expire_exports(day: date) -> int:
    """Rt1/R1, the daily prune job: export files past their expiry moment (`day` plays no
    part), besides the clock tick's, so an expired export never waits on disk."""
    from privacydesk.requests import delivery

    return delivery.expire()

