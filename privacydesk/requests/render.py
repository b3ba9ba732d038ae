"""The access report made readable: HTML (a standalone page) and PDF (fpdf2), nl or en.

fpdf2 is imported inside `pdf()`: importing it at module load costs seconds for every
process that never draws a PDF. A Unicode TrueType font (DejaVu) is used when installed,
so names like "Łukasz" or "Zoë" print as they are; without it, characters outside
Latin-1 are replaced rather than refusing the report.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string

from privacydesk.exports.pdf import latin1, unicode_font
from privacydesk.policy import clock
from privacydesk.requests import _systems
from privacydesk.requests.texts import REPORT

# Dutch text names the regulation by its Dutch name (issue #15): the policy's articles say
# "Art. 6(1)(b) GDPR"; a Dutch reader gets "Art. 6(1)(b) AVG".
_GDPR = re.compile(r"\bGDPR\b")


def _value(value: Any, lang: str) -> str:
    if value is True:
        return "ja" if lang == "nl" else "yes"
    if value is False:
        return "nee" if lang == "nl" else "no"
    return "" if value is None else str(value)


def for_request(report: dict[str, Any], *, reference: str, name: str,
                address: str = "") -> dict[str, Any]:
    """`report` (from `report.build`) addressed for its request: the request's reference
    (VZ-…) that the person quotes, and the addressee — their name and, for a letter, the
    postal address as they wrote it (issue #15). A copy; `report` is not changed."""
    return {**report, "request": {"reference": reference, "addressee": name.strip(),
                                  "address": [line.strip() for line in address.splitlines()
                                              if line.strip()]}}


def _head(report: dict[str, Any], t: dict[str, str]) -> list[tuple[str, str]]:
    """Letterhead (the controller, Id1), addressee, then the title and the reference."""
    c = report["controller"]
    addressed = report.get("request") or {}
    out = [("letterhead", c["name"]),
           ("letterhead_detail", f"{c['street']}, {c['postcode']} {c['city']}"),
           ("letterhead_detail", f"{c['phone']} · {c['email']}" +
            (f" · {c['website']}" if c.get("website") else ""))]
    to = [addressed.get("addressee", ""), *addressed.get("address", [])]
    out += [("addressee", line) for line in to if line]
    out.append(("h1", t["title"]))
    # The request's reference, never the person's register id (issue #15).
    reference = f"{t['ref']}: {addressed['reference']} · " if addressed.get("reference") else ""
    # The day it was made on the controller's calendar, not the UTC date of the stored
    # instant: made at 00:30 in Amsterdam is the next day (rule 7; found by walk (b), #15).
    made = clock.day_of(datetime.fromisoformat(report["generated_at"]))
    out.append(("p", f"{reference}{t['generated']}: {made.isoformat()}"))
    out.append(("p", f"{t['controller']}: {c['name']}, {c['street']}, {c['postcode']} "
                     f"{c['city']} · {c['email']} · {c['phone']}"))
    return out


def lines(report: dict[str, Any]) -> list[tuple[str, str]]:
    """The report as (style, text) lines: style letterhead | letterhead_detail | addressee |
    h1 | h2 | h3 | p | li. One source for both HTML and PDF, so they cannot say different
    things. Dutch lines say AVG, never GDPR (the person's own data values stay as held)."""
    lang = report["language"]
    t = REPORT[lang]
    out = _head(report, t)
    out.append(("h2", t["roles"]))
    out += [("li", f"{r['role_label']}" + (f" — {r['organisation']}" if r["organisation"]
                                           else "") + f" ({r['since']} – {r['until'] or ''})")
            for r in report["person"]["roles"]] or [("li", t["none"])]
    out.append(("h2", t["data"]))
    if not report["data"]:
        out.append(("p", t["no_data"]))
    for d in report["data"]:
        out.append(("h3", d["category_label"] + (f" — {t['restricted']}" if d["restricted"]
                                                 else "")))
        out += [("value", f"{d['field_labels'].get(k, k)}: {_value(v, lang)}")
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
    out += _systems.report_lines(report)   # #16.3: a section per declared system
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
    if lang == "nl":
        out = [(style, _GDPR.sub("AVG", text)) if style != "value" else (style, text)
               for style, text in out]
    return [("li" if style == "value" else style, text) for style, text in out]


def html(report: dict[str, Any]) -> str:
    """A standalone HTML page of the report (no scripts, no external resources)."""
    return render_to_string("requests/report.html", {
        "lang": report["language"], "title": REPORT[report["language"]]["title"],
        "lines": lines(report)})


def pdf(report: dict[str, Any]) -> bytes:
    """The report as a PDF document (A4)."""
    from fpdf import FPDF  # lazy: see the module doc

    doc = FPDF(format="A4")
    doc.set_title(REPORT[report["language"]]["title"])
    doc.set_creator("privacydesk")
    unicode = unicode_font(doc)
    family = unicode or "helvetica"
    doc.add_page()
    sizes = {"h1": (16, "B"), "h2": (13, "B"), "h3": (11, "B"), "p": (10, ""), "li": (10, ""),
             "letterhead": (14, "B"), "letterhead_detail": (9, ""), "addressee": (10, "")}
    previous = ""
    for style, text in lines(report):
        size, weight = sizes[style]
        doc.set_font(family, weight, size)
        if not unicode:
            text = latin1(text)
        if style in ("h2", "h3"):
            doc.ln(2)
        # The address block sits apart from the letterhead, as on a letter (window envelope).
        if style == "addressee" and previous != "addressee":
            doc.ln(12)
        if style == "h1" and previous in ("addressee", "letterhead_detail"):
            doc.ln(10)
        previous = style
        doc.multi_cell(0, size * 0.55, ("• " if unicode and style == "li" else
                                        "- " if style == "li" else "") + text,
                       new_x="LMARGIN", new_y="NEXT", align="L")
    return bytes(doc.output())
