"""Correction and erasure by picking (#15, Rt2, Rt3, Art. 16, 17, 19): what staff see of the
person of a verified request, and the previews they confirm.

Staff never type internal ids: they see the person's data as the person page shows them
(category and field labels from the policy and the register, current values), pick a row,
and see the change before it happens — old → new values for a correction, deleted and kept
(with the legal rule that keeps them) for an erasure — with the Art. 19 recipients that
will be told. Nothing here writes personal data; the confirmed step runs the existing
services (`actions.correct`, `actions.erase`), which check every rule again.

Contracts:
- every function takes a request of the right kind and status, else RuleViolation
  (`actions.person_of`: verified and matched to a person, Art. 12(6));
- a picked datum must belong to the request's person, else RuleViolation("datum",
  "exists"): an id copied from another person's page is refused, not looked up;
- reads of the person's data are audited with the request's right as purpose (Sec4).
Messages are English; the views show them in Dutch (`_picking_views.MESSAGES`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services as register
from privacydesk.register.fields import FIELDS, clean_values
from privacydesk.register.models import Datum
from privacydesk.requests import actions, kinds
from privacydesk.requests._picking_forms import choice_label
from privacydesk.requests.models import DataSubjectRequest
from privacydesk.requests.recipients import recipients_to_tell
from privacydesk.retention import erasure
from privacydesk.retention.erasure_receipt import KeptItem
from privacydesk.vault import audit

#: The right a picking page acts for, and the purpose its reads are recorded with (Sec4).
PURPOSES = {kinds.RECTIFICATION: register.RECTIFICATION, kinds.ERASURE: register.ERASURE}

NOTHING_CHANGES = "nothing changes: type the corrected value"
NO_SUCH_DATUM = "this person of the request has no such datum"
WRONG_KIND = "only a correction or erasure request picks data"
NOTHING_PICKED = "pick at least one datum to erase"
KEPT_BY_LAW = "a legal rule obliges us to keep this datum (Art. 17(3) GDPR)"


def category_label(category: str, lang: str) -> str:
    """The policy's label of `category` in `lang` ("nl" or "en")."""
    found = get_policy().categories.get(category)
    return found.label(lang) if found is not None else category


def _shown(category: str, name: str, value: Any, lang: str) -> Any:
    # A choice field stores a code (`iban`, `bsn`): staff read its label (#15).
    choices = {s.name for s in FIELDS[category] if s.kind == "choice"}
    return choice_label(value, lang) if name in choices and isinstance(value, str) else value


def field_labels(category: str, lang: str) -> dict[str, str]:
    """{field name: label} of `category`, in the register's order."""
    return {s.name: s.label_en if lang == "en" else s.label_nl for s in FIELDS[category]}


@dataclass(frozen=True)
class Row:
    """One datum as the person page shows it. `kept` (erasure only): the legal rule that
    keeps it when the person is erased, None when the erasure deletes it."""

    category: str
    category_label: str
    datum_id: int
    fields: tuple[tuple[str, Any], ...]  # (label, value)
    kept: KeptItem | None = None


@dataclass(frozen=True)
class Section:
    category: str
    label: str
    rows: tuple[Row, ...]


def purpose_of(request: DataSubjectRequest) -> str:
    """The right `request` exercises as an audit purpose; RuleViolation for other kinds."""
    if request.kind not in PURPOSES:
        raise RuleViolation("kind", "Rt2", WRONG_KIND)
    return PURPOSES[request.kind]


def person_data(request: DataSubjectRequest, *, actor: str, staff_role: str | None,
                lang: str) -> list[Section]:
    """The person's data per category the staff role may see (Sec1), in the policy's
    order; one audited read with the request's right as purpose (Sec4). For an erasure
    request each row says whether the erasure deletes or keeps it (`Row.kept`)."""
    purpose = purpose_of(request)
    person = actions.person_of(request)
    view = register.read_person(person, actor=actor, purpose=purpose, staff_role=staff_role)
    plan = erasure.plan(person) if request.kind == kinds.ERASURE else {}
    sections = []
    for key in get_policy().categories:
        data = view.data.get(key, ())
        if not data:
            continue
        labels = field_labels(key, lang)
        rows = tuple(Row(key, category_label(key, lang), d.id,
                         tuple((labels[name], _shown(key, name, d.values.get(name), lang))
                               for name in labels),
                         plan.get((key, d.id))) for d in data)
        sections.append(Section(key, category_label(key, lang), rows))
    return sections


def datum_of(request: DataSubjectRequest, category: str, datum_id: Any) -> Datum:
    """The datum `datum_id` of `category` of the request's person; RuleViolation if the
    category is unknown (C2) or the datum is not this person's ("datum", "exists")."""
    person = actions.person_of(request)
    model = register.model_for(category)
    try:
        pk = int(datum_id)
    except (TypeError, ValueError):
        raise RuleViolation("datum", "exists", NO_SUCH_DATUM)
    datum = model._default_manager.filter(pk=pk, person=person).first()
    if datum is None:
        raise RuleViolation("datum", "exists", NO_SUCH_DATUM)
    datum.person = person
    return datum


