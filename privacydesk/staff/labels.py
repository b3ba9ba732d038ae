"""What the back office shows for a stored code: its label, never the code (#15).

Staff read words — "Inzage (art. 15)", "Contactformulier op de website" — not the ids
the database keeps (`access`, `contact_form`). One place answers "what is the label of
code X of group G": `label(group, code)`.

- The policy's own tables (categories, roles, purposes, legal bases, sources, staff roles,
  retention rules, legal obligations) are built in: their labels come from the policy file
  in the page language.
- An app's own codes (a request's kind, status and channel; an incident's kind; a guard
  rule; ...) are registered by that app in its AppConfig.ready() with
  `register_labels(group, labels)`, as the retention registry does for prune jobs: the
  staff package imports none of the apps (they import staff).

An unknown code is shown as itself, so a page never breaks on a code a newer policy or
an older row carries; `known_codes()` lists every code of every group so a test can prove
no page shows one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.apps import apps
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from privacydesk.policy.active import get_policy
from privacydesk.policy.retention import CONTACT_PERIOD

#: group -> a function returning {code: label} (labels may be lazy translations).
LabelSource = Callable[[], Mapping[str, Any]]
_SOURCES: dict[str, LabelSource] = {}

# The purposes a data-subject right gives a read or a change (register.RIGHTS_PURPOSES and
# the request's own); they are not in the policy file, the GDPR names them.
RIGHTS_LABELS = {
    "access_request": _("Access request (Art. 15)"),
    "rectification": _("Rectification (Art. 16)"),
    "erasure": _("Erasure (Art. 17)"),
    "portability": _("Data portability (Art. 20)"),
    "legal_claims": _("Legal claims (Art. 18(2))"),
    "data_subject_request": _("Data-subject request"),
}


def page_language() -> str:
    """"en" when the active language is English, else "nl" (staff read Dutch)."""
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def register_labels(group: str, labels: LabelSource | Mapping[str, Any]) -> None:
    """Make `group`'s codes known with their labels; registering a group again replaces
    it (an app's ready() may run twice in tests)."""
    _SOURCES[group] = labels if callable(labels) else (lambda: labels)


def extend_labels(group: str, labels: Mapping[str, Any]) -> None:
    """Add codes an app keeps beside a policy group's (the incident register's retention
    rules and record categories are not in the policy's tables)."""
    _EXTRAS.setdefault(group, {}).update(labels)


_EXTRAS: dict[str, dict[str, Any]] = {}


def _record_label(code: str) -> str | None:
    # A deletion receipt names the table it deleted from ("register.person"): its model's
    # verbose name says what it held.
    try:
        return str(apps.get_model(code)._meta.verbose_name)
    except (LookupError, ValueError):
        return None


def _policy_groups(lang: str) -> dict[str, dict[str, str]]:
    policy = get_policy()
    rules = {rule.id: rule.label(lang) for rule in policy.retention.rules}
    # R2: a deletion date set by the contact period carries this id, not a rule of the file.
    rules[CONTACT_PERIOD] = str(_("Contact period (no agreement came about)"))
    tables = {
        "category": {k: v.label(lang) for k, v in policy.categories.items()},
        "role": {k: v.label(lang) for k, v in policy.roles.items()},
        "purpose": {**{k: str(v) for k, v in RIGHTS_LABELS.items()},
                    **{k: v.label(lang) for k, v in policy.purposes.items()}},
        "basis": {k: v.label(lang) for k, v in policy.legal_bases.items()},
        "source": {k: v.label(lang) for k, v in policy.sources.items()},
        "staff_role": {k: v.label(lang) for k, v in policy.staff_roles.items()},
        "rule": rules,
        "obligation": {k: v.label(lang) for k, v in policy.legal_obligations.items()},
    }
    for group, extra in _EXTRAS.items():
        tables.setdefault(group, {}).update({k: str(v) for k, v in extra.items()})
    return tables


def label(group: str, code: Any) -> str:
    """The label of `code` in `group` in the page language; the code itself when unknown,
    "—" when empty. Raises KeyError for a group nobody declared (a typo in a template)."""
    if code is None or code == "":
        return "—"
    key = str(code)
    if group == "record":
        return _record_label(key) or key
    if group in _SOURCES:
        found = _SOURCES[group]().get(key)
    else:
        found = _policy_groups(page_language())[group].get(key)
    return str(found) if found is not None else key


def known_codes() -> dict[str, set[str]]:
    """Every code of every group (for the test that no page shows one)."""
    codes = {group: set(table) for group, table in _policy_groups("nl").items()}
    for group, source in _SOURCES.items():
        codes[group] = set(source())
    return codes


# The register's own codes (the staff package may import the register; it sits below).
register_labels("agreement_kind", {"one_off": _("One-off assignment"),
                                   "sla": _("Service level agreement")})
