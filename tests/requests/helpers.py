"""Shared steps: a request from a persona, confirmed through the link in their mail."""

from __future__ import annotations

from typing import Any

from django.test import Client

from privacydesk.requests import intake
from privacydesk.requests.models import DataSubjectRequest, Status


def verified(smtp: Any, kind: str, email: str, lang: str = "nl") -> DataSubjectRequest:
    filed = intake.file_web_request(kind=kind, name="", email=email, language=lang)
    confirm = smtp.link(smtp.to(email)[-1], "confirm")
    assert Client().post(confirm).status_code == 200
    filed.refresh_from_db()
    assert filed.status == Status.VERIFIED
    return filed
