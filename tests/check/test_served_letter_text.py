"""Id1 reads the callback letter as the PDF staff print. A compressed page whose last byte
happens to be a carriage return was read as empty — the English letter dated 25 October 2026
showed no controller at all, and `check` failed Id1 on that day only (found by the frozen
clocks of issue #13)."""

from __future__ import annotations

import zlib
from datetime import date
from pathlib import Path

from privacydesk.callbacks import letter, texts
from privacydesk.callbacks.contact import ContactDetails
from privacydesk.check.served import PLACEHOLDER_RECIPIENT, pdf_text
from privacydesk.policy import load_policy

VOORBEELD = Path(__file__).resolve().parents[1] / "policy" / "fixtures" / "voorbeeld.toml"


def _page_whose_compressed_form_ends_in_cr() -> tuple[str, bytes]:
    for n in range(10_000):
        line = f"Utrecht, {n} October 2026"
        data = zlib.compress(f"BT ({line}) Tj ET".encode("latin-1"))
        if data.endswith(b"\r"):
            return line, data
    raise AssertionError("zlib never ended a page in CR")   # pragma: no cover


def test_a_compressed_page_ending_in_a_carriage_return_is_read_whole() -> None:
    line, data = _page_whose_compressed_form_ends_in_cr()
    pdf = (b"%PDF-1.3\n3 0 obj\n<</Filter /FlateDecode /Length " + str(len(data)).encode()
           + b">>\nstream\n" + data + b"\nendstream\nendobj\n%%EOF\n")
    assert pdf_text(pdf) == line


def test_the_english_letter_of_25_october_2026_names_the_controller() -> None:
    policy = load_policy(VOORBEELD)
    recipient = ContactDetails(name="", phone="", email="", address_lines=PLACEHOLDER_RECIPIENT)
    body = texts.defaults("en", policy.controller.phone)["body"]
    pdf = letter.render(policy, recipient, body=body, lang="en", today=date(2026, 10, 25))
    text = pdf_text(pdf)
    c = policy.controller
    assert all(part in text for part in (c.name, c.street, c.postcode, c.city, c.phone,
                                         c.email, c.website, "25 October 2026"))
