"""privacydesk.disclosure: the only way personal data leave for a third party (D1–D3).

`gate.disclose` checks the basis of every disclosure — an agreement that names the
recipient and the categories (D1, D2), a stated legal obligation (D1), or the person's
granted, unwithdrawn consent (D3) — and logs it without data values. `consent` asks a
person's consent by e-mail with a signed single-use link, records the answer and honours a
withdrawal at once. `hooks.recipients_of` answers Art. 15(1)(c) and Art. 19 from the log.
See docs/disclosure.md.
"""
