"""Back-office pages for server access (A1, A2). Views only translate: every rule is in
access.requests / access.grants, which raise RuleViolation(field, rule, message).

request_access: ask for access, upload a key, see and download one's own grants, give one's
own grant up. grant_access: decide on pending requests, all grants, revoke, client servers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from privacydesk.access import contacts, grants, rules
from privacydesk.access import requests as access
from privacydesk.access.models import AccessRequest, ClientServer, Grant, StaffKey
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.models import Agreement, Organisation
from privacydesk.staff import labels as staff_labels
from privacydesk.staff.access import require_permission
from privacydesk.staff.permissions import has_permission, roles_with_permission

ASK, DECIDE = "request_access", "grant_access"


#: The form fields a RuleViolation may name, as the forms label them (#15: staff read the
#: label in their language, never the code name).
_FIELDS = {
    "server": gettext_lazy("Client server"), "principal": gettext_lazy("Login (principal)"),
    "action": gettext_lazy("The action you will carry out"),
    "minutes": gettext_lazy("Minutes"), "agreement": gettext_lazy("Agreement"),
    "repair_reference": gettext_lazy("Client's request reference"),
    "repair_contact": gettext_lazy("Who at the client asked"),
    "force_command": gettext_lazy("Only this command (optional)"),
    "public_key": gettext_lazy("Your SSH public key"), "host": gettext_lazy("Host name"),
    "organisation": gettext_lazy("Client organisation")}


@contextmanager
def _refusal_shown(request: HttpRequest) -> Iterator[None]:
    """A RuleViolation raised inside becomes the page's error message, its field labelled."""
    try:
        yield
    except RuleViolation as error:
        field = _FIELDS.get(error.field, error.field)
        messages.error(request, f"{field}: {_(error.message)} ({error.rule})")


def _agreements() -> Any:
    """Agreements as staff pick them: by client name, then number (#15), never by id."""
    return Agreement.objects.select_related("organisation").order_by(
        "organisation__name", "title", "reference")[:500]


def _pick(model: Any, value: str | None) -> Any:
    text = value or ""
    return model.objects.filter(pk=int(text)).first() if text.isdigit() else None


@require_GET
@require_permission(ASK)
def home(request: HttpRequest) -> HttpResponse:
    me = request.user.pk  # signed in: the middleware lets no anonymous visitor this far
    mine = AccessRequest.objects.filter(requester_id=me).select_related(
        "server", "agreement", "agreement__organisation").prefetch_related("grant")[:100]
    servers = list(ClientServer.objects.select_related(
        "organisation", "agreement", "agreement__organisation").order_by("host")[:500])
    # "Who at the client asked": a search of the chosen server's client's contacts (#15).
    contact_server = _pick(ClientServer, request.GET.get("contact_server"))
    contact_name = request.GET.get("contact_name", "").strip()[:200]
    return render(request, "access/home.html", {
        "key": StaffKey.objects.filter(user_id=me).first(), "requests": mine,
        "servers": [(s, contacts.client_name(s)) for s in servers],
        "agreements": _agreements(), "may_decide": has_permission(request.user, DECIDE),
        # Who adds servers, from the policy's roles (for those who may not add them).
        "deciders": ", ".join(sorted(staff_labels.label("staff_role", key)
                                     for key in roles_with_permission(DECIDE))),
        "contact_server": contact_server, "contact_name": contact_name,
        "contact_client": contacts.client_name(contact_server) if contact_server else "",
        "contacts": contacts.search(contact_server, contact_name, user=request.user)
        if contact_server else None,
        "default_minutes": rules.default_minutes(), "max_minutes": rules.max_minutes()})


@require_POST
@require_permission(ASK)
def upload_key(request: HttpRequest) -> HttpResponse:
    with _refusal_shown(request):
        access.upload_key(request.user, request.POST.get("public_key", ""))
        messages.success(request, _("Your SSH public key is stored."))
    return redirect("access:home")


@require_POST
@require_permission(ASK)
def new_request(request: HttpRequest) -> HttpResponse:
    post = request.POST
    server = _pick(ClientServer, post.get("server"))
    with _refusal_shown(request):
        if server is None:
            raise RuleViolation("server", "A1", "choose the client server")
        minutes = post.get("minutes", "")
        access.request_access(
            request.user, server=server, principal=post.get("principal", "").strip(),
            action=post.get("action", ""), minutes=int(minutes) if minutes.isdigit() else None,
            agreement=_pick(Agreement, post.get("agreement")),
            repair_reference=post.get("repair_reference", ""),
            repair_contact_ref=post.get("repair_contact_ref", ""),
            force_command=post.get("force_command", ""))
        messages.success(request, _("Access requested; a colleague must approve it."))
    return redirect("access:home")


@require_GET
@require_permission(ASK)
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The requester's own certificate, as the -cert.pub file ssh reads."""
    grant = get_object_or_404(Grant, pk=pk)
    if grant.request.requester_id != request.user.pk:
        raise Http404
    response = HttpResponse(grant.certificate + "\n", content_type="text/plain; charset=ascii")
    response["Content-Disposition"] = f'attachment; filename="{grant.key_id}-cert.pub"'
    return response


@require_POST
@require_permission(ASK)
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    with _refusal_shown(request):
        grants.revoke(get_object_or_404(Grant, pk=pk), request.user,
                      request.POST.get("reason", ""))
    return redirect(request.POST.get("next") == "all" and "access:all" or "access:home")


@require_GET
@require_permission(DECIDE)
def all_grants(request: HttpRequest) -> HttpResponse:
    return render(request, "access/all.html", {
        "pending": AccessRequest.objects.filter(status=AccessRequest.PENDING)
        .select_related("server", "agreement", "agreement__organisation")[:200],
        "grants": Grant.objects.select_related("request", "request__server")[:200],
        "servers": ClientServer.objects.select_related("organisation", "agreement")[:500],
        "organisations": Organisation.objects.order_by("name")[:500],
        "agreements": _agreements()})


@require_POST
@require_permission(DECIDE)
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    with _refusal_shown(request):
        grant = grants.approve(get_object_or_404(AccessRequest, pk=pk), request.user)
        messages.success(request, _("Approved: certificate serial %(serial)s.")
                         % {"serial": grant.serial})
    return redirect("access:all")


@require_POST
@require_permission(DECIDE)
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    with _refusal_shown(request):
        grants.refuse(get_object_or_404(AccessRequest, pk=pk), request.user,
                      request.POST.get("reason", ""))
    return redirect("access:all")


@require_http_methods(["GET", "POST"])
@require_permission(DECIDE)
def add_server(request: HttpRequest) -> HttpResponse:
    """POST adds a client server; GET shows where servers are listed and added (#15)."""
    if request.method == "GET":
        return redirect(reverse("access:all") + "#servers")
    post = request.POST
    with _refusal_shown(request):
        access.add_server(post.get("host", ""), organisation=_pick(Organisation,
                                                                   post.get("organisation")),
                          agreement=_pick(Agreement, post.get("agreement")),
                          host_key_fingerprint=post.get("host_key_fingerprint", ""),
                          actor=request.user)
    return redirect("access:all")
