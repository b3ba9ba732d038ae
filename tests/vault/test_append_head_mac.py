"""The audit append seals the chain head with the pre-keyed HMAC states
(`vault.append._head_mac`): the same MAC as `chain.head_mac`, which verification checks."""

from __future__ import annotations

import os

from privacydesk.vault import append, chain


def test_the_pre_keyed_head_mac_equals_chain_head_mac():
    for key in (os.urandom(32), os.urandom(64), os.urandom(80), b"k"):
        macer = chain.EntryMac(key)
        for seq, mac in ((1, chain.GENESIS), (123456789, "ab" * 32), (7, "f" * 64)):
            assert append._head_mac(macer, seq, mac) == chain.head_mac(key, seq, mac)


def test_the_entry_time_text_equals_chain_at_text():
    import random
    from datetime import UTC, datetime, timedelta, timezone

    zones = [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-9, minutes=-30))]
    rng = random.Random(5)
    moments = [datetime(2026, 11, 25, 18, 0, 0, 0, tzinfo=UTC),
               datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
               datetime(1000, 1, 1, 12, tzinfo=UTC), datetime(999, 12, 31, 12, tzinfo=UTC),
               datetime(9999, 12, 31, 12, tzinfo=UTC)]
    moments += [datetime(rng.randint(1, 9998), rng.randint(1, 12), rng.randint(1, 28),
                         rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                         rng.choice([0, rng.randint(0, 999999)]), tzinfo=rng.choice(zones))
                for _ in range(2000)]
    for moment in moments:
        assert append._at_text(moment) == chain.at_text(moment), moment
