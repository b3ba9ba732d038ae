"""[legal_obligations.<id>]: the statutory duties to pass data to an authority (D1).

The statement promises that data go to third parties only for an agreement or a legal
obligation (D1). An agreement names its recipients (D2, the register); a legal obligation is
declared here, once, so the disclosure gate can refuse one that nobody declared (the keys:
`legal_obligations.*` in privacydesk.policy.schema, docs/policy.md).

A disclosure on a legal obligation names the obligation's id; the gate accepts it only for a
recipient the obligation lists (case and spacing do not matter), categories within its
categories and a person who has or had one of its roles. The section is optional: without it
no disclosure on a legal obligation is possible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from privacydesk.policy._reader import Table, check_text
from privacydesk.policy.model import Category, Label, Labelled, RoleDef


def name_key(name: str) -> str:
    """`name` as organisations are compared: case and spacing do not matter."""
    return " ".join(name.split()).casefold()


def same_name(a: str, b: str) -> bool:
    """True if `a` and `b` name the same organisation (case and spacing do not matter)."""
    return name_key(a) == name_key(b)


@dataclass(frozen=True)
class LegalObligation(Labelled):
    """One declared statutory duty to disclose (D1): who may receive what, of whom, by
    which law."""

    key: str
    labels: Label
    statute: str
    article: str
    authority: str
    recipients: tuple[str, ...]
    categories: frozenset[str]
    roles: frozenset[str]

    @property
    def citation(self) -> str:
        """"Belastingdienst, art. 47 en 52 Algemene wet inzake rijksbelastingen"."""
        return f"{self.authority}, {self.article} {self.statute}"

    def names_recipient(self, name: str) -> bool:
        """True if `name` is one of the recipients this obligation allows."""
        return any(same_name(name, r) for r in self.recipients)


def legal_obligations_section(t: Table | None, categories: Mapping[str, Category],
                              roles: Mapping[str, RoleDef]
                              ) -> Mapping[str, LegalObligation]:
    """Read the optional [legal_obligations] table (None: no obligation declared).

    PolicyError names the key and the rule: a missing or empty text, no recipient, a
    recipient named twice or given as an e-mail address, an undeclared category or role."""
    if t is None:
        return MappingProxyType({})
    return t.built_entries("legal obligation",
                           lambda key, sub: _obligation(key, sub, categories, roles))


def _obligation(key: str, t: Table, categories: Mapping[str, Category],
                roles: Mapping[str, RoleDef]) -> LegalObligation:
    labels = t.label("label")
    statute, article = t.text("statute", 200), t.text("article", 100)
    authority = t.text("authority", 200)
    names = t.array("recipients")
    if not names:
        t.fail("recipients", "must name at least one recipient")
    for i, name in enumerate(names):
        where = f"recipients[{i}]"
        check_text(t, where, name, 200)
        if "@" in name:
            t.fail(where, "must name the receiving organisation, not an e-mail address",
                   raw=True)
        if any(same_name(name, earlier) for earlier in names[:i]):
            t.fail(where, f"names {name!r} twice", raw=True)
    return LegalObligation(
        key=key, labels=labels, statute=statute, article=article, authority=authority,
        recipients=tuple(names), categories=t.refs("categories", categories, "category"),
        roles=t.refs("roles", roles, "role"))
