"""D1–D3: third parties receive data only for an agreement or a legal obligation, as the
agreement states, and otherwise only with the person's consent.

Each promise is checked twice: on what the agreements allow (their recipient rows) and on
what actually left (the disclosure log written by privacydesk.disclosure.gate).
"""

from __future__ import annotations

from privacydesk.check.common import plural
from privacydesk.check.registry import CheckResult, check, verdict
from privacydesk.disclosure import coverage, obligations
from privacydesk.disclosure.models import Basis, ConsentRequest, Disclosure
from privacydesk.policy.active import get_policy
from privacydesk.policy.obligations import same_name
from privacydesk.register.models import AgreementRecipient, Role

# D1: the only bases on which an agreement's recipient may receive data.
DISCLOSURE_BASES = (AgreementRecipient.CONTRACT, AgreementRecipient.LEGAL_OBLIGATION)


@check("D1", "Third parties only for an agreement or a legal obligation")
def recipient_basis() -> CheckResult:
    known = set(get_policy().legal_bases)
    bad = (AgreementRecipient.objects.exclude(legal_basis__in=DISCLOSURE_BASES)
           .values_list("pk", "agreement_id", "legal_basis"))
    failures = [f"recipient #{pk} of agreement #{ag}: basis {basis!r} is neither contract nor "
                "legal obligation" for pk, ag, basis in bad[:25]]
    failures += [f"basis {b!r} is not declared by the policy" for b in DISCLOSURE_BASES
                 if b not in known]
    no_purpose = AgreementRecipient.objects.filter(purpose="").count()
    if no_purpose:
        failures.append(f"{plural(no_purpose, 'recipient')} without a stated purpose")
    failures += _logged_bases()
    total = AgreementRecipient.objects.count()
    logged = Disclosure.objects.count()
    return verdict("D1", failures, f"{plural(total, 'recipient')}, each on a contract or a "
                   f"legal obligation with a purpose; {plural(logged, 'disclosure')} logged, "
                   "each on an agreement, a declared legal obligation or a consent",
                   "recipients or disclosures without a lawful basis", examined=total + logged,
                   idle_summary="nothing to check yet: no agreement names a recipient and "
                   "nothing was disclosed")


# The legal bases each road of the gate may rest on (D1: agreement or law; D3: consent).
_ROAD_BASES: dict[str, set[str]] = {
    Basis.AGREEMENT.value: set(DISCLOSURE_BASES),
    Basis.LEGAL_OBLIGATION.value: {"legal_obligation"}, Basis.CONSENT.value: {"consent"}}


def _logged_bases() -> list[str]:
    """D1 on the log: every disclosure names a road, that road's reference, and a legal
    basis and purpose the policy allows together (Art. 5(1)(b), 6(1)); one on a legal
    obligation names an obligation the policy declares whose recipients, categories and
    roles cover it (`disclosure.obligations.gap`; the roles only while the person is in the
    register)."""
    policy, failures = get_policy(), list[str]()
    roles: dict[int, set[str]] = {}
    for person_id, kind in Role.objects.filter(
            person__disclosures__basis=Basis.LEGAL_OBLIGATION).values_list("person_id", "kind"):
        roles.setdefault(person_id, set()).add(kind)
    for pk, basis, legal, purpose, agreement, obligation, consent, recipient, cats, who in (
            Disclosure.objects.order_by("id").values_list(
                "pk", "basis", "legal_basis", "purpose", "agreement_id", "obligation",
                "consent_id", "recipient", "categories", "person_id").iterator()):
        if basis not in _ROAD_BASES or legal not in _ROAD_BASES[basis]:
            failures.append(f"disclosure #{pk}: basis {basis!r} on legal basis {legal!r} is "
                            "neither an agreement, a legal obligation nor a consent")
            continue
        reference = {Basis.AGREEMENT.value: agreement, Basis.CONSENT.value: consent,
                     Basis.LEGAL_OBLIGATION.value: obligation.strip()}[basis]
        if not reference:
            failures.append(f"disclosure #{pk}: basis {basis} without its reference")
        elif basis == Basis.LEGAL_OBLIGATION.value:
            gap = obligations.gap(obligation, recipient, cats or [],
                                  roles.get(who, set()) if who is not None else None)
            if gap is not None:
                failures.append(f"disclosure #{pk} to {recipient}: {gap[1]}")
        purpose_spec = policy.purposes.get(purpose)
        if purpose_spec is None or legal not in purpose_spec.bases:
            failures.append(f"disclosure #{pk}: purpose {purpose!r} may not rest on {legal!r}")
        if len(failures) >= 25:
            break
    return failures


