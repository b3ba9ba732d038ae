"""The fixed English texts the requests app stores in a request's timeline notes and in
`answered_how` (#15). What is stored stays as written (the record and the audit keep one
language); the request page shows each in the staff member's language with
`{% translate note %}`. `gettext_noop` puts them in the catalogue without translating what
is stored. A note composed with values (a name, a count, a date) is not in this list and
is shown as stored.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

TEXTS = (
    gettext_noop("e-mail: no data held (register searched by address)"),
    gettext_noop("e-mail: no data held (register searched by staff)"),
    gettext_noop("no data held for this address; register searched"),
    gettext_noop("no data held; told by e-mail"),
    gettext_noop("confirmation link sent to the address in the register"),
    gettext_noop("confirmed through the link sent to the registered address"),
    gettext_noop("all data restricted (Art. 18)"),
    gettext_noop("legal deadline passed"),
    gettext_noop("one-week promise passed"),
    gettext_noop("requester details removed after the retention period (R2)"),
    gettext_noop("no e-mail address: verify by other means"),
)
