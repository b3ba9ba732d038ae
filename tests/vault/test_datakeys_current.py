"""Which data key seals new values (Sec1), and how often that is looked up (#16.4).

A key another transaction committed is safe to keep as current at once: an import's one long
transaction then looks it up once, not for every e-mail address it seals. A key this process
created is kept only after its commit: a rolled-back transaction never leaves the process
sealing under a key that is stored nowhere.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from privacydesk.vault import datakeys
from privacydesk.vault.models import DataKey

PURPOSE = "register.email"


@pytest.fixture(autouse=True)
def _fresh_caches():
    datakeys.reset()
    yield
    datakeys.reset()  # the keys below go with the test's transaction


def test_a_key_made_in_a_rolled_back_transaction_never_seals_afterwards(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        gone, _ = datakeys.current(PURPOSE)
        raise RuntimeError("the import was interrupted")

    key_id, _ = datakeys.current(PURPOSE)

    assert key_id != gone
    assert DataKey.objects.filter(pk=key_id).exists()
    assert not DataKey.objects.filter(pk=gone).exists()


def test_a_committed_key_is_looked_up_once_in_a_long_transaction(
        db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = datakeys.create(PURPOSE)
    datakeys.reset()  # another process, or this one later: nothing cached

    with transaction.atomic():  # an import: one transaction, thousands of sealed values
        first, _ = datakeys.current(PURPOSE)
        with CaptureQueriesContext(connection) as queries:
            again, _ = datakeys.current(PURPOSE)

    assert first == again == made
    assert len(queries) == 0
