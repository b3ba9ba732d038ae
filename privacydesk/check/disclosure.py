"""D1–D3: third parties receive data only for an agreement or a legal obligation, as the
agreement states, and otherwise only with the person's consent."""

from __future__ import annotations

from django.apps import apps

from privacydesk.check.common import plural
from privacydesk.check.registry import CheckResult, check, not_verifiable, verdict
from privacydesk.policy.active import get_policy
from privacydesk.register.models import AgreementRecipient

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
    total = AgreementRecipient.objects.count()
    return verdict("D1", failures, f"{plural(total, 'recipient')}, each on a contract or a "
                   "legal obligation with a purpose", "recipients without a lawful basis")


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
    return verdict("D2", failures, f"{plural(total, 'recipient')}, each named with declared "
                   "categories in its agreement", "recipients not stated in their agreement")


@check("D3", "Any other sharing only after the person's consent")
def consent_log() -> CheckResult:
    for label in ("disclosures", "consents"):
        if apps.is_installed(f"privacydesk.{label}"):
            return not_verifiable("D3", f"privacydesk.{label} exists but its check has not "
                                  "been written yet")
    return not_verifiable("D3", "there is no consent or disclosure log yet: sharing outside "
                          "an agreement leaves no record that could be checked")
