"""Whatever a form or the API sends: a valid datum is stored whole, or RuleViolation is
raised and nothing is written. Never another exception, never a half-written row."""

from __future__ import annotations

from hypothesis import event, given
from hypothesis import strategies as st

from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services
from privacydesk.register.fields import FIELDS
from privacydesk.register.models import DATUM_MODELS

from .conftest import ACTOR, register_counts

# Plausible values per field, so that a fair share of the drawn submissions is valid.
GOOD = {
    "given_names": ["Anna", "Jan-Willem"], "infix": ["", "van der"], "family_name": ["Boer"],
    "street": ["Eeldersingel"], "house_number": ["40", "12a"], "postcode": ["9726 AS"],
    "city": ["Groningen"], "country": ["NL", ""], "number": ["0612345678", "111222333",
    "NX1234567"], "address": ["anna@example.nl"], "kind": ["iban", "bsn", "passport",
    "payment_terms"], "value": ["NL91ABNA0417164300", "30 dagen"], "system": ["Exchange"],
    "is_admin_account": ["true", ""], "username": ["beheer"], "credential_ref": ["vault:1"],
}
categories = st.sampled_from([*FIELDS, "health"])


@st.composite
def submissions(draw):
    category = draw(categories)
    values = {}
    for name in [f.name for f in FIELDS.get(category, ())] + ["extra"]:
        choice = draw(st.sampled_from(["good", "good", "good", "random", "omit"]))
        if choice == "omit" or (name == "extra" and choice != "random"):
            continue
        values[name] = draw(st.sampled_from(GOOD[name]) if choice == "good" and name in GOOD
                            else st.text(max_size=40))
    return category, values


@given(data=st.data())
def test_random_strings_store_a_valid_datum_or_raise_rule_violation(personas, data):
    category, values = data.draw(submissions())
    person = data.draw(st.sampled_from([personas.anna, personas.carla, personas.eva]))
    source = data.draw(st.sampled_from(["staff", "import", "nonsense"]))
    before_rows, before_audit = register_counts()
    try:
        datum = services.add_datum(person, category, values, source=source,
                                   purpose="legal_obligation", basis="legal_obligation",
                                   actor=ACTOR)
    except RuleViolation as err:
        event(f"refused: {err.rule}")
        assert err.field and err.rule and err.message
        assert register_counts() == (before_rows, before_audit)
        return
    event(f"stored: {category}")
    assert register_counts() == (before_rows + 1, before_audit + 1)
    stored = DATUM_MODELS[category].objects.get(pk=datum.pk)
    assert set(stored.get_values()) == {f.name for f in FIELDS[category]}
    assert stored.get_values() == datum.get_values()
