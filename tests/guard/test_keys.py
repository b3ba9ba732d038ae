"""W1: the guard counts a keyed hash of an address under a secret that rotates and is thrown
away; the hash of a batch equals the hash of each subject alone, and no two subjects share
a key because of how they are encoded."""

from __future__ import annotations

import sys

from privacydesk.guard.keys import KeyRing, blocks

NOW = 1_800_000_000.0 - 1_800_000_000.0 % 3600 + 1200  # 20 minutes into a generation
SUBJECTS = ["203.0.113.66", "198.51.100.7", "2001:db8::/64",
            "2001:db8:aaaa:bbbb::/64",  # longer than one block: hashed into it
            "1.2.3.4", "1.2.3.4 ", "1.2.3.4\0", "ünïcode", "x" * 16, "x" * 17, ""]


def test_every_subject_gets_its_own_block_and_its_own_key():
    encoded = [blocks([s]) for s in SUBJECTS]
    assert all(len(b) == 16 for b in encoded)
    assert len(set(encoded)) == len(SUBJECTS)
    ring = KeyRing(3600, 600)
    assert len(set(ring.ints(SUBJECTS, NOW))) == len(SUBJECTS)


def test_a_batch_is_keyed_like_each_subject_alone():
    ring = KeyRing(3600, 600)
    singles = [ring.key(s, NOW) for s in SUBJECTS]
    assert ring.hexes(SUBJECTS, NOW) == [k.hex() for k in singles]
    assert ring.ints(SUBJECTS, NOW) == [int.from_bytes(k, sys.byteorder) & (1 << 60) - 1
                                         for k in singles]
    assert all(k < 1 << 60 for k in ring.ints(SUBJECTS, NOW))  # a 32-byte int each
    assert blocks(SUBJECTS) == b"".join(blocks([s]) for s in SUBJECTS)


def test_the_key_never_shows_the_address():
    ring = KeyRing(3600, 600)
    for subject in SUBJECTS[:5]:
        key = ring.key(subject, NOW)
        assert len(key) == 8 and subject.encode()[:4] not in key


def test_the_secret_rotates_and_the_old_one_is_thrown_away():
    ring = KeyRing(3600, 600)
    now_key = ring.key("203.0.113.66", NOW)
    later = NOW + 3600 - 1200 + 60  # one minute into the next generation: the overlap
    assert ring.key("203.0.113.66", later) != now_key
    assert ring.previous_key("203.0.113.66", later) == now_key
    assert ring.previous_key("203.0.113.66", later + 600) is None  # overlap over
    ring.key("203.0.113.66", later + 3600)  # two generations on
    assert int(NOW // 3600) not in ring._ciphers  # the first secret is no longer in memory
    ring.forget_all()
    assert ring.key("203.0.113.66", NOW) != now_key  # a fresh random salt


def test_workers_with_the_same_salt_and_pepper_hash_alike_and_other_peppers_do_not():
    def shared(generation: int) -> bytes:
        return b"s" * 32

    a, b = KeyRing(3600, 600, shared, b"pepper"), KeyRing(3600, 600, shared, b"pepper")
    c = KeyRing(3600, 600, shared, b"another pepper")
    assert a.key("203.0.113.66", NOW) == b.key("203.0.113.66", NOW)
    assert a.key("203.0.113.66", NOW) != c.key("203.0.113.66", NOW)
