"""Data portability (Rt4, GDPR Art. 20): what the person provided, as JSON and CSV in one zip.

"Provided" (Art. 20(1)) covers what the person gave us themselves — through the contact
form, by e-mail — and what their use of our services produced (the EDPB's reading:
observed data count as provided). Data entered by staff or imported from elsewhere are not
provided by the person; they appear in the access report, not here. `PROVIDED_SOURCES` is
the only place this is decided. The schema ("privacydesk.portability/1") is documented in
docs/requests.md.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.utils import timezone

from privacydesk.exports import csvsafe
from privacydesk.policy import clock
from privacydesk.register import services as register
from privacydesk.register.fields import FIELDS
from privacydesk.register.models import Person
from privacydesk.requests import delivery

SCHEMA = "privacydesk.portability/1"
PROVIDED_SOURCES = frozenset({"contact_form", "email", "service"})
META = ("id", "source", "provided_on")


def collect(person: Person, *, actor: str) -> dict[str, Any]:
    """The JSON document of the export (audited read, purpose "portability")."""
    view = register.read_person(person, actor=actor, purpose=register.PORTABILITY)
    data: dict[str, list[dict[str, Any]]] = {}
    for category, items in view.data.items():
        rows = [{"id": d.id, "source": d.source,
                 "provided_on": clock.day_of(d.created_at).isoformat(), **dict(d.values)}
                for d in items if d.source in PROVIDED_SOURCES]
        if rows:
            data[category] = rows
    return {"schema": SCHEMA, "person_ref": str(person.ref),
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "fields": {c: [f.name for f in FIELDS[c]] for c in data}, "data": data}


def _csv(category: str, rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns = [*META, *(f.name for f in FIELDS[category])]
    # Neutralised cells (csvsafe): a name like "=HYPERLINK(...)" is text, not a formula.
    writer = csvsafe.DictWriter(out, fieldnames=columns, extrasaction="ignore",
                                lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("true" if v is True else "false" if v is False else v)
                         for k, v in row.items()})
    return out.getvalue()


def zip_bytes(document: dict[str, Any], extra: dict[str, bytes] | None = None) -> bytes:
    """The zip: data.json (the whole document) and <category>.csv per category (UTF-8);
    `extra`: more files by their path in the zip (each system's export, #16.3)."""
    return delivery.bundle({
        "data.json": json.dumps(document, ensure_ascii=False, indent=2).encode(),
        **{f"{category}.csv": _csv(category, rows).encode()
           for category, rows in document["data"].items()},
        **(extra or {}), "README.txt": README.encode()})


README = """privacydesk data export (GDPR Art. 20) / gegevensexport (art. 20 AVG)

data.json   every datum you provided, schema "privacydesk.portability/1":
            {"schema", "person_ref", "generated_at", "fields": {category: [field, ...]},
             "data": {category: [{"id", "source", "provided_on", <fields>...}, ...]}}
<category>.csv  the same rows per category; columns id, source, provided_on, then the
            category's fields; UTF-8, comma-separated, RFC 4180 quoting. A text that
            starts with = + - @ (a formula to a spreadsheet) begins with ' in the CSV;
            data.json has every value exactly as stored.
"""
