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
