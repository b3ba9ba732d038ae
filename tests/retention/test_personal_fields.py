"""R1 and Sec1 for every stored person: a walk over every concrete model (django.apps).

A field that can hold personal data — an e-mail or IP address, free text (any TextField), or
a one-line field named like a name, e-mail, phone, address, IBAN, message, note, reason,
subject, description, explanation or evidence — needs

* a retention rule (a SealedMixin's ciphertext too): its model's declaration
  (privacydesk/retention/declarations.py) deletes it by date (DATUM), with its person
  (PERSON), or names a prune function that exists (SYSTEM, OWNER: `prune=`); only
  deletions that are a staff action are listed below, with why;
* sealing where the policy says so: a field that holds a policy category the policy marks
  `encrypted` (e-mail, financial, account, identity in InFactor's) must not be a clear
  column — it belongs in a SealedMixin's ciphertext.

The incident register once kept the reporter's name and e-mail address in clear and forever
(#13 item 2); `test_the_walk_finds_what_the_incident_register_once_was` keeps that shape as a
model of its own and proves the walk refuses it, as it refuses any new model with an `email`
field and no rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import import_module

from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from privacydesk.policy.active import get_policy
from privacydesk.retention.declarations import DATUM, OWNER, PERSON, RETENTION, SYSTEM
from privacydesk.vault.models import SealedMixin

# One-line fields whose name says they hold something of a person.
_PERSONAL_NAME = re.compile(
    r"(^|_)(name|names|email|phone|number|address|street|postcode|city|iban|message|note|"
    r"subject|reason|explanation|description|comment|text|body|evidence|contact)($|_)")

# Which policy category a field's name says it holds (for the sealing rule), first match.
_CATEGORY_OF = (
    (re.compile(r"(^|_)e_?mail($|_)"), "email"),
    (re.compile(r"(^|_)iban($|_)"), "financial"),
    (re.compile(r"(^|_)(phone|number)($|_)"), "phone"),
    (re.compile(r"(^|_)(street|postcode|city|address|house_number)($|_)"), "address"),
    (re.compile(r"(^|_)(name|given_names|family_name|infix)($|_)"), "names"),
)

# Fields the walk would take for personal data but that are not (model label, field): why.
NOT_PERSONAL: dict[tuple[str, str], str] = {
    ("auth.permission", "name"): "Django's permission names",
    ("auth.group", "name"): "names of permission groups",
    ("register.organisation", "name"): "a company's name: business data, not a person's",
    ("register.organisation", "coc_number"): "a company's Chamber of Commerce number",
    ("register.email", "address_index"): "a blind index (HMAC), not the address itself",
    ("systems.systemscan", "proposal"): "a proposed dataset declaration: places, detectors "
                                        "and categories, never a sampled value (#16.4)",
    ("requests.datasubjectrequest", "email_index"): "a blind index (HMAC) of the requester's "
                                                    "address, not the address; cleared with "
                                                    "the contact details (requests.clock)",
    ("requests.datasubjectrequest", "name_index"): "blind indexes (HMAC) of the words of "
                                                   "the requester's name, not the name; "
                                                   "cleared with the contact details",
    ("guard.allowlistentry", "note"): "staff's note on a network they allow (e.g. 'office')",
    ("staff.apitoken", "name"): "the label staff give a token (e.g. 'ci'), not a person",
    ("retention.backuprecord", "file_name"): "a generated backup file name",
    ("requests.requestevent", "note"): "a request's timeline: system notes and staff's "
                                       "reasons, never the requester's data (the request's "
                                       "sealed contact holds those)",
}

# Models whose deletion is a staff action, not a prune (model label: why).
STAFF_MANAGED: dict[str, str] = {
    "staff.staffuser": "staff administration: the privacy officer removes an account when "
                       "the employee leaves (staff.views.users); the register keeps the "
                       "employee's data under its own rules",
    "access.staffkey": "a staff member's SSH public key: replaced on upload, deleted with "
                       "the staff account (CASCADE)",
    "staff.totpsecret": "a staff member's sealed MFA secret: replaced on enrolment, deleted "
                        "with the staff account (CASCADE)",
    "sessions.session": "staff sign-in sessions: they expire after SESSION_COOKIE_AGE; "
                        "expired rows are Django's clearsessions' to remove",
}

# Clear columns of an encrypted category that are allowed, (model label, field): why.
SEAL_EXEMPT: dict[tuple[str, str], str] = {
    ("staff.staffuser", "email"): "a staff member's work address at the controller, which "
                                  "signs them in and receives security notices; staff "
                                  "accounts are not register data",
}


def _can_hold_personal_data(field: models.Field) -> bool:  # type: ignore[type-arg]
    if isinstance(field, models.EmailField | models.GenericIPAddressField | models.TextField):
        return True
    return (isinstance(field, models.CharField | models.JSONField) and not field.choices
            and bool(_PERSONAL_NAME.search(field.name)))


def _category_of(field: models.Field) -> str | None:  # type: ignore[type-arg]
    if isinstance(field, models.EmailField):
        return "email"
    return next((cat for pattern, cat in _CATEGORY_OF if pattern.search(field.name)), None)


def _prune_exists(path: str) -> bool:
    module, _, name = path.rpartition(".")
    if not module:
        return False
    try:
        return callable(getattr(import_module(module), name, None))
    except ImportError:
        return False


def violations(model_classes: Iterable[type[models.Model]]) -> list[str]:
    """Every personal-data field without a retention rule or stored in clear although
    its policy category is encrypted, as "label.field: why"."""
    policy = get_policy()
    found: list[str] = []
    for model in model_classes:
        label = model._meta.label_lower
        # A sealed value is personal data by construction: it needs a rule as much.
        sealed = issubclass(model, SealedMixin)
        personal = [f for f in model._meta.concrete_fields
                    if (_can_hold_personal_data(f) or sealed and f.name == "ciphertext")
                    and (label, f.name) not in NOT_PERSONAL]
        if not personal:
            continue
        declared = RETENTION.get(label)
        ruled = declared is not None and (
            declared.kind in (DATUM, PERSON)
            or declared.kind in (SYSTEM, OWNER) and _prune_exists(declared.prune)
            or label in STAFF_MANAGED)
        for field in personal:
            if not ruled:
                found.append(f"{label}.{field.name}: no retention rule (declare a prune "
                             "or deletion in retention/declarations.py)")
            category = _category_of(field)
            if (category in policy.categories and policy.categories[category].encrypted
                    and (label, field.name) not in SEAL_EXEMPT):
                found.append(f"{label}.{field.name}: {category} data stored in clear; the "
                             "policy requires them sealed")
    return found


def test_every_personal_field_of_every_model_has_a_rule_and_is_sealed_where_required():
    assert violations(apps.get_models()) == []


def test_the_lists_name_only_existing_models_and_fields_and_give_a_reason():
    # A stale entry would silently excuse a future field of the same name.
    for (label, name), why in {**NOT_PERSONAL, **SEAL_EXEMPT}.items():
        assert why.strip() and apps.get_model(label)._meta.get_field(name), (label, name)
    for label, why in STAFF_MANAGED.items():
        assert why.strip() and apps.get_model(label), label


def test_every_declared_prune_exists():
    for label, declared in RETENTION.items():
        if declared.prune:
            assert _prune_exists(declared.prune), (label, declared.prune)


def test_the_incident_register_seals_its_reporter_and_prunes_by_the_policy():
    from privacydesk.incidents.models import Incident

    assert issubclass(Incident, SealedMixin)
    assert violations([Incident]) == []
    assert RETENTION["incidents.incident"].prune == \
        "privacydesk.incidents.retention.prune_expired"


@isolate_apps("privacydesk.incidents")
def test_a_sealed_model_without_a_rule_fails_the_walk():
    class Diary(SealedMixin):   # sealed, but kept forever: R1 is broken all the same
        class Meta:
            app_label = "incidents"

    assert violations([Diary]) == [
        "incidents.diary.ciphertext: no retention rule (declare a prune or deletion in "
        "retention/declarations.py)"]


@isolate_apps("privacydesk.incidents")
def test_the_walk_finds_what_the_incident_register_once_was():
    class OldIncident(models.Model):  # noqa: DJ008 — the shape of #13 item 2: clear, forever
        description = models.TextField()
        reporter_name = models.CharField(max_length=200, blank=True)
        reporter_email = models.EmailField(blank=True)

        class Meta:
            app_label = "incidents"

    assert violations([OldIncident]) == [
        "incidents.oldincident.description: no retention rule (declare a prune or "
        "deletion in retention/declarations.py)",
        "incidents.oldincident.reporter_name: no retention rule (declare a prune or "
        "deletion in retention/declarations.py)",
        "incidents.oldincident.reporter_email: no retention rule (declare a prune or "
        "deletion in retention/declarations.py)",
        "incidents.oldincident.reporter_email: email data stored in clear; the policy "
        "requires them sealed",
    ]


@isolate_apps("privacydesk.callbacks")
def test_a_new_model_with_an_email_field_and_no_rule_fails_the_walk():
    class Newsletter(models.Model):  # noqa: DJ008
        email = models.EmailField()
        subscribed_on = models.DateField()

        class Meta:
            app_label = "callbacks"

    found = violations([Newsletter])
    assert "callbacks.newsletter.email: no retention rule (declare a prune or deletion in " \
           "retention/declarations.py)" in found
    assert "callbacks.newsletter.email: email data stored in clear; the policy requires " \
           "them sealed" in found


@isolate_apps("privacydesk.requests")
def test_a_free_text_field_in_a_model_declared_without_personal_data_fails_the_walk():
    # requests.filedmail is declared NONE ("sha256 of a Message-ID"); a note added to it
    # would hold what someone wrote, with nothing to delete it.
    class FiledMail(models.Model):  # noqa: DJ008
        note = models.TextField()

        class Meta:
            app_label = "requests"

    assert violations([FiledMail]) == [
        "requests.filedmail.note: no retention rule (declare a prune or deletion in "
        "retention/declarations.py)"]
