"""W1: the guard counts a keyed hash of an address (BLAKE2b under a secret that rotates and is
thrown away), never the address; distinct subjects get distinct keys."""

from __future__ import annotations

from privacydesk.guard.keys import KeyRing

NOW = 1_800_000_000.0 - 1_800_000_000.0 % 3600 + 1200  # 20 minutes into a generation
SUBJECTS = ["203.0.113.66", "198.51.100.7", "2001:db8::/64", "2001:db8:aaaa:bbbb::/64",
            "1.2.3.4", "1.2.3.4 ", "1.2.3.4\0", "ünïcode", "x" * 16, "x" * 17, ""]


def test_every_subject_gets_its_own_key():
    ring = KeyRing(3600, 600)
    keys = [ring.key(s, NOW) for s in SUBJECTS]
    assert len(set(keys)) == len(SUBJECTS)
    assert len({KeyRing.as_int(k) for k in keys}) == len(SUBJECTS)
    assert all(KeyRing.as_int(k) < 1 << 60 for k in keys)  # a 32-byte int each


def test_the_key_never_shows_the_address():
    ring = KeyRing(3600, 600)
    for subject in SUBJECTS[:5]:
        key = ring.key(subject, NOW)
        assert len(key) == 8 and subject.encode()[:4] not in key


def test_the_same_subject_keeps_its_key_within_a_generation():
    ring = KeyRing(3600, 600)
    assert ring.key("203.0.113.66", NOW) == ring.key("203.0.113.66", NOW + 1000)


def test_the_secret_rotates_and_the_old_one_is_thrown_away():
    ring = KeyRing(3600, 600)
    now_key = ring.key("203.0.113.66", NOW)
    later = NOW + 3600 - 1200 + 60  # one minute into the next generation: the overlap
    assert ring.key("203.0.113.66", later) != now_key
    assert ring.previous_key("203.0.113.66", later) == now_key
    assert ring.previous_key("203.0.113.66", later + 600) is None  # overlap over
    ring.key("203.0.113.66", later + 3600)  # two generations on
    assert int(NOW // 3600) not in ring._secrets  # the first secret is no longer in memory
    ring.forget_all()
    assert ring.key("203.0.113.66", NOW) != now_key  # a fresh random salt


def test_the_previous_secret_leaves_memory_when_the_overlap_ends():
    # W1 (keys.py): one window after the rotation, the old counters become unlinkable.
    ring = KeyRing(3600, 600)
    generation = int(NOW // 3600)
    later = NOW + 3600 - 1200 + 60  # one minute into the next generation: the overlap
    ring.key("203.0.113.66", later)
    assert generation in ring._secrets and ring.previous_key("203.0.113.66", later)
    ring.key("203.0.113.66", later + 600)  # the overlap is over
    assert generation not in ring._secrets and ring._previous_secret is None
    assert ring.previous_int_key("203.0.113.66", later + 600) is None


def test_workers_with_the_same_salt_and_pepper_hash_alike_and_other_peppers_do_not():
    def shared(generation: int) -> bytes:
        return b"s" * 32

    a, b = KeyRing(3600, 600, shared, b"pepper"), KeyRing(3600, 600, shared, b"pepper")
    c = KeyRing(3600, 600, shared, b"another pepper")
    assert a.key("203.0.113.66", NOW) == b.key("203.0.113.66", NOW)
    assert a.key("203.0.113.66", NOW) != c.key("203.0.113.66", NOW)


def test_the_guard_has_no_c_code_and_no_ecb():
    # Issue #14.2: keyed BLAKE2b in plain Python; no compiled module, no block cipher mode.
    from pathlib import Path

    import privacydesk

    root = Path(privacydesk.__file__).parent
    assert not [p for p in root.rglob("*") if p.suffix in {".c", ".so", ".pyd", ".pyi"}]
    assert "ECB" not in (root / "guard" / "keys.py").read_text()
