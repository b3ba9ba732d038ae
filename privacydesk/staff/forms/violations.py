"""Show a RuleViolation on the form field it names, with the rule id (nothing was stored).

The message is shown in the page's language when the catalogue has it (#15: services
mark their fixed messages with gettext_noop; what they raise stays English for the API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, pgettext

from privacydesk.policy.errors import RuleViolation


def _translated(message: str) -> str:
    """`message` in the page's language: a register format rule's words (context
    "register rule", e.g. "is required"), else any fixed message, else as raised."""
    if not message:
        return message
    found = pgettext("register rule", message)
    return found if found != message else gettext(message)


def show_violation(form: forms.Form, error: RuleViolation, aliases: dict[str, str] | None = None
                   ) -> None:
    """Attach `error` to the field it names (or an alias of it), else to the whole form."""
    field: str | None = (aliases or {}).get(error.field, error.field)
    message = _translated(error.message)
    if field in form.fields:
        form.add_error(field, f"{message} [{error.rule}]")
    else:  # e.g. "recipients[1].categories": name it in the message
        form.add_error(None, f"{error.field}: {message} [{error.rule}]")
