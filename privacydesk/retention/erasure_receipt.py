"""The erasure receipt (Art. 17, Rt3): what was deleted, what is kept, why and until when.

A plain value object without personal data, stored in the erasure ledger as `as_dict()` and
rendered in Dutch or English for the person by the request workflow (`render(lang)`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from privacydesk.policy import clock
from privacydesk.policy.active import get_policy

TEXT = {
    "nl": {"title": "Bevestiging van verwijdering", "deleted": "Verwijderd",
           "kept": "Bewaard (beperkt: alleen opgeslagen, niet gebruikt)",
           "nothing_kept": "Er is niets bewaard: al uw gegevens zijn verwijderd.",
           "nothing_deleted": "Er waren geen gegevens om te verwijderen.",
           "until": "tot en met", "open": "tot de grondslag is vervallen",
           "hold": "wettelijke bewaarplicht wegens een geschil (art. 17 lid 3 sub e AVG)",
           "ref": "Kenmerk", "on": "Datum",
           "partial": "U vroeg alleen de gegevens hierboven te verwijderen; uw overige gegevens "
                      "zijn niet gewijzigd."},
    "en": {"title": "Confirmation of erasure", "deleted": "Deleted",
           "kept": "Kept (restricted: stored only, not used)",
           "nothing_kept": "Nothing was kept: all your data have been deleted.",
           "nothing_deleted": "There were no data to delete.",
           "until": "until", "open": "until the legal ground has lapsed",
           "hold": "a legal claim or dispute (Art. 17(3)(e) GDPR)",
           "ref": "Reference", "on": "Date",
           "partial": "You asked us to delete only the data above; your other data are "
                      "unchanged."},
}


@dataclass(frozen=True)
class DeletedItem:
    category: str
    count: int


@dataclass(frozen=True)
class KeptItem:
    """`count` data of `category` kept until `until` (None: not known yet) because of `law`."""

    category: str
    count: int
    rule_id: str
    basis_article: str
    law_nl: str
    law_en: str
    until: date | None
    held: bool = False


@dataclass(frozen=True)
class ErasureReceipt:
    person_ref: str
    erased_at: datetime
    request_ref: str
    deleted: tuple[DeletedItem, ...]
    kept: tuple[KeptItem, ...]
    person_deleted: bool
    #: Only the data the person picked were erased (#15): the rest stays as it was.
    partial: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO text) for the ledger, the API and the workflow."""
        data = asdict(self)
        data["erased_at"] = self.erased_at.isoformat()
        for item in data["kept"]:
            item["until"] = item["until"].isoformat() if item["until"] else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ErasureReceipt:
        kept = tuple(KeptItem(**{**k, "until": date.fromisoformat(k["until"])
                                 if k["until"] else None}) for k in data["kept"])
        return cls(data["person_ref"], datetime.fromisoformat(data["erased_at"]),
                   data["request_ref"], tuple(DeletedItem(**d) for d in data["deleted"]),
                   kept, data["person_deleted"], bool(data.get("partial", False)))

    def render(self, lang: str = "nl") -> str:
        """The receipt as plain text in Dutch or English, category names from the policy."""
        t, cats = TEXT[lang], get_policy().categories

        def label(key: str) -> str:
            return cats[key].label(lang) if key in cats else key

        lines = [t["title"], f"{t['ref']}: {self.request_ref or self.person_ref}",
                 f"{t['on']}: {clock.day_of(self.erased_at).isoformat()}", "", f"{t['deleted']}:"]
        lines += [f"- {label(d.category)}: {d.count}" for d in self.deleted] or \
            [f"- {t['nothing_deleted']}"]
        if self.partial:   # nothing else was touched: no "kept" to report
            return "\n".join([*lines, "", t["partial"]])
        lines += ["", f"{t['kept']}:"]
        for k in self.kept:
            until = f"{t['until']} {k.until.isoformat()}" if k.until else t["open"]
            why = t["hold"] if k.held else (k.law_nl if lang == "nl" else k.law_en)
            lines.append(f"- {label(k.category)}: {k.count} — {why} ({k.basis_article}); "
                         f"{until}")
        if not self.kept:
            lines.append(f"- {t['nothing_kept']}")
        return "\n".join(lines)
