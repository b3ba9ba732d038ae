from collections import Counter
from datetime import date

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "privacydesk.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        # Sec5/R1: the policy's [incidents] periods, applied by the daily prune.
        from privacydesk.incidents.retention import prune_expired
        from privacydesk.retention.registry import register_plan_source, register_prune_job

        register_prune_job("incident records", prune_expired)
        register_plan_source("incidents", plan_rows)
        # #15: labels of kinds and statuses; the dashboard's breaches on the 72-hour clock.
        from privacydesk.incidents import work

        work.register()


def plan_rows(until: date, today: date, lang: str) -> Counter[tuple[date, str, str, str]]:
    """The retention plan's rows of the incident register: reporters' contact data and whole
    records by the policy's [incidents] periods, with their law in `lang`."""
    from privacydesk.incidents import retention
    from privacydesk.policy.active import get_policy

    law = get_policy().incidents.law.get(lang)
    return Counter({(when, category, rule_id, law): n
                    for (when, category, rule_id), n in retention.plan_rows(until, today).items()})
