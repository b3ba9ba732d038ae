"""Art. 12: a person who files a request gets one confirmation mail, and its link works.

The clock's tick retries new requests whose confirmation mail failed. It may read a request
while the web form's own attempt is still sending; that late retry must send nothing and must
not replace the link the person already has (a W1 test once saw three mails for two forms).
"""

from __future__ import annotations

import copy

import pytest
from django.test import Client

from privacydesk.requests import intake, verification
from privacydesk.requests.models import DataSubjectRequest, Status

from .conftest import ANNA

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_retry_that_read_the_request_before_the_form_sent_its_mail_sends_nothing(
        smtp, personas):
    filed = intake.file_web_request(kind="access", name="Anna de Vries", email=ANNA)
    stale = copy.copy(filed)            # what the tick read: still new, no mail sent yet
    stale.status, stale.verification_sent_at = Status.NEW, None
    sent = len(smtp.to(ANNA))
    link = smtp.link(smtp.to(ANNA)[-1], "confirm")

    assert verification.begin(stale, actor="system") == Status.AWAITING_VERIFICATION
    assert len(smtp.to(ANNA)) == sent == 1
    answer = Client().post(link)   # the link in Anna's one mail still confirms
    assert answer.status_code in (200, 302)
    assert DataSubjectRequest.objects.get(pk=filed.pk).status == Status.VERIFIED


def test_staff_sending_a_fresh_link_still_sends_one(smtp, personas):
    filed = intake.file_web_request(kind="access", name="Anna de Vries", email=ANNA)
    verification.begin(DataSubjectRequest.objects.get(pk=filed.pk), actor="po")
    assert len(smtp.to(ANNA)) == 2
