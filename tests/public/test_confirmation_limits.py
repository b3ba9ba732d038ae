"""5.12: anyone can type anyone's address into a public form. Olaf the outsider types Anna's
address again and again: Anna gets at most a few of our mails a day, none of which quotes
what Olaf typed; what was filed stays filed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from privacydesk.callbacks.models import CallbackRequest
from privacydesk.incidents.models import Incident
from privacydesk.public.mail import PER_ADDRESS_PER_DAY
from privacydesk.public.models import ConfirmationSent
from privacydesk.requests.models import DataSubjectRequest

OLAF_AS_ANNA = {"given_names": "<b>Klik hier</b>", "family_name": "http://evil.example",
                "phone": "06 12345678", "email": "anna@example.nl", "organisation": "",
                "message": "Bel mij", "callback": "on", "website": ""}

pytestmark = [pytest.mark.dates, pytest.mark.django_db(transaction=True)]


def _to_anna(smtp: Any) -> list[Any]:
    return [m for m in smtp.messages if m["To"] == "anna@example.nl"]


def test_one_address_gets_a_few_confirmations_a_day_and_the_callbacks_are_still_filed(
        smtp: Any) -> None:
    client = Client()
    for _ in range(PER_ADDRESS_PER_DAY + 3):
        response = client.post("/nl/contact/", OLAF_AS_ANNA)
        assert response.status_code == 302
    assert CallbackRequest.objects.count() == PER_ADDRESS_PER_DAY + 3
    mails = _to_anna(smtp)
    assert len(mails) == PER_ADDRESS_PER_DAY
    for mail in mails:
        first_line = mail.get_content().splitlines()[0]
        assert first_line == "Goedendag,"
        assert "Klik hier" not in mail.get_content() and "evil" not in mail.get_content()
    # Nothing of the address is kept to count with: a keyed hash only.
    assert not ConfirmationSent.objects.filter(recipient__contains="anna").exists()


def test_the_limit_is_per_day_in_the_policys_time_zone(smtp: Any) -> None:
    # 22:30 UTC is 23:30 in Groningen: the mails of that evening and those after midnight
    # in Groningen fall on two different days, though the UTC date is the same.
    evening = datetime(2026, 12, 8, 22, 30, tzinfo=UTC)
    with time_machine.travel(evening, tick=False):
        for _ in range(PER_ADDRESS_PER_DAY + 1):
            Client().post("/nl/concern/", {"description": "Verdachte mail ontvangen",
                                           "name": "", "email": "anna@example.nl",
                                           "website": ""})
    assert len(_to_anna(smtp)) == PER_ADDRESS_PER_DAY
    with time_machine.travel(evening + timedelta(minutes=45), tick=False):
        Client().post("/nl/concern/", {"description": "Nog een verdachte mail", "name": "",
                                       "email": "anna@example.nl", "website": ""})
    assert len(_to_anna(smtp)) == PER_ADDRESS_PER_DAY + 1
    assert Incident.objects.count() == PER_ADDRESS_PER_DAY + 2


def test_the_request_form_refuses_an_address_past_its_limit_and_says_to_call(
        smtp: Any) -> None:
    client = Client()
    for _ in range(PER_ADDRESS_PER_DAY):
        response = client.post("/en/request/", {"kind": "access", "name": "Olaf",
                                                "email": "anna@example.nl", "message": "",
                                                "website": ""})
        assert response.status_code == 302
    refused = client.post("/en/request/", {"kind": "access", "name": "Olaf",
                                           "email": "anna@example.nl", "message": "",
                                           "website": ""})
    assert refused.status_code == 400
    assert "050 - 525 90 60" in " ".join(refused.context["form"].errors["email"])
    assert DataSubjectRequest.objects.count() == PER_ADDRESS_PER_DAY
    assert len(_to_anna(smtp)) == PER_ADDRESS_PER_DAY
    for mail in _to_anna(smtp):
        assert "Olaf" not in mail.get_content()
