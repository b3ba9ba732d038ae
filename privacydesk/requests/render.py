"""The access report made readable: HTML (a standalone page) and PDF (fpdf2), nl or en.

fpdf2 is imported inside `pdf()`: importing it at module load costs seconds for every
process that never draws a PDF. A Unicode TrueType font (DejaVu) is used when installed,
so names like "Łukasz" or "Zoë" print as they are; without it, characters outside
Latin-1 are replaced rather than refusing the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from privacydesk.requests.texts import REPORT

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


def _value(value: Any, lang: str) -> str:
    if value is True:
        return "ja" if lang == "nl" else "yes"
    if value is False:
        return "nee" if lang == "nl" else "no"
    return "" if value is None else str(value)


def lines(report: dict[str, Any]) -> list[tuple[str, str]]:
    """The report as (style, text) lines: style h1 | h2 | h3 | p | li. One source for both
    HTML and PDF, so they cannot say different things."""
    lang = report["language"]
    t = REPORT[lang]
    c = report["controller"]
    out = [("h1", t["title"]),
           ("p", f"{t['controller']}: {c['name']}, {c['street']}, {c['postcode']} "
                 f"{c['city']} · {c['email']} · {c['phone']}"),
           ("p", f"{t['ref']}: {report['person']['ref']} · {t['generated']}: "
                 f"{report['generated_at'][:10]}"),
           ("h2", t["roles"])]
    out += [("li", f"{r['role_label']}" + (f" — {r['organisation']}" if r["organisation"]
                                           else "") + f" ({r['since']} – {r['until'] or ''})")
            for r in report["person"]["roles"]] or [("li", t["none"])]
    out.append(("h2", t["data"]))
    if not report["data"]:
        out.append(("p", t["no_data"]))
    for d in report["data"]:
        out.append(("h3", d["category_label"] + (f" — {t['restricted']}" if d["restricted"]
                                                 else "")))
        out += [("li", f"{d['field_labels'].get(k, k)}: {_value(v, lang)}")
                for k, v in d["values"].items()]
        r = d["retention"]
        until = r["until"] or t["retention_open"]
        out += [("li", f"{t['source']}: {d['source_label']}"),
                ("li", f"{t['purpose']}: {d['purpose_label']}"
                       + (f" ({t['agreement']} {d['agreement']})" if d["agreement"] else "")),
                ("li", f"{t['basis']}: {d['legal_basis_label']} ({d['legal_basis_article']})"),
                ("li", f"{t['collected']}: {d['collected_on']}"),
                ("li", f"{t['retention']}: {until} — {r['law']}"),
                ("li", f"{t['recipients']}: {', '.join(d['recipients']) or t['none']}")]
    out.append(("h2", t["recipients"]))
    out += [("li", f"{r['recipient']}: {', '.join(r['category_labels'])} — {r['purpose']} "
                   f"({r['legal_basis_label']}, {r['agreement']})")
            for r in report["recipients"] + report["disclosures"]] or [("li", t["none"])]
    if report["legal_holds"]:
        out.append(("h2", t["holds"]))
        out += [("li", f"{h['reason']} ({h['since']} – {h['until'] or ''})")
                for h in report["legal_holds"]]
    out.append(("h2", t["rights"]))
    out += [("li", right) for right in report["rights"]]
    out.append(("p", report["automated_decisions"]))
    out.append(("h2", t["complaint"]))
    out.append(("p", f"{t['complaint_text']} {report['complaint']['authority']} "
                     f"({report['complaint']['url']})."))
    return out


def html(report: dict[str, Any]) -> str:
    """A standalone HTML page of the report (no scripts, no external resources)."""
    return render_to_string("requests/report.html", {
        "lang": report["language"], "title": REPORT[report["language"]]["title"],
        "lines": lines(report)})


def _font_dir() -> Path | None:
    for folder in FONT_DIRS:
        if (folder / "DejaVuSans.ttf").exists() and (folder / "DejaVuSans-Bold.ttf").exists():
            return folder
    return None


def pdf(report: dict[str, Any]) -> bytes:
    """The report as a PDF document (A4)."""
    from fpdf import FPDF  # lazy: see the module doc

    doc = FPDF(format="A4")
    doc.set_title(REPORT[report["language"]]["title"])
    doc.set_creator("privacydesk")
    fonts = _font_dir()
    family = "helvetica"
    if fonts is not None:
        doc.add_font("dejavu", "", str(fonts / "DejaVuSans.ttf"))
        doc.add_font("dejavu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
        family = "dejavu"
    doc.add_page()
    sizes = {"h1": (16, "B"), "h2": (13, "B"), "h3": (11, "B"), "p": (10, ""), "li": (10, "")}
    for style, text in lines(report):
        size, weight = sizes[style]
        doc.set_font(family, weight, size)
        if fonts is None:
            text = text.encode("latin-1", "replace").decode("latin-1")
        if style in ("h2", "h3"):
            doc.ln(2)
        doc.multi_cell(0, size * 0.55, ("• " if fonts and style == "li" else
                                        "- " if style == "li" else "") + text,
                       new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())
