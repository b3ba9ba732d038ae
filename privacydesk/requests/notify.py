"""E-mails about requests: to the requester (in their language) and to staff (Rt6).

Nothing here attaches data: the requester gets links and receipts in the message text
only; exports travel through expiring download links (delivery.py). A failure to send is
logged without address or content (W1) and raised to the caller where the caller records
an answer, so a request is never marked answered by a mail that did not leave.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_noop

from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import kinds
from privacydesk.requests.models import DataSubjectRequest
from privacydesk.staff.models import StaffUser
from privacydesk.staff.permissions import roles_with_permission

log = logging.getLogger("privacydesk.requests")


def public_url(path: str) -> str:
    """An absolute link on the public site (PRIVACYDESK_PUBLIC_URL + path)."""
    return str(settings.PRIVACYDESK_PUBLIC_URL).rstrip("/") + path


def _render(template: str, lang: str, context: dict[str, Any]) -> tuple[str, str]:
    controller = get_policy().controller
    with translation.override(lang):
        text = render_to_string(f"requests/mail/{template}.txt",
                                {**context, "controller": controller, "lang": lang})
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def _send(to: Iterable[str], subject: str, body: str) -> None:
    controller = get_policy().controller
    EmailMessage(subject=subject, body=body, to=list(to),
                 reply_to=[controller.email]).send(fail_silently=False)


def render_to_requester(request: DataSubjectRequest, template: str,
                        context: dict[str, Any] | None = None) -> tuple[str, str]:
    """The (subject, body) of `template` for the requester, in their language, as
    `to_requester` sends it (also the staff preview of an answer, issue #15)."""
    lang = request.language if request.language in ("nl", "en") else "nl"
    return _render(template, lang, {
        "request": request, "reference": request.reference,
        "name": request.contact()["name"], "kind_label": kinds.label(request.kind, lang),
        **(context or {})})


def to_requester(request: DataSubjectRequest, template: str,
                 context: dict[str, Any] | None = None) -> None:
    """Send `template` (first line = subject) to the requester; RuleViolation if it fails."""
    contact = request.contact()
    if not contact["email"]:
        raise RuleViolation("email", "Rt5", gettext_noop(
            "this request has no e-mail address to answer to; answer by post or telephone "
            "and record it"))
    subject, body = render_to_requester(request, template, context)
    try:
        _send([contact["email"]], subject, body)
    except Exception as exc:
        log.warning("request mail %s not sent (%s)", template, type(exc).__name__)
        raise RuleViolation("email", "delivery", "the e-mail could not be sent; nothing was "
                            "recorded, try again") from exc


def _staff_by_language(permission: str) -> dict[str, list[str]]:
    """The addresses of the active staff with `permission`, by the language each reads the
    back office in (their own choice, else Dutch: issue #15)."""
    roles = roles_with_permission(permission)
    groups: dict[str, set[str]] = {}
    for user in StaffUser.objects.filter(is_active=True, staff_role__in=roles).exclude(
            email=""):
        groups.setdefault(user.language or settings.LANGUAGE_CODE, set()).add(user.email)
    return {lang: sorted(addresses) for lang, addresses in groups.items()}


def to_staff(template: str, context: dict[str, Any], *, permission: str) -> int:
    """Mail staff with `permission`, each in their back-office language (issue #15); return
    how many were mailed. The context's `kind` (a request kind code) is shown by its label.
    The mail names the request reference and days left, never the requester."""
    count = 0
    for lang, to in sorted(_staff_by_language(permission).items()):
        kind = context.get("kind")
        local = {**context, "kind": kinds.label(str(kind), lang)} if kind else context
        subject, body = _render(template, lang, local)
        _send(to, subject, body)
        count += len(to)
    return count
