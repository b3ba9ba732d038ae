"""What the public forms file: a callback request (P1), a web request (Rt5), an incident
(Sec5). Each is one transaction; what is stored is what the person typed, never where they
typed it from (W1): no address, no time of visit beyond the filing date, no browser data.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from privacydesk.callbacks import services as callbacks
from privacydesk.callbacks.models import CallbackRequest
from privacydesk.incidents import services as incidents
from privacydesk.incidents.models import Incident
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.public.mail import confirm_after_commit, may_confirm
from privacydesk.register import services as register
from privacydesk.requests import intake
from privacydesk.requests.models import DataSubjectRequest

ACTOR = "public"
SOURCE = "contact_form"  # C1
PURPOSE = "callback"  # P1
BASIS = "consent"  # the visitor pressed "send and call me back" (the page explains it)


def callback_promised() -> bool:
    """True when the active policy promises to call back who uses the contact form (a
    `callback` purpose serving P1). Only then do the contact page, its thank-you page and
    its confirmation e-mail say "we will call you back" (issue #15)."""
    purpose = get_policy().purposes.get(PURPOSE)
    return purpose is not None and purpose.promise == "P1"


def _new_person(data: dict[str, Any]) -> Any:
    # Always a new person: an unverified e-mail address on a public form must not attach
    # data to someone already in the register (Anna's record is not Olaf's to extend).
    person = register.create_person(actor=ACTOR, purpose=PURPOSE, source=SOURCE)
    if data.get("organisation"):
        org = register.create_organisation(data["organisation"], actor=ACTOR)
        register.add_role(person, "contact", actor=ACTOR, organisation=org)
    else:
        register.add_role(person, "prospect", actor=ACTOR)
    return person


def _add(person: Any, category: str, values: dict[str, Any]) -> Any:
    return register.add_datum(person, category, values, source=SOURCE, purpose=PURPOSE,
                              basis=BASIS, actor=ACTOR)


def file_contact(data: dict[str, Any], lang: str) -> CallbackRequest:
    """Store the person's name, phone and e-mail (source contact form, purpose callback) and
    queue a callback. Raises RuleViolation (nothing stored) when the register refuses."""
    with transaction.atomic():
        person = _new_person(data)
        _add(person, "names", {"given_names": data["given_names"], "infix": "",
                               "family_name": data["family_name"]})
        phone_datum = _add(person, "phone", {"number": data["phone"]})
        _add(person, "email", {"address": data["email"]})
        callback = callbacks.request_callback(person, phone=phone_datum,
                                              message=data["message"], language=lang,
                                              actor=ACTOR)
        # 5.12: the greeting quotes nothing the visitor typed. "We will call you back" only
        # where the policy promises it (P1, issue #15); otherwise a plain receipt.
        template = "callback.txt" if callback_promised() else "contact.txt"
        confirm_after_commit(f"public/mail/{template}", data["email"], lang)
    return callback


def file_request(data: dict[str, Any], lang: str) -> DataSubjectRequest:
    """File a data-subject request (Rt5) in the request workflow: its clocks start now and
    the person is e-mailed the identity step (a confirmation link to the address in the
    register, or the answer that no data are held). A mail that fails loses nothing.

    An address that had its day's share of our mail (`mail.may_confirm`, 5.12) is refused
    with RuleViolation("email", "limit"): nothing is filed, the visitor is asked to call."""
    if not may_confirm(data["email"]):
        phone = get_policy().controller.phone
        raise RuleViolation("email", "limit", gettext(
            "this e-mail address has received several messages from us today; please try "
            "again tomorrow or call us at %(phone)s") % {"phone": phone})
    return intake.file_web_request(kind=data["kind"], name=data["name"],
                                   email=data["email"], message=data["message"],
                                   language=lang)


def file_concern(data: dict[str, Any], lang: str) -> Incident:
    """File a concern as an incident; confirm by e-mail only if an address was given."""
    with transaction.atomic():
        incident = incidents.file_concern(data["description"], reporter_name=data["name"],
                                          reporter_email=data["email"], language=lang)
        if data["email"]:
            confirm_after_commit("public/mail/concern.txt", data["email"], lang)
    return incident
