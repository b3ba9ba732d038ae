"""The call queue in the back office (P1, P2). Views translate; `services` decides.

Opening a callback shows the person's name and number: that read is audited by the register
with purpose "callback" (Sec4). Written contact is offered only once the policy allows it;
before that the page says why not (P2).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from privacydesk.callbacks import contact, services, texts
from privacydesk.callbacks.forms import AttemptForm, EmailForm, LetterForm
from privacydesk.callbacks.models import CallbackRequest, CallbackStatus, Outcome
from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.staff.access import require_category
from privacydesk.staff.views.common import actor


def _role(request: HttpRequest) -> str:
    return str(getattr(request.user, "staff_role", ""))


@require_GET
@require_category("phone")
def queue(request: HttpRequest) -> HttpResponse:
    """Open callback requests, oldest first, with each person's name and number."""
    rows = []
    for callback in services.open_queue()[:100]:
        try:
            details = contact.read(callback, actor=actor(request), purpose="callback",
                                   staff_role=_role(request))
        except RuleViolation:  # restricted (Art. 18): listed without details
            details = None
        rows.append({"callback": callback, "details": details,
                     "failed": callback.failed_attempts()})
    return render(request, "callbacks/queue.html", {"rows": rows})


def _not_yet(callback: CallbackRequest) -> dict[str, object] | None:
    """Why written contact is not open yet, in the numbers of the policy's P2 rule; None when
    it is open (or the request is closed, which the page says by itself)."""
    if callback.status != CallbackStatus.OPEN:
        return None
    ready = services.readiness(callback)
    if ready.allowed:
        return None
    rules = get_policy().callbacks
    return {"ready": ready, "hours": f"{ready.gap_minutes / 60:g}",
            "outcomes": ", ".join(str(Outcome(o).label) for o in sorted(rules.failed_outcomes)),
            "next": (timezone.localtime(ready.next_counts_from, clock.zone())
                     if ready.next_counts_from else None)}


def _detail(request: HttpRequest, callback: CallbackRequest, **forms: object) -> HttpResponse:
    policy = get_policy()
    refusal = ""
    try:
        services.check_written_contact(callback)
    except RuleViolation as exc:
        refusal = _(exc.message)
    details = None
    try:
        details = contact.read(callback, actor=actor(request), purpose="callback",
                               staff_role=_role(request))
    except RuleViolation as exc:
        messages.error(request, _(exc.message))
    initial = texts.defaults(callback.language, policy.controller.phone)
    context = {
        "callback": callback, "details": details, "refusal": refusal,
        "not_yet": _not_yet(callback),
        "attempts": callback.attempts.all(), "written": callback.written.all(),
        "needed": policy.callbacks.attempts_before_written,
        "attempt_form": forms.get("attempt_form") or AttemptForm(),
        "email_form": forms.get("email_form") or EmailForm(initial=initial),
        "letter_form": forms.get("letter_form") or LetterForm(initial=initial),
        "is_open": callback.status == CallbackStatus.OPEN,
        "form_errors": [e for f in forms.values()
                        for e in f.non_field_errors()],  # type: ignore[attr-defined]
    }
    return render(request, "callbacks/detail.html", context,
                  status=400 if any(forms.values()) else 200)


@require_GET
@require_category("phone")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_object_or_404(CallbackRequest, pk=pk))


@require_POST
@require_category("phone")
def attempt(request: HttpRequest, pk: int) -> HttpResponse:
    callback = get_object_or_404(CallbackRequest, pk=pk)
    form = AttemptForm(request.POST)
    if form.is_valid():
        try:
            services.log_attempt(callback, form.cleaned_data["outcome"],
                                 actor=actor(request), note=form.cleaned_data["note"])
        except RuleViolation as exc:
            form.add_error(None, f"{_(exc.message)} [{exc.rule}]")
        else:
            messages.success(request, _("Call attempt logged."))
            return redirect("callbacks:detail", pk=pk)
    return _detail(request, callback, attempt_form=form)


@require_POST
@require_category("email")
def send_email(request: HttpRequest, pk: int) -> HttpResponse:
    callback = get_object_or_404(CallbackRequest, pk=pk)
    form = EmailForm(request.POST)
    if form.is_valid():
        try:
            services.send_email(callback, subject=form.cleaned_data["subject"],
                                body=form.cleaned_data["body"], actor=actor(request))
        except RuleViolation as exc:
            form.add_error(None, f"{_(exc.message)} [{exc.rule}]")
        except OSError:
            form.add_error(None, "The mail server could not be reached; nothing was sent.")
        else:
            messages.success(request, _("E-mail sent."))
            return redirect("callbacks:detail", pk=pk)
    return _detail(request, callback, email_form=form)


@require_POST
@require_category("address")
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    callback = get_object_or_404(CallbackRequest, pk=pk)
    form = LetterForm(request.POST)
    if form.is_valid():
        try:
            pdf = services.write_letter(callback, body=form.cleaned_data["body"],
                                        actor=actor(request))
        except RuleViolation as exc:
            form.add_error(None, f"{_(exc.message)} [{exc.rule}]")
        else:
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="letter-{pk}.pdf"'
            return response
    return _detail(request, callback, letter_form=form)
