"""`scan_system`: where a declared system holds personal data, and whether it may (#16.4).

Contract:
- The system's connector is built as for every right (registry.connect with the URL from
  PRIVACYDESK_SYSTEM_<ID>_URL, the declaration's dataset, hosts and a timeout); a system
  that is not connected, cannot be scanned or fails raises `ScanError` (the failure is
  stored too, as a SystemScan with its error's kind and safe message).
- Up to `limit` values per place are sampled (`connector.sample`) and run through the
  detectors (`systems.detectors`); per place and detector the scan counts the values with a
  finding. Values never leave this function: the stored SystemScan and the report hold
  counts, places and categories only (C2: a scan must not become a second copy).
- Each finding is judged against the policy: a category the policy does not list, or one
  the system's declaration does not list, is a C2 breach; a category none of the system's
  roles may have (the category's allowed roles) breaches the category's promise (C3..C5).
- The report proposes a dataset declaration (TOML) for the places with findings, in the
  connector's own format where it has one (sql), otherwise as a list of places.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from tqdm import tqdm

from privacydesk.policy.active import get_policy
from privacydesk.policy.systems import SystemDeclaration
from privacydesk.systems import registry
from privacydesk.systems.connector import Connection, Connector, ConnectorError, Sample
from privacydesk.systems.declared import connector_dataset
from privacydesk.systems.detectors import DETECTORS, category_of, detect
from privacydesk.systems.models import SystemScan

#: Values sampled per place unless the caller says otherwise.
DEFAULT_LIMIT = 200


class ScanError(Exception):
    """The scan could not run; the message names the system and why (never a credential).
    `scan` is the stored SystemScan when the connector failed (None before it was built)."""

    def __init__(self, message: str, scan: SystemScan | None = None) -> None:
        super().__init__(message)
        self.scan = scan


@dataclass(frozen=True)
class Finding:
    """What one detector found at one place: `count` of the `sampled` values there;
    `category` the policy category id (None: the policy lists none for it); `rule` the
    promise it breaches ("" when allowed)."""

    where: str
    detector: str
    count: int
    sampled: int
    category: str | None
    rule: str

    @property
    def allowed(self) -> bool:
        return not self.rule

    def as_dict(self) -> dict[str, Any]:
        return {"where": self.where, "detector": self.detector, "count": self.count,
                "sampled": self.sampled, "category": self.category,
                "allowed": self.allowed, "rule": self.rule}


def judge(declaration: SystemDeclaration, category: str | None) -> str:
    """Return the promise a finding of `category` in the declared system breaches, or ""."""
    if category is None or category not in declaration.categories:
        return "C2"  # not a category of the policy, or not one declared for this system
    spec = get_policy().categories[category]
    if spec.allowed_roles.isdisjoint(declaration.roles):
        return spec.promise  # C3..C5: none of the people held there may have these data
    return ""


def build_connector(declaration: SystemDeclaration, *, timeout: float = 10.0) -> Connector:
    """The declared system's connector; ScanError when it is not connected or its kind
    has no connector (the register, manual systems)."""
    if declaration.connector not in registry.CONNECTORS:
        raise ScanError(f"{declaration.id}: a {declaration.connector!r} system has no "
                        "connector to scan with")
    url = registry.connection_url(declaration.id)
    if url is None:
        raise ScanError(f"{declaration.id}: not connected in this installation; set "
                        f"{registry.url_variable(declaration.id)}")
    connection = Connection(declaration.id, url, connector_dataset(declaration.dataset),
                            declaration.hosts, timeout)
    try:
        return registry.connect(declaration.connector, connection)
    except ConnectorError as error:
        raise ScanError(f"{declaration.id}: {error.kind}: {error}") from None


def _count(samples: Iterable[Sample]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    per_place, found = Counter[str](), Counter[tuple[str, str]]()
    for sample in samples:
        per_place[sample.where] += 1
        for detector in detect(sample.where, sample.value):
            found[(sample.where, detector)] += 1
    return per_place, found


def scan_system(declaration: SystemDeclaration, *, limit: int = DEFAULT_LIMIT,
                timeout: float = 10.0, started_by: str = "",
                progress: bool = False) -> SystemScan:
    """Scan the declared system (see the module's contract) and return the stored
    SystemScan; ScanError when it could not run."""
    if "scan" not in declaration.capabilities:
        raise ScanError(f"{declaration.id}: the policy does not declare the capability "
                        "\"scan\" for this system")
    started = timezone.now()
    connector = build_connector(declaration, timeout=timeout)
    samples = tqdm(connector.sample(limit), unit=" values", file=sys.stderr,
                   disable=not progress, desc=f"scan {declaration.id}")
    try:
        per_place, found = _count(samples)
    except ConnectorError as error:
        scan = SystemScan.objects.create(
            system=declaration.id, started_at=started, finished_at=timezone.now(),
            error=f"{error.kind}: {error}"[:300], started_by=started_by)
        raise ScanError(f"{declaration.id}: {error.kind}: {error}", scan) from None
    categories = get_policy().categories
    findings = []
    for (where, detector), count in sorted(found.items(), key=_place_order):
        category = category_of(detector, categories)
        findings.append(Finding(where, detector, count, per_place[where], category,
                                judge(declaration, category)))
    return SystemScan.objects.create(
        system=declaration.id, started_at=started, finished_at=timezone.now(),
        sampled=per_place.total(), findings=[f.as_dict() for f in findings],
        breaches=sum(1 for f in findings if not f.allowed),
        proposal=propose(declaration, findings, started), started_by=started_by)


def _place_order(item: tuple[tuple[str, str], int]) -> tuple[str, int]:
    (where, detector), _ = item
    return where, list(DETECTORS).index(detector)


def findings_of(scan: SystemScan) -> list[Finding]:
    """The stored scan's findings as `Finding`s."""
    return [Finding(f["where"], f["detector"], f["count"], f.get("sampled", 0), f["category"],
                    f.get("rule", "" if f["allowed"] else "C2")) for f in scan.findings]


# -- the proposed declaration -----------------------------------------------------------------

def _toml_key(name: str) -> str:
    plain = name and all(ch.isalnum() or ch in "_-" for ch in name) and name.isascii()
    return name if plain else json.dumps(name)


def _place_categories(findings: list[Finding]) -> dict[str, list[tuple[str, bool]]]:
    """place -> [(category id or the detector's category, declared by the policy)]."""
    places: dict[str, list[tuple[str, bool]]] = {}
    for f in findings:
        entry = (f.category or DETECTORS[f.detector].category, f.category is not None)
        if entry not in places.setdefault(f.where, []):
            places[f.where].append(entry)
    return places


def _column_line(column: str, categories: list[tuple[str, bool]]) -> str:
    first, declared = categories[0]
    notes = [] if declared else [f"{first} is not a category of the policy (C2)"]
    others = [c for c, _ in categories[1:]]
    if others:
        notes.append("also " + ", ".join(others))
        value = f'{{ category = "{first}", free_text = true }}'
    else:
        value = f'"{first}"'
    return f"{_toml_key(column)} = {value}" + (f"  # {'; '.join(notes)}" if notes else "")


def propose(declaration: SystemDeclaration, findings: list[Finding], at: datetime) -> str:
    """A dataset declaration (TOML) for the places with findings, to check and complete by
    hand: the connector's format for sql (tables, columns, categories), else a list."""
    places = _place_categories(findings)
    if not places:
        return ""
    lines = [f"# Proposed by `privacydesk systems scan {declaration.id}` on {at:%Y-%m-%d}: the "
             "places where personal data were found,",
             f"# for the dataset of this {declaration.connector} system "
             f"(docs/connectors/{declaration.connector}.md). Check every line; add keys, "
             "identities and erasure by hand."]
    if declaration.connector == "sql":
        tables: dict[str, list[str]] = {}
        for where, categories in places.items():
            table, _, column = where.rpartition(".")
            tables.setdefault(table or where, []).append(_column_line(column or where,
                                                                      categories))
        for table, columns in tables.items():
            lines += ["", "[[tables]]", f"name = {json.dumps(table)}", "[tables.columns]",
                      *columns]
    else:
        lines += ["", "[places]"]
        lines += [_column_line(where, categories) for where, categories in places.items()]
    return "\n".join(lines) + "\n"
