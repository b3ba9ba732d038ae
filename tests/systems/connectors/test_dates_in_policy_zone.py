"""A record's day is the day on the controller's calendar (the policy's zone), in every
connector: a mail sent at 23:30 UTC on 30 June is a mail of 1 July in Groningen, so its
retention date is the one the policy computes from 1 July (R1)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from privacydesk.systems.connectors import _imap_message, imap


@pytest.mark.dates
def test_a_late_evening_mail_in_utc_falls_on_the_next_day_in_amsterdam() -> None:
    sent = datetime.fromisoformat("2024-06-30T23:30:00+00:00")
    assert _imap_message.day(sent) == date(2024, 7, 1)


@pytest.mark.dates
def test_the_date_header_of_a_retention_search_is_read_on_the_same_calendar() -> None:
    header = b"Date: Sun, 30 Jun 2024 23:30:00 +0000\r\n"
    assert imap._sent_on(header, b"") == date(2024, 7, 1)


def test_a_date_header_without_a_zone_is_taken_as_written() -> None:
    header = b"Date: Sun, 30 Jun 2024 23:30:00 -0000\r\n"
    assert imap._sent_on(header, b"") == date(2024, 6, 30)
