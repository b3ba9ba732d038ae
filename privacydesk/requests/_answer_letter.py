"""The answer to a request as a printable letter (PDF, fpdf2), Dutch or English (Rt5).

The letterhead is the controller's name, address and contact details from the policy (Id1),
as on the callback letter (`callbacks.letter`). Text is set in DejaVu Sans when the system
has it (Debian's fonts-dejavu-core), so a name such as "Łukasz Wójcik" or "Zoë Çelik"
prints as written; without it the core font is used and characters outside Latin-1 show
as "?" (the letter is still made).
"""

from __future__ import annotations

from datetime import date

from privacydesk.callbacks.letter import long_date
from privacydesk.exports.pdf import latin1, unicode_font
from privacydesk.policy import clock

TEXT: dict[str, dict[str, str]] = {
    "nl": {"subject": "Betreft: uw verzoek om {kind} (kenmerk {reference})",
           "dear": "Geachte {name},", "dear_anon": "Geachte heer, mevrouw,",
           "regards": "Met vriendelijke groet,",
           "done": "Wij hebben uw verzoek om {kind} uitgevoerd (kenmerk {reference}).",
           "no_data": "Wij hebben uw verzoek om {kind} ontvangen (kenmerk {reference}) en ons "
                      "register doorzocht. Wij hebben geen persoonsgegevens van u.",
           "complaint": "U kunt een klacht indienen bij de {authority} ({url})."},
    "en": {"subject": "Re: your request for {kind} (reference {reference})",
           "dear": "Dear {name},", "dear_anon": "Dear Sir or Madam,",
           "regards": "Kind regards,",
           "done": "We have carried out your request for {kind} (reference {reference}).",
           "no_data": "We received your request for {kind} (reference {reference}) and "
                      "searched our register. We hold no personal data about you.",
           "complaint": "You may complain to the {authority} ({url})."},
}


def render(policy: object, *, name: str, address: str, reference: str, kind: str, body: str,
           lang: str, today: date | None = None) -> bytes:
    """Return the answer letter to `name` at `address` (lines as the requester wrote them)
    as PDF bytes: letterhead, address block, place and date, subject with the request's
    `kind` (its words for the person) and reference, greeting, `body`, where to complain,
    regards."""
    from fpdf import FPDF  # seconds to import: only when a letter is made

    lang = "en" if lang == "en" else "nl"
    words = TEXT[lang]
    controller = policy.controller  # type: ignore[attr-defined]
    pdf = FPDF(format="A4")
    family = unicode_font(pdf)

    def text(value: str) -> str:
        # The core PDF fonts speak Latin-1 only: "?" rather than failing.
        return value if family else latin1(value)

    def cell(height: float, value: str) -> None:
        pdf.cell(0, height, text(value), new_x="LMARGIN", new_y="NEXT", align="L")

    def paragraph(value: str) -> None:
        pdf.multi_cell(0, 6, text(value), new_x="LMARGIN", new_y="NEXT", align="L")

    face = family or "Helvetica"
    subject = words["subject"].format(kind=kind, reference=reference)
    pdf.set_title(text(subject))
    pdf.set_author(text(controller.name))
    pdf.set_creator("privacydesk")
    pdf.add_page()
    pdf.set_margins(25, 20, 20)
    pdf.set_font(face, "B", 14)
    cell(8, controller.name)
    pdf.set_font(face, "", 9)
    for line in (controller.address_line, f"{controller.phone}  |  {controller.email}",
                 controller.website):
        cell(5, line)
    pdf.ln(18)
    pdf.set_font(face, "", 11)
    lines = [name.strip()] if name.strip() else []
    lines += [line.strip() for line in address.splitlines() if line.strip()]
    if len(lines) > 1 and lines[1] == lines[0]:  # the name written twice
        lines.pop(1)
    for line in lines:
        cell(6, line)
    pdf.ln(12)
    cell(6, f"{controller.city}, {long_date(today or clock.today(), lang)}")
    pdf.ln(6)
    pdf.set_font(face, "B", 11)
    paragraph(subject)
    pdf.set_font(face, "", 11)
    pdf.ln(4)
    paragraph(words["dear"].format(name=name.strip()) if name.strip() else words["dear_anon"])
    pdf.ln(3)
    paragraph(body.strip())
    pdf.ln(4)
    authority = controller.authority
    paragraph(words["complaint"].format(authority=authority.name, url=authority.url))
    pdf.ln(8)
    paragraph(f"{words['regards']}\n\n{controller.name}")
    return bytes(pdf.output())

