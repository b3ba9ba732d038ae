"""The words staff read for the guard's rule names (#15): an offender's evidence stores
`login_failed`, the back office shows "refused staff password"."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from privacydesk.guard import rules
from privacydesk.staff.labels import register_labels

LABELS = {
    rules.LOGIN_FAILED: _("refused staff password"),
    rules.MFA_FAILED: _("refused one-time code"),
    rules.CSRF_FAILED: _("form sent without a valid check token"),
    rules.ATTACK_PATH: _("asked for another product's admin or secret files"),
    rules.TRAVERSAL: _("tried to climb out of a folder (path traversal)"),
    rules.SQL_INJECTION: _("tried database injection (SQL)"),
    rules.SCRIPT_INJECTION: _("tried script injection"),
    rules.FORM_FLOOD: _("flooded the forms"),
}


def register() -> None:
    register_labels("guard_rule", LABELS)