def current_values(request: DataSubjectRequest, category: str, datum_id: Any, *,
                   actor: str) -> dict[str, Any]:
    """The datum's values to prefill the correction form; an audited read (Sec4)."""
    if request.kind != kinds.RECTIFICATION:
        raise RuleViolation("kind", "Rt2", WRONG_KIND)
    datum = datum_of(request, category, datum_id)
    audit.audit_read(actor=actor, object_type=datum._meta.label_lower,
                     person_ref=str(request.person_ref), purpose=register.RECTIFICATION,
                     object_id=str(datum.pk),
                     detail={"category": category, "request": request.reference})
    return datum.get_values()


@dataclass(frozen=True)
class Change:
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class CorrectionPreview:
    """What confirming the correction does: `changes` (only the fields that change), the
    cleaned `values` to confirm, and the `recipients` that will be told (Art. 19)."""

    category: str
    category_label: str
    datum_id: int
    changes: tuple[Change, ...]
    values: Mapping[str, Any]
    recipients: tuple[str, ...]


def preview_correction(request: DataSubjectRequest, category: str, datum_id: Any,
                       values: Mapping[str, Any], *, lang: str) -> CorrectionPreview:
    """Check `values` with the register's rules (the first bad field raises RuleViolation
    naming it) and say what the correction changes; stores nothing, tells no one."""
    if request.kind != kinds.RECTIFICATION:
        raise RuleViolation("kind", "Rt2", WRONG_KIND)
    datum = datum_of(request, category, datum_id)
    current = datum.get_values()
    cleaned = clean_values(category, dict(values), current=current)
    labels = field_labels(category, lang)
    changes = tuple(Change(labels[name], _shown(category, name, current.get(name), lang),
                           _shown(category, name, cleaned[name], lang))
                    for name in labels if current.get(name) != cleaned[name])
    if not changes:
        raise RuleViolation("values", "Rt2", NOTHING_CHANGES)
    return CorrectionPreview(category, category_label(category, lang), datum.pk, changes,
                             cleaned, tuple(recipients_to_tell(datum.person, [category])))


@dataclass(frozen=True)
class ErasurePreview:
    """What confirming the erasure does: `deleted` and `kept` rows (each kept row names its
    rule), `hidden` data the staff role may not see (counted, not named, Sec1), whether
    the person row itself goes, and the `recipients` that will be told (Art. 19)."""

    deleted: tuple[Row, ...]
    kept: tuple[Row, ...]
    hidden: int
    person_deleted: bool
    recipients: tuple[str, ...]


def parse_picks(values: list[str]) -> list[tuple[str, int]]:
    """Picked rows as the page sends them ("category:id") → [(category, id)]; a value in
    another shape is refused ("datum", "exists"), none at all ("datum", "required")."""
    picks = []
    for value in values:
        category, _, number = value.partition(":")
        if not number.isdigit():
            raise RuleViolation("datum", "exists", NO_SUCH_DATUM)
        picks.append((category, int(number)))
    if not picks:
        raise RuleViolation("datum", "required", NOTHING_PICKED)
    return sorted(set(picks))


def preview_erasure(request: DataSubjectRequest, *, actor: str, staff_role: str | None,
                    lang: str, picks: list[tuple[str, int]] | None = None) -> ErasurePreview:
    """The erasure as the engine would do it today, doing nothing. Without `picks`: all the
    person's data (Art. 17; 17(3)(b) and (e) keep what a legal rule or a hold keeps,
    restricted). With `picks` (category, datum id): only those rows; a pick that is not
    the person's or that a legal rule keeps is refused as the engine would refuse it."""
    if request.kind != kinds.ERASURE:
        raise RuleViolation("kind", "Rt3", WRONG_KIND)
    sections = person_data(request, actor=actor, staff_role=staff_role, lang=lang)
    person = actions.person_of(request)
    plan = erasure.plan(person)
    rows = [row for section in sections for row in section.rows]
    if picks is not None:
        for pick in picks:
            if pick not in plan:
                raise RuleViolation("datum", "exists", NO_SUCH_DATUM)
            if plan[pick] is not None:
                raise RuleViolation("datum", "Art17(3)", KEPT_BY_LAW)
        chosen = [r for r in rows if (r.category, r.datum_id) in set(picks)]
        return ErasurePreview(
            deleted=tuple(chosen), kept=(), hidden=len(picks) - len(chosen),
            person_deleted=False,
            recipients=tuple(recipients_to_tell(person, {c for c, _ in picks})))
    deleted_categories = {c for (c, _), kept in plan.items() if kept is None}
    return ErasurePreview(
        deleted=tuple(r for r in rows if r.kept is None),
        kept=tuple(r for r in rows if r.kept is not None),
        hidden=len(plan) - len(rows),
        person_deleted=all(kept is None for kept in plan.values()),
        recipients=tuple(recipients_to_tell(person, deleted_categories)))
