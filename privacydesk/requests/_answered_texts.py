"""The fixed English texts the requests app stores in `DataSubjectRequest.answered_how`
(#15). What is stored stays as written (the record and the check read one language); the
request page shows them in the staff member's language with `{% translate r.answered_how %}`.
`gettext_noop` puts them in the catalogue without translating what is stored. An answer
described with values (who answered, when) is shown as stored. (Timeline notes: the
`event_note` filter, requests/templatetags/request_notes.py.)
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

TEXTS = (
    gettext_noop("e-mail: no data held (register searched by address)"),
    gettext_noop("e-mail: no data held (register searched by staff)"),
    gettext_noop("post: letter sent"),  # _answers.answer_by_post
    gettext_noop("phone: answered in a call"),  # _answers.answer_by_phone
)
