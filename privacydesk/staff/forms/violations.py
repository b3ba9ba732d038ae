"""Show a RuleViolation on the form field it names, with the rule id (nothing was stored)."""

from __future__ import annotations

from django import forms

from privacydesk.policy.errors import RuleViolation


def show_violation(form: forms.Form, error: RuleViolation, aliases: dict[str, str] | None = None
                   ) -> None:
    """Attach `error` to the field it names (or an alias of it), else to the whole form."""
    field: str | None = (aliases or {}).get(error.field, error.field)
    if field in form.fields:
        form.add_error(field, f"{error.message} [{error.rule}]")
    else:  # e.g. "recipients[1].categories": name it in the message
        form.add_error(None, f"{error.field}: {error.message} [{error.rule}]")