@check("D2", "The necessity is stated in the agreement: recipient and categories")
def recipient_categories() -> CheckResult:
    categories = set(get_policy().categories)
    failures = []
    total = 0
    # The recipients table is small (a few per agreement); categories are a JSON list.
    for pk, ag, recipient, cats in AgreementRecipient.objects.values_list(
            "pk", "agreement_id", "recipient", "categories").iterator():
        total += 1
        if not recipient.strip():
            failures.append(f"recipient #{pk} of agreement #{ag} has no name")
        if not isinstance(cats, list) or not cats:
            failures.append(f"recipient #{pk} of agreement #{ag} names no categories")
            continue
        unknown = [c for c in cats if c not in categories]
        if unknown:
            failures.append(f"recipient #{pk} of agreement #{ag} names categories the policy "
                            f"does not declare: {', '.join(map(str, unknown[:5]))}")
    failures += _logged_agreements()
    return verdict("D2", failures, f"{plural(total, 'recipient')}, each named with declared "
                   "categories in its agreement; every disclosure on an agreement is named "
                   "in it", "recipients not stated in their agreement",
                   examined=total + Disclosure.objects.filter(basis=Basis.AGREEMENT).count(),
                   idle_summary="nothing to check yet: no agreement names a recipient and "
                   "nothing was disclosed on an agreement")


def _logged_agreements() -> list[str]:
    """D2 on the log: a disclosure on an agreement went to a recipient that agreement
    names, for categories it names that recipient for, of a party to it."""
    failures = []
    rows = (Disclosure.objects.filter(basis=Basis.AGREEMENT).select_related("agreement")
            .prefetch_related("agreement__recipients", "agreement__parties"))
    for d in rows.order_by("id").iterator(chunk_size=500):
        agreement = d.agreement
        if agreement is None:   # the database's check constraint forbids this
            failures.append(f"disclosure #{d.pk}: on an agreement without one")
            continue
        named = [r for r in agreement.recipients.all()
                 if same_name(r.recipient, d.recipient)
                 and set(d.categories) <= set(r.categories or [])]
        if not named:
            failures.append(f"disclosure #{d.pk}: agreement {agreement.reference} does not "
                            f"name {d.recipient} for {', '.join(d.categories)}")
        elif d.person_id is not None and d.person_id not in {
                p.person_id for p in agreement.parties.all()}:
            failures.append(f"disclosure #{d.pk}: the person is not a party to "
                            f"{agreement.reference}")
        if len(failures) >= 25:
            break
    return failures


@check("D3", "Any other sharing only after the person's consent")
def consent_log() -> CheckResult:
    """Every disclosure on consent rests on the same person's consent, granted before it,
    not withdrawn or expired by then, covering its recipient, categories and purpose."""
    failures: list[str] = []
    rows = Disclosure.objects.filter(basis=Basis.CONSENT).select_related("consent")
    total = 0
    for d in rows.order_by("id").iterator(chunk_size=500):
        total += 1
        why = ("no consent" if d.consent is None else coverage.gap(
            d.consent, d.person_ref, d.recipient, d.categories, d.purpose, d.disclosed_at))
        if why is not None and len(failures) < 25:
            failures.append(f"disclosure #{d.pk} to {d.recipient}: {why}")
    granted = ConsentRequest.objects.filter(answered_at__isnull=False).count()
    return verdict("D3", failures, f"{plural(total, 'disclosure')} on consent, each covered "
                   f"by a consent granted before it and not withdrawn; "
                   f"{plural(granted, 'answered consent request')} on record",
                   "disclosures without a covering consent", examined=total,
                   idle_summary="nothing to check yet: nothing was disclosed on consent "
                   f"({plural(granted, 'answered consent request')} on record)")
