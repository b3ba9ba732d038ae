"""The register's only write path (and its audited read path).

Every function asks the policy first, writes in one transaction and appends to the audit
chain with the person's pseudonymous ref, never with the data. Bad input raises
RuleViolation(field, rule, message) and stores nothing; restricted data raise
RestrictedError (rule "Art18"). Inputs are plain values and dicts, so the back office, the
API and the CLI call these directly; `register.fields.FIELDS` describes each category's
inputs for forms.
"""

from __future__ import annotations

from privacydesk.register.services.agreements import (
    add_party,
    create_agreement,
    end_agreement,
    extend_agreement,
)
from privacydesk.register.services.batching import batch
from privacydesk.register.services.common import (
    ACCESS_REQUEST,
    ERASURE,
    LEGAL_CLAIMS,
    PORTABILITY,
    RECTIFICATION,
    RIGHTS_PURPOSES,
    ensure_usable,
    is_usable,
)
from privacydesk.register.services.data import add_datum, delete_datum, model_for, update_datum
from privacydesk.register.services.newperson import NewPerson, create_new_person
from privacydesk.register.services.people import (
    add_role,
    create_organisation,
    create_person,
    end_role,
    set_restricted,
)
from privacydesk.register.services.reading import (
    DatumView,
    PersonView,
    find_person_by_email,
    read_person,
)

__all__ = [
    "ACCESS_REQUEST",
    "ERASURE",
    "LEGAL_CLAIMS",
    "NewPerson",
    "PORTABILITY",
    "RECTIFICATION",
    "RIGHTS_PURPOSES",
    "DatumView",
    "PersonView",
    "add_datum",
    "add_party",
    "add_role",
    "batch",
    "create_agreement",
    "create_new_person",
    "create_organisation",
    "create_person",
    "delete_datum",
    "end_agreement",
    "end_role",
    "ensure_usable",
    "extend_agreement",
    "find_person_by_email",
    "is_usable",
    "model_for",
    "read_person",
    "set_restricted",
    "update_datum",
]
