"""The offender register's rules (W2): register, ban, lift, allow-list, export, prune.

Views and the CLI only call these. The register is the only place a client address is stored
(W1): an address arrives here only from a `Crossing`, i.e. after it crossed the policy's
threshold, and leaves at `expires_at`.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacydesk.guard import conf, net
from privacydesk.guard.detector import Evidence
from privacydesk.guard.models import AllowListEntry, Offender
from privacydesk.policy.errors import RuleViolation
from privacydesk.vault import audit

MAX_REGISTER_PATHS = 20


def ban_seconds(ban_count: int, c: conf.GuardConf) -> int:
    """Length of ban number `ban_count` (1 = first): ban_seconds * multiplier**(n-1), capped
    at max_ban_seconds (W2: ban time grows for repeat offenders)."""
    return int(min(c.ban_seconds * c.ban_multiplier ** max(0, ban_count - 1), c.max_ban_seconds))


def _merge(old: dict[str, Any], new: Evidence) -> dict[str, Any]:
    rules = dict(old.get("rules", {}))
    for rule, count in new.rules.items():
        rules[rule] = rules.get(rule, 0) + count
    paths = list(old.get("paths", []))
    for path in new.paths:
        if path not in paths and len(paths) < MAX_REGISTER_PATHS:
            paths.append(path)
    first = min(old.get("first_seen", new.first_seen), new.first_seen)
    return {"rules": rules, "first_seen": first,
            "last_seen": max(old.get("last_seen", 0.0), new.last_seen), "paths": paths,
            "crossings": int(old.get("crossings", 0)) + 1}


def is_allowed(subject: str) -> bool:
    nets = net.networks(AllowListEntry.objects.values_list("network", flat=True))
    return net.in_networks(subject, nets)


def register_offender(subject: str, evidence: Evidence,
                      now: datetime | None = None) -> Offender | None:
    """Register `subject` with `evidence` and ban it; None when it is allow-listed.

    A subject already banned keeps its ban (several workers may report one break-in); a
    subject whose earlier ban is over is banned again, longer. The registration expires
    policy guard.registration_days after this offence.
    """
    c = conf.load()
    now = now or timezone.now()
    if is_allowed(subject):
        return None
    with transaction.atomic():
        offender = Offender.objects.select_for_update().filter(address=subject).first()
        first = datetime.fromtimestamp(evidence.first_seen, tz=UTC)
        last = datetime.fromtimestamp(evidence.last_seen, tz=UTC)
        if offender is None:
            offender = Offender(address=subject, first_seen=first, registered_at=now,
                                evidence={})
        offender.evidence = _merge(offender.evidence, evidence)
        offender.first_seen = min(offender.first_seen, first)
        offender.last_seen = max(last, now) if offender.pk is None else max(
            offender.last_seen, last)
        if offender.ban_until is None or offender.ban_until <= now:
            offender.ban_count += 1
            offender.ban_until = now + timedelta(seconds=ban_seconds(offender.ban_count, c))
            offender.lifted_by, offender.lifted_at = "", None
        offender.expires_at = now + timedelta(days=c.registration_days)
        offender.save()
    return offender


def lift_ban(offender: Offender, *, actor: str) -> Offender:
    """End `offender`'s ban now; the registration (evidence) stays until it expires."""
    with transaction.atomic():
        offender.ban_until = None
        offender.lifted_by = actor
        offender.lifted_at = timezone.now()
        offender.save(update_fields=["ban_until", "lifted_by", "lifted_at"])
        audit.record(actor=actor, action="update", object_type="guard.offender",
                     object_id=str(offender.pk), purpose="security",
                     detail={"change": "ban lifted"})
    return offender


def allow(network: str, *, actor: str, note: str = "") -> AllowListEntry:
    """Allow-list an address or CIDR network and lift the bans inside it.

    RuleViolation("network", "format") when it is not an address or a network.
    """
    try:
        parsed = ipaddress.ip_network(network.strip(), strict=False)
    except ValueError:
        raise RuleViolation("network", "format", gettext_noop(
            "Give an IPv4/IPv6 address or a network such as 192.0.2.0/24."))
    with transaction.atomic():
        entry, _ = AllowListEntry.objects.get_or_create(
            network=str(parsed), defaults={"note": note[:200], "added_by": actor})
        for offender in Offender.objects.select_for_update().filter(ban_until__isnull=False):
            if net.in_networks(offender.address, (parsed,)):
                offender.ban_until, offender.lifted_by = None, actor
                offender.lifted_at = timezone.now()
                offender.save(update_fields=["ban_until", "lifted_by", "lifted_at"])
        audit.record(actor=actor, action="create", object_type="guard.allowlist",
                     object_id=str(entry.pk), purpose="security")
    return entry


def disallow(entry: AllowListEntry, *, actor: str) -> None:
    """Remove an allow-list entry."""
    with transaction.atomic():
        audit.record(actor=actor, action="delete", object_type="guard.allowlist",
                     object_id=str(entry.pk), purpose="security")
        entry.delete()


def banned_now(now: datetime | None = None) -> list[str]:
    """The subjects banned right now, sorted (IPv4 first)."""
    now = now or timezone.now()
    found = Offender.objects.filter(ban_until__gt=now).values_list("address", flat=True)
    return sorted(found, key=lambda a: (":" in a, a))


def export_blocklist(fmt: str = "plain", now: datetime | None = None) -> str:
    """The banned subjects for a firewall: "plain" (one per line, for fail2ban/ipset) or "nft"
    (an nftables script with sets and a drop rule). ValueError for another fmt."""
    subjects = banned_now(now)
    if fmt == "plain":
        return "".join(f"{s}\n" for s in subjects)
    if fmt != "nft":
        raise ValueError(f"fmt: must be plain or nft, got {fmt!r}")
    v4 = [s for s in subjects if ":" not in s]
    v6 = [s for s in subjects if ":" in s]
    lines = ["#!/usr/sbin/nft -f", "# privacydesk break-in guard: banned addresses (W2)",
             "table inet privacydesk_guard", "delete table inet privacydesk_guard",
             "table inet privacydesk_guard {"]
    for name, kind, members in (("banned_v4", "ipv4_addr", v4), ("banned_v6", "ipv6_addr", v6)):
        lines.append(f"  set {name} {{")
        lines.append(f"    type {kind}; flags interval;")
        if members:
            lines.append(f"    elements = {{ {', '.join(members)} }}")
        lines.append("  }")
    lines += ["  chain input {", "    type filter hook input priority -10; policy accept;",
              "    ip saddr @banned_v4 drop", "    ip6 saddr @banned_v6 drop", "  }", "}"]
    return "\n".join(lines) + "\n"


def prune_expired(now: datetime | None = None) -> int:
    """Delete registrations past `expires_at` whose ban is over, and spent database counters.
    Return the number of registrations deleted (for the retention machinery, R1/W2)."""
    from privacydesk.guard.stores.database import DatabaseStore

    now = now or timezone.now()
    with transaction.atomic():
        expired = Offender.objects.filter(expires_at__lte=now).exclude(ban_until__gt=now)
        deleted, _ = expired.delete()
        DatabaseStore.prune(now.timestamp())
    return deleted
