"""#15: the privacy officer finds a request by the requester's name, e-mail address or the
reference the person quotes; filters by status and kind; pages through 25 at a time; and
reads both clocks — the one-week promise (Rt6) and the legal month (Art. 12(3)).

The requester's details are sealed: the search goes through the request's uid (reference),
the register's blind index (e-mail) and the register's names, never a scan of decrypted rows.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from privacydesk.requests import clock, intake, listing
from privacydesk.requests.models import Status
from tests.requests.conftest import ANNA
from tests.requests.helpers import verified


def _letter(name: str, kind: str = "erasure", days_ago: int = 0):
    return intake.file_staff_request(
        kind=kind, name=name, email="", message="Per brief.", language="nl", actor="olga",
        channel="letter", address="Dorpsstraat 1, 9700 AA Groningen",
        received_at=timezone.now() - timedelta(days=days_ago))


def test_a_reference_finds_its_request_with_or_without_the_prefix(db):
    bram = _letter("Bram Visser")
    _letter("Daan Bos")
    code = bram.reference.removeprefix("VZ-")
    for query in (bram.reference, bram.reference.lower(), code, code.lower()):
        assert list(listing.find_requests(query)) == [bram]


def test_an_e_mail_address_finds_the_requests_of_that_person_in_the_register(smtp, personas):
    """By the blind index of the register's e-mail data (no decrypted row is scanned)."""
    anna = verified(smtp, "access", ANNA)
    _letter("Bram Visser")
    assert list(listing.find_requests(ANNA.upper())) == [anna]
    assert list(listing.find_requests("nobody@example.nl")) == []


def test_an_e_mail_address_finds_a_request_of_someone_the_register_does_not_know(db):
    """Olaf is in no register: his web request is found by the address he wrote, through
    the request's own blind index; once the contact details are cleared (R2) it is not."""
    olaf = intake.file_web_request(kind="access", name="Olaf", email="olaf@example.nl")
    assert olaf.email_index and "olaf" not in olaf.email_index
    assert list(listing.find_requests(" OLAF@example.nl ", status=listing.ALL)) == [olaf]
    olaf.status, olaf.closed_at = Status.CLOSED, timezone.now()
    olaf.save(update_fields=["status", "closed_at"])
    clock.tick(timezone.now() + timedelta(days=3 * 365))   # past the contact period (R2)
    olaf.refresh_from_db()
    assert olaf.contact_cleared_at is not None and olaf.email_index == ""
    assert list(listing.find_requests("olaf@example.nl", status=listing.ALL)) == []


def test_a_name_finds_requests_of_that_person_and_only_for_roles_that_see_names(smtp,
                                                                              personas):
    anna = verified(smtp, "access", ANNA)
    assert list(listing.find_requests("anna vries")) == [anna]
    assert list(listing.find_requests("Anna Jansen")) == []
    # Sec1: a role that may not see names may not find people by their name either.
    assert list(listing.find_requests("Anna", with_names=False)) == []


def test_filters_by_status_and_kind(db):
    erasure = _letter("Bram Visser", "erasure")
    access = _letter("Daan Bos", "access")
    closed = _letter("Eva Smit", "objection")
    closed.status = Status.CLOSED
    closed.save(update_fields=["status"])
    assert set(listing.find_requests()) == {erasure, access}
    assert list(listing.find_requests(kind="access")) == [access]
    assert list(listing.find_requests(status=Status.CLOSED)) == [closed]
    assert set(listing.find_requests(status=listing.ALL)) == {erasure, access, closed}


@pytest.mark.dates
def test_the_page_shows_the_requester_and_both_clocks_fewest_days_left_first(
        db, staff_client):
    late = _letter("Bram Visser", "erasure", days_ago=9)
    fresh = _letter("Daan Bos", "access", days_ago=0)
    page = staff_client("privacy_officer").get("/staff/requests/",
                                               HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.index(late.reference) < page.index(fresh.reference)
    assert "Bram Visser" in page and "Daan Bos" in page
    assert 'class="overdue"' in page
    now = timezone.now()
    assert listing.rows([late], now)[0].promise_text == "3 days late"
    row = listing.rows([fresh], now)[0]
    assert row.days_left == 6 and row.legal_days_left >= 27
    assert row.urgency == ""
    assert listing.rows([_letter("Olaf", days_ago=6)], now)[0].urgency == "soon"


def test_pages_of_25_keep_the_search_and_filters(db, staff_client):
    for number in range(27):
        _letter(f"Persoon {number}", "access")
    client = staff_client("privacy_officer")
    first = client.get("/staff/requests/?kind=access&status=open").content.decode()
    assert first.count("Persoon ") == 25
    assert "status=open&amp;kind=access&amp;page=2" in first
    second = client.get("/staff/requests/?kind=access&status=open&page=2").content.decode()
    assert second.count("Persoon ") == 2


def test_a_role_without_handle_requests_is_refused(db, staff_client):
    assert staff_client("sales").get("/staff/requests/").status_code == 403


def test_a_role_that_may_not_see_names_reads_no_requester_name(db):
    """Sec1: the sealed name is opened only for a role that may see names."""
    request = _letter("Bram Visser")
    assert listing.rows([request], timezone.now(), with_names=False)[0].name == "—"
    assert listing.rows([request], timezone.now())[0].name == "Bram Visser"
