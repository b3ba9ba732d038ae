"""The printable letter (PDF, fpdf2) for written contact after failed calls (P2).

Every letter carries the controller's name, address and contact details from the policy
(Id1) as its letterhead, and is written in the language the person used on the website.
"""

from __future__ import annotations

from datetime import date

from privacydesk.callbacks.contact import ContactDetails
from privacydesk.exports.pdf import latin1
from privacydesk.policy import Policy, clock

_MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
_TEXT = {
    "nl": {"subject": "Betreft: uw verzoek om teruggebeld te worden",
           "dear": "Geachte {name},", "dear_anon": "Geachte heer, mevrouw,",
           "regards": "Met vriendelijke groet,"},
    "en": {"subject": "Re: your request to be called back",
           "dear": "Dear {name},", "dear_anon": "Dear Sir or Madam,",
           "regards": "Kind regards,"},
}


def long_date(day: date, lang: str) -> str:
    """Return "3 maart 2025" / "3 March 2025"."""
    return f"{day.day} {_MONTHS[lang][day.month - 1]} {day.year}"


def render(policy: Policy, details: ContactDetails, *, body: str, lang: str,
           today: date | None = None) -> bytes:
    """Return the letter to `details.address_lines` as PDF bytes."""
    from fpdf import FPDF  # seconds to import: only when a letter is made, not with the URLs

    lang = lang if lang in _TEXT else "nl"
    words = _TEXT[lang]
    controller = policy.controller
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(words["subject"]))
    pdf.set_author(latin1(controller.name))
    pdf.set_creator("privacydesk")
    pdf.add_page()
    pdf.set_margins(25, 20, 20)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, latin1(controller.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for line in (controller.address_line, f"{controller.phone}  |  {controller.email}",
                 controller.website):
        pdf.cell(0, 5, latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(18)
    pdf.set_font("Helvetica", "", 11)
    for line in details.address_lines:
        pdf.cell(0, 6, latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.cell(0, 6, latin1(f"{controller.city}, {long_date(today or clock.today(), lang)}"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, latin1(words["subject"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.ln(6)
    greeting = words["dear"].format(name=details.name) if details.name else words["dear_anon"]
    pdf.multi_cell(0, 6, latin1(greeting), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(0, 6, latin1(body.strip()), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.multi_cell(0, 6, latin1(f"{words['regards']}\n\n{controller.name}"),
                   new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
