"""#13, 5.11 (Rt1, Rt4, R1): an export whose link ran out is deleted from the disk at
expiry by the daily retention prune (and the clock tick), not left until someone clicks;
a sealed file no delivery owns (a crash between writing it and recording it) goes too."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from privacydesk.requests import actions, delivery
from privacydesk.requests.models import Delivery
from privacydesk.retention.prune import prune_system

from .conftest import ANNA
from .helpers import verified

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]


def test_the_daily_prune_deletes_an_expired_export_from_the_disk(smtp, personas, settings):
    actions.send_export(verified(smtp, "access", ANNA), actor="po")
    sealed = Delivery.objects.get()
    path = delivery.folder() / sealed.file_name
    assert path.exists()
    assert prune_system()["request export files"] == 0  # still valid: kept
    assert path.exists()
    after = sealed.expires_at + timedelta(minutes=1)
    with time_machine.travel(after, tick=False):
        assert prune_system()["request export files"] == 1
    assert not path.exists()  # read from the disk, not from the row
    sealed.refresh_from_db()
    assert sealed.deleted_at == after and sealed.downloaded_at is None


def test_a_sealed_file_without_a_delivery_is_deleted_after_an_hour(smtp, personas):
    folder = delivery.folder()
    stray, fresh = folder / "left-by-a-crash.sealed", folder / "being-written.sealed"
    stray.write_bytes(b"sealed bytes")
    fresh.write_bytes(b"sealed bytes")
    # Times set from the (possibly frozen) clock the prune reads, not the disk's own clock.
    for path, age in ((stray, timedelta(hours=2)), (fresh, timedelta(minutes=10))):
        moment = (timezone.now() - age).timestamp()
        os.utime(path, (moment, moment))
    assert delivery.expire() == 1
    assert not stray.exists() and fresh.exists()  # create() writes just before it commits
