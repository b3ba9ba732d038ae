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
    # actions.send_export, one per kind exported (walk (b) of #15 found it in English)
    gettext_noop("e-mail: single-use download link (access)"),
    gettext_noop("e-mail: single-use download link (portability)"),
    gettext_noop("e-mail: erasure receipt"),  # actions.erase
    # actions.confirm_done, one per kind it answers
    gettext_noop("e-mail: rectification carried out"),
    gettext_noop("e-mail: restriction carried out"),
    gettext_noop("e-mail: objection carried out"),
)
