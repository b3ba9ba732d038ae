"""How the back office names a person: their name and a short reference, never the UUID (#15).

The register refers to a person by `Person.ref` (a UUID) wherever the person is not named.
Staff quote a short reference instead, "P-1A2B3C4D": the first eight hex digits of that
ref, the same shape as a request's "VZ-…" reference. The name is shown only to staff whose
role may see the "names" category (Sec1); others see the short reference alone. A ref the
register no longer holds (the person was erased, Art. 17) is shown as its short reference
with "erased".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from privacydesk.register.models import Name, Person
from privacydesk.staff import permissions

PREFIX = "P-"


def short_reference(ref: Any) -> str:
    """"P-" and the first eight hex digits of `ref` (a UUID or its text); "" for no ref, and
    the text itself (never a UUID) when it is not a UUID."""
    if not ref:
        return ""
    try:
        return PREFIX + uuid.UUID(str(ref)).hex[:8].upper()
    except ValueError:
        return str(ref)


def may_see_names(user: Any) -> bool:
    """True when `user`'s staff role may see the names category (Sec1)."""
    return "names" in permissions.visible_categories(user)


def person_labels(refs: Iterable[Any], *, with_names: bool) -> dict[str, str]:
    """{str(ref): "Anna de Vries (P-1A2B3C4D)"} for every ref, in two queries at most.

    Without `with_names` (a role that may not see names) the label is the short reference
    alone. A ref of nobody in the register reads "P-… (erased)"; an empty ref "—".
    """
    refs = list(refs)
    wanted: dict[str, uuid.UUID] = {}
    for ref in refs:
        try:
            wanted[str(ref)] = uuid.UUID(str(ref))
        except ValueError:
            continue
    names: dict[str, str] = {}
    present: set[str] = set()
    if wanted:
        present = {str(r) for r in Person.objects.filter(ref__in=list(wanted.values()))
                   .values_list("ref", flat=True)}
    if wanted and with_names:
        # The first Name datum of each person, as Person.display_name() takes it.
        rows = (Name.objects.filter(person__ref__in=list(wanted.values()))
                .order_by("id").values_list("person__ref", "given_names", "infix",
                                            "family_name"))
        for ref, given, infix, family in rows:
            names.setdefault(str(ref), Name.compose(
                {"given_names": given, "infix": infix, "family_name": family}))
    out: dict[str, str] = {}
    for ref in refs:
        key = str(ref) if ref else ""
        if not key:
            out[key] = "—"
            continue
        short = short_reference(key)
        canonical = str(wanted[key]) if key in wanted else key
        if canonical not in present:
            out[key] = _("%(reference)s (erased)") % {"reference": short}
        elif canonical in names and names[canonical]:
            out[key] = f"{names[canonical]} ({short})"
        else:
            out[key] = short
    return out


def person_label(ref: Any, *, with_names: bool) -> str:
    """The label of one person (see `person_labels`)."""
    return person_labels([ref], with_names=with_names)[str(ref) if ref else ""]
