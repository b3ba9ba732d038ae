"""The record of processing activities as text, CSV and PDF (`privacydesk ropa`, /staff/ropa/).

Each rendering walks the same `Record` (`privacydesk.ropa.record.build`), so the three never
differ in content. The CSV goes through `privacydesk.exports.csvsafe` like every CSV
privacydesk writes; the PDF is set in DejaVu Sans when the system has it (Dutch letters,
"✓"), otherwise in the PDF core font with those characters folded.
"""

from __future__ import annotations

import io

from privacydesk.exports import csvsafe
from privacydesk.exports.pdf import DASHES, latin1, unicode_font
from privacydesk.ropa.record import Record

#: The CSV's header: one row per entry of the record.
CSV_HEADER = {"nl": ("sectie", "onderwerp", "veld", "waarde"),
              "en": ("section", "item", "field", "value")}
#: What the core font lacks, folded in a PDF without DejaVu Sans.
_FOLD = {**DASHES, "✓": "x"}


def text(record: Record) -> str:
    """Plain text: the title, then each section underlined, items indented."""
    lines = [f"{record.title} — {record.controller}", ""]
    for section, items in record.sections():
        lines += [section, "=" * len(section)]
        for item, fields in items:
            indent = ""
            if item:
                lines.append(f"- {item}")
                indent = "    "
            for field, value in fields:
                lines.append(f"{indent}{field}: {value}" if field else f"{indent}{value}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def csv_text(record: Record) -> str:
    """CSV with the header `CSV_HEADER[lang]`, one row per entry, formula-safe cells."""
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(CSV_HEADER[record.lang])
    for e in record.entries:
        writer.writerow((e.section, e.item, e.field, e.value))
    return out.getvalue()


def pdf(record: Record) -> bytes:
    """The record as an A4 PDF."""
    from fpdf import FPDF  # slow to import: only when a PDF is asked for

    doc = FPDF(format="A4")
    doc.set_title(record.title)
    doc.set_creator("privacydesk")
    doc.set_auto_page_break(auto=True, margin=15)
    unicode = unicode_font(doc)
    family = unicode or "helvetica"

    def write(value: str, size: float, weight: str = "", indent: float = 0) -> None:
        doc.set_font(family, weight, size)
        doc.set_x(doc.l_margin + indent)
        doc.multi_cell(0, size * 0.5, value if unicode else latin1(value, _FOLD),
                       new_x="LMARGIN", new_y="NEXT", align="L")

    doc.add_page()
    write(record.title, 15, "B")
    write(record.controller, 11)
    for section, items in record.sections():
        doc.ln(3)
        write(section, 12.5, "B")
        for item, fields in items:
            if item:
                doc.ln(1)
                write(item, 10, "B", 2)
            for field, value in fields:
                write(f"{field}: {value}" if field else value, 9, "", 6 if item else 2)
    return bytes(doc.output())
