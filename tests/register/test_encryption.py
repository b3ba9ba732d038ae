"""C5/Sec1: sensitive values are encrypted at rest; e-mail is found through a blind index."""

from __future__ import annotations

from django.db import connection

from privacydesk.register import services
from privacydesk.register.models import Email, Financial, Identity, Person

from .conftest import ACTOR

SECRETS = {
    "financial": ({"kind": "iban", "value": "NL91ABNA0417164300"}, "NL91ABNA0417164300"),
    "identity": ({"kind": "bsn", "number": "111222333"}, "111222333"),
}


def raw_rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')
        return cursor.fetchall()


def as_bytes(row: tuple) -> bytes:
    return b"|".join(bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode()
                     for v in row)


def test_sensitive_values_are_not_in_the_database_in_plaintext(personas):
    services.add_datum(personas.carla, "identity", SECRETS["identity"][0], source="staff",
                       purpose="legal_obligation", basis="legal_obligation", actor=ACTOR)
    services.add_datum(personas.carla, "financial", SECRETS["financial"][0], source="staff",
                       purpose="legal_obligation", basis="legal_obligation", actor=ACTOR)
    plaintexts = [b"111222333", b"NL91ABNA0417164300", b"anna.de.vries", b"Anna.de.Vries"]
    for model in (Email, Financial, Identity):
        rows = raw_rows(model._meta.db_table)
        assert rows
        for row in rows:
            for secret in plaintexts:
                assert secret not in as_bytes(row)
    if connection.vendor == "sqlite":
        # The whole database file, byte for byte (the test database lives in memory).
        image = connection.connection.serialize()
        for secret in plaintexts:
            assert secret not in image
        assert b"Carla" in image  # names are not sensitive: the scan itself works


def test_a_ciphertext_moved_to_another_person_does_not_open(personas):
    from privacydesk.vault import DecryptionError

    datum = services.add_datum(personas.carla, "identity", SECRETS["identity"][0],
                               source="staff", purpose="legal_obligation",
                               basis="legal_obligation", actor=ACTOR)
    Identity.objects.filter(pk=datum.pk).update(person=personas.daan)
    moved = Identity.objects.get(pk=datum.pk)
    try:
        moved.get_values()
    except DecryptionError:
        return
    raise AssertionError("a sealed value opened under another person's ref")


def test_anna_is_found_by_email_in_any_case(personas):
    for spelling in ("anna.de.vries@example.nl", "ANNA.DE.VRIES@EXAMPLE.NL",
                     "  Anna.de.Vries@Example.nl "):
        found = services.find_person_by_email(spelling)
        assert found is not None and found.pk == personas.anna.pk
        assert found.ref == personas.anna.ref


def test_the_person_found_by_email_is_the_person_the_orm_loads(personas):
    # The lookup builds the Person from its one query (a hot path); it must be the same
    # object as the ORM's, with only restricted_reason left to load on use.
    services.set_restricted(personas.anna, True, reason="Art. 18(1)(a)", actor="test")
    found = services.find_person_by_email("anna.de.vries@example.nl")
    loaded = Person.objects.get(pk=personas.anna.pk)
    assert found is not None and found._state.adding is False and found._state.db == "default"
    assert found.get_deferred_fields() == {"restricted_reason"}
    for field in ("id", "ref", "created_at", "restricted"):
        assert getattr(found, field) == getattr(loaded, field), field
    assert found.created_at.tzinfo is not None and found.restricted is True
    assert found.restricted_reason == loaded.restricted_reason  # loaded on use
    assert found == loaded


def test_with_two_people_sharing_an_address_the_earliest_datum_wins(personas):
    services.add_datum(personas.daan, "email", {"address": "ANNA.de.vries@example.nl"},
                       source="staff", purpose="callback", basis="consent", actor="test")
    assert services.find_person_by_email("anna.de.vries@example.nl") == personas.anna


def test_an_unknown_address_finds_nobody(personas):
    assert services.find_person_by_email("olaf.mulder@example.org") is None
    assert services.find_person_by_email("") is None


def test_email_lookup_is_one_query_on_the_index(personas, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        services.find_person_by_email("anna.de.vries@example.nl")
    sql = captured.captured_queries[0]["sql"]
    assert "address_index" in sql and "anna" not in sql.lower()


def test_the_blind_index_column_is_indexed():
    indexed = [f for f in Email._meta.get_fields() if getattr(f, "db_index", False)]
    assert "address_index" in {f.name for f in indexed}
