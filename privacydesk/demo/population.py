"""`generate(n)`: fill the register with a synthetic Dutch population of `n` people.

Contract:
- Deterministic: the same `seed`, `today` and starting register give the same people, names,
  addresses, numbers and agreements (ciphertexts differ: every seal has a fresh nonce).
- Idempotent-ish: the register counts as populated when it already holds at least `n`
  persons; then nothing is added. With fewer, only the missing people are added, so running
  `privacydesk demo` twice never duplicates anyone.
- Obeys the policy: every role, category, purpose, basis and source is asked of the active
  policy before a row is written (see `people.py`), so C1–C5 and P1–P3 hold for every row.
- Fast: rows are built as tuples and written in batches (executemany / COPY), one
  transaction per batch; sealed fields are encrypted and e-mail addresses blind-indexed in
  the loop. One million people take minutes (see docs/benchmark-history.md).
- Audited: one summary entry (action "import", counts only, no personal data) for what was
  written, also when the run is interrupted after some batches.
"""

from __future__ import annotations

import itertools
import random
import sys
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from tqdm import tqdm

from privacydesk.demo.bulk import analyze, next_ids
from privacydesk.demo.people import Ids, Org, OrganisationBuilder, forget_policy_answers
from privacydesk.demo.person import PersonBuilder
from privacydesk.demo.profiles import PROFILES
from privacydesk.demo.rows import RegisterTables
from privacydesk.policy import clock
from privacydesk.register.models import (
    DATUM_MODELS,
    Agreement,
    AgreementParty,
    AgreementRecipient,
    Organisation,
    Person,
    Role,
)
from privacydesk.retention.backup import reset_sequences
from privacydesk.vault import audit, datakeys
from privacydesk.vault.models import SealedMixin

DEFAULT_SEED = 2018
BATCH_SIZE = 10_000
PEOPLE_PER_ORGANISATION = 25
ACTOR = "import"  # the audit actor of generated data (C1 source "import" in spirit)

_CUMULATIVE = list(itertools.accumulate(p.weight for p in PROFILES))


@dataclass(frozen=True)
class Population:
    """What the register holds after `generate`; `added` people were written by this call."""

    people: int
    organisations: int
    agreements: int
    added: int


def _totals(added: int) -> Population:
    return Population(Person.objects.count(), Organisation.objects.count(),
                      Agreement.objects.count(), added)


def generate(n: int, progress: bool = True, *, seed: int = DEFAULT_SEED,
             today: date | None = None, batch_size: int = BATCH_SIZE) -> Population:
    """Add people until the register holds `n`; return the register's totals afterwards."""
    existing = Person.objects.count()
    missing = n - existing
    if missing <= 0:
        return _totals(0)
    forget_policy_answers()
    rng = random.Random(f"privacydesk-demo/{seed}/{existing}")
    ids: Ids = {"person": itertools.count(next_ids(Person)),
                "organisation": itertools.count(next_ids(Organisation)),
                "agreement": itertools.count(next_ids(Agreement))}
    tables = RegisterTables()
    shared = (rng, today or clock.today(), ids, tables)
    people, orgs = PersonBuilder(*shared), OrganisationBuilder(*shared)
    # A new register starts with one person of every profile, so every role is shown.
    first = [p.roles for p in PROFILES] if existing == 0 else []
    # The sealed categories' data keys, made and committed before the batches: inside a
    # batch's transaction a new one is looked up per value until that batch commits.
    for model in DATUM_MODELS.values():
        if issubclass(model, SealedMixin):
            datakeys.current(model._meta.label_lower)
    done = 0
    bar = tqdm(total=missing, unit=" people", unit_scale=True, file=sys.stderr,
               disable=not progress, desc="demo population")
    try:
        while done < missing:
            size = min(batch_size, missing - done)
            with transaction.atomic():
                companies: list[Org] = [
                    orgs.build() for _ in range(max(1, size // PEOPLE_PER_ORGANISATION))]
                for i in range(size):
                    profile = first[done + i] if done + i < len(first) else \
                        rng.choices(PROFILES, cum_weights=_CUMULATIVE)[0].roles
                    people.build(profile, companies)
                tables.flush()
                # Explicit ids were written: later ORM inserts must continue above them.
                reset_sequences([Person, Organisation, Agreement])
            done += size
            bar.update(size)
    finally:
        bar.close()
        if done:
            _record_import(tables.counts, seed)
    analyze([Person, Organisation, Agreement, AgreementParty, AgreementRecipient, Role,
             *DATUM_MODELS.values()])
    return _totals(done)


def _record_import(counts: dict[str, int], seed: int) -> None:
    """One audit entry for the whole import: counts per table, never a value (Sec1)."""
    detail = {"generator": "privacydesk.demo", "seed": seed,
              **{name: counts.get(name, 0) for name in
                 ("people", "organisations", "agreements", "parties", "recipients", "roles")},
              "data": {category: counts.get(category, 0) for category in DATUM_MODELS}}
    with transaction.atomic():
        audit.record(actor=ACTOR, action="import", object_type="register.population",
                     object_id="", person_ref="", purpose="", detail=detail)
