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
                      "zijn niet gewijzigd.",
           "systems": "In onze andere systemen",
           "system_done": "{done} verwijderd of geanonimiseerd; opnieuw gezocht: {left} "
                          "gegevens over voor u om {at}",
           "system_kept": "{kept} bewaard op grond van de wet ({reason}); opnieuw gezocht "
                          "om {at}",
           "system_confirmed": "met de hand verwijderd, bevestigd op {at}: {note}",
           "system_not_connected": "niet gekoppeld aan privacydesk: niet automatisch doorzocht"},
    "en": {"title": "Confirmation of erasure", "deleted": "Deleted",
           "kept": "Kept (restricted: stored only, not used)",
           "nothing_kept": "Nothing was kept: all your data have been deleted.",
           "nothing_deleted": "There were no data to delete.",
           "until": "until", "open": "until the legal ground has lapsed",
           "hold": "a legal claim or dispute (Art. 17(3)(e) GDPR)",
           "ref": "Reference", "on": "Date",
           "partial": "You asked us to delete only the data above; your other data are "
                      "unchanged.",
           "systems": "In our other systems",
           "system_done": "{done} deleted or anonymised; searched again: {left} records "
                          "left for you at {at}",
           "system_kept": "{kept} kept by law ({reason}); searched again at {at}",
           "system_confirmed": "deleted by hand, confirmed on {at}: {note}",
           "system_not_connected": "not connected to privacydesk: not searched automatically"},
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
class SystemLine:
    """Rt3 (#16.3): the erasure in one declared system — its label (nl/en), the task's
    status, how many records went and were kept (and why: a retention rule id), how many
    the re-search still found and when (`researched_at`), who confirmed a manual task."""

    system: str
    label_nl: str
    label_en: str
    status: str
    done: int = 0
    kept: int = 0
    reason: str = ""
    remaining: int | None = None
    researched_at: str | None = None   # ISO moment (UTC)
    confirmed_by: str = ""
    confirmation: str = ""

    def render(self, lang: str) -> str:
        t = TEXT[lang]
        moment = (datetime.fromisoformat(self.researched_at).astimezone(clock.zone())
                  if self.researched_at else None)
        at = moment.strftime("%H:%M") if moment else "-"
        label = self.label_nl if lang == "nl" else self.label_en
        # `reason` may be a retention rule's id (an archive-only system, R3): the person
        # reads the law that keeps it, never the policy's internal id.
        rule = next((r for r in get_policy().retention.rules if r.id == self.reason), None)
        reason = str(rule.law.get(lang)) if rule is not None else self.reason
        if self.status == "kept":
            text = t["system_kept"].format(kept=self.kept, reason=reason, at=at)
        elif self.status == "confirmed":
            day = moment.date().isoformat() if moment else "-"
            text = t["system_confirmed"].format(at=day, note=self.confirmation)
        elif self.status == "not_connected":
            text = t["system_not_connected"]
        else:
            text = t["system_done"].format(done=self.done, left=self.remaining or 0, at=at)
            if self.kept:   # R3: records the law keeps there, with the reason
                text += "; " + t["system_kept"].format(kept=self.kept, reason=reason, at=at)
        return f"- {label}: {text}"


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
    #: The erasure in every declared system but the register, settled (#16.3).
    systems: tuple[SystemLine, ...] = ()

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
                   kept, data["person_deleted"], bool(data.get("partial", False)),
                   tuple(SystemLine(**line) for line in data.get("systems", ())))

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
        if self.systems:
            lines += ["", f"{t['systems']}:", *(line.render(lang) for line in self.systems)]
        return "\n".join(lines)
