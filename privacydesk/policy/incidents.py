"""[incidents]: how long the incident register keeps what (Sec5, R1; GDPR Art. 33(5)).

Art. 33(5) obliges the controller to document every personal data breach — the facts, its
effects and the remedial action — so the supervisory authority can verify compliance. The
register keeps those facts; it does not need the reporter's name and e-mail address once
the incident is handled. So:

    [incidents]
    reporter_period = { months = 6 }       # reporter's name and e-mail: closed + this
    documentation_period = { years = 5 }   # the whole incident record: closed + this
    law = { nl = "...", en = "..." }       # the law named in receipts and the plan

`documentation_period` must not be shorter than `reporter_period`. The section is optional;
without it both periods are the policy's contact period (R2) and the law is Art. 33(5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from privacydesk.policy._reader import Table
from privacydesk.policy.dates import add_period
from privacydesk.policy.loader_sections import period
from privacydesk.policy.model import Label, Period

#: The rule ids the retention plan and the deletion receipts name.
REPORTER_RULE, DOCUMENTATION_RULE = "incident-reporter", "incident-documentation"

_ART_33_5 = Label(nl="art. 33 lid 5 AVG, documentatie van inbreuken",
                  en="Art. 33(5) GDPR, documenting breaches")


@dataclass(frozen=True)
class IncidentPolicy:
    reporter_period: Period        # the reporter's contact data, from closing
    documentation_period: Period   # the incident record (the facts), from closing
    law: Label = _ART_33_5


def incidents_section(t: Table | None, contact_period: Period) -> IncidentPolicy:
    """Read the optional [incidents] table; None gives the contact period for both.
    PolicyError names the key and the rule (period shape, documentation shorter)."""
    if t is None:
        return IncidentPolicy(contact_period, contact_period)
    reporter = period(t.table("reporter_period"))
    documentation = period(t.table("documentation_period"))
    law = t.label("law") if t.has("law") else _ART_33_5
    # Compared on month ends and a leap day, where calendar months differ most.
    if any(add_period(day, documentation) < add_period(day, reporter) for day in _PROBES):
        t.fail("documentation_period", "must not be shorter than reporter_period: the "
               "facts outlive the reporter's contact data")
    t.close()
    return IncidentPolicy(reporter, documentation, law)


_PROBES = (date(2024, 1, 31), date(2024, 2, 29), date(2023, 12, 31), date(2023, 6, 30))
