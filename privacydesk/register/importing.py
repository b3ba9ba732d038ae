"""`import_persons`: persons from another system's CSV or XLSX file into the register (#16.4).

Contract:
- Every row goes through the register's write services (`register.services`): the person,
  the role (S1), each datum with the map's source (C1), purpose and basis (Art. 5, 6, P3),
  the categories the policy allows and for the roles it allows them (C2..C5), the formats;
  retention dates follow from the same writes (R1). Nothing here writes a model itself.
- Idempotent on the origin's id (`[import] external_id`): a row already imported and not
  changed since changes nothing; a changed row updates the data this import wrote for the
  person; a new id makes a new person. The id is kept only as a blind index (C2).
- A refused row is reported (row number as a spreadsheet shows it, the column, the rule, the
  message) and leaves nothing behind; the other rows go on.
- Rows are written in batches of `BATCH_ROWS` (`services.batch()`: one savepoint each, the
  same rules per row; the audit entries appended per batch, the deletion dates recomputed
  once per person at the batch's end) (#16.4). A new id's row is checked whole as a
  `services.NewPerson` and written with the batch's other new persons, one multi-row
  INSERT per table; a row that writes itself (a changed person, a new organisation) has
  its own savepoint inside the batch's.
- The whole run is one transaction: interrupted (Ctrl-C), nothing of it stays. `dry_run`
  runs every check and every write, then rolls all of it back: the report is what a real
  run would do.
Limits: a row's empty cells do not delete data imported earlier; a person erased here and
still in the origin's file comes back with the next import (remove them there first).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import transaction
from tqdm import tqdm

from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RestrictedError, RuleViolation
from privacydesk.register import services
from privacydesk.register._import_files import EXTRA, ImportFileError, open_rows
from privacydesk.register._import_map import (
    CategoryPlan,
    ImportMap,
    ImportMapError,
    load_map,
)
from privacydesk.register.models import (
    DATUM_MODELS,
    Agreement,
    Datum,
    ExternalId,
    Organisation,
    Person,
    Role,
)
from privacydesk.register.services import batching, external
from privacydesk.register.services.people import CONTACT
from privacydesk.vault import datakeys
from privacydesk.vault.blind import blind_index
from privacydesk.vault.models import SealedMixin

#: The audit actor of every write of an import.
ACTOR = "import"
#: Rows per batch of register writes: large enough that the audit chain's append and the
#: retention recompute run per batch, small enough that a batch's memory stays small.
BATCH_ROWS = 500

__all__ = ["ImportFileError", "ImportMapError", "ImportReport", "Refusal", "import_persons",
           "import_rows", "load_map"]


@dataclass(frozen=True)
class Refusal:
    """Why one row was not imported: the row (header = 1), column, rule and message."""

    row: int
    column: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message} ({self.rule})"


@dataclass
class ImportReport:
    """What an import did (or, dry, would do): rows read and what became of each."""

    file: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[Refusal] = field(default_factory=list)


class _Refused(Exception):
    def __init__(self, column: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.column, self.rule, self.message = column, rule, message


def _day(text: str, column: str) -> date:
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d-%m-%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    raise _Refused(column, "format", f"{text!r} is not a date like 2024-03-31 or 31-03-2024")


class _Run:
    """One import: the map, caches of what rows share, the links of the origin."""

    def __init__(self, imap: ImportMap) -> None:
        self.map = imap
        self.links = external.links_of(imap.origin)
        self.organisations: dict[str, Organisation] = {}
        self.agreements: dict[str, Agreement] = {}
        self._row_organisations: list[str] = []

    def forget_row(self) -> None:
        """Drop what a refused row's savepoint undid from the caches (its organisations; a
        link is a row's last write, so a refused row leaves none)."""
        for name in self._row_organisations:
            self.organisations.pop(name, None)
        self._row_organisations = []

    # -- reading a row ---------------------------------------------------------------------

    def _values(self, plan: CategoryPlan, row: dict[str, str]) -> dict[str, Any] | None:
        read = {name: row[column] for name, column in plan.columns.items()}
        if not any(read.values()):
            return None  # nothing of this category in the row
        return {**plan.fixed, **read}

    def _digest(self, row: dict[str, str]) -> str:
        # Keyed (HMAC under the vault's index key): the digest of a row of personal data
        # must not be a value anyone could recompute from a guess.
        canonical = json.dumps([[c, row.get(c, "")] for c in self.map.columns()],
                               ensure_ascii=False, separators=(",", ":"))
        return blind_index(hashlib.sha256(canonical.encode()).hexdigest(), kind="import_row")

    def _role_kind(self, row: dict[str, str]) -> str:
        role = self.map.role
        if role.kind:
            return role.kind
        word = row[role.column]
        kind = role.values.get(word)
        if kind is None:
            raise _Refused(role.column, "S1", f"{word!r} is not one of the map's role values "
                           f"({', '.join(role.values)})")
        return kind

    def _organisation(self, row: dict[str, str], kind: str) -> Organisation | None:
        column = self.map.role.organisation
        name = row[column].strip() if column else ""
        if not name:
            if kind == CONTACT:
                raise _Refused(column or "role.organisation", "S1", "a contact represents an "
                               "organisation; the row names none")
            return None
        found = self._known_organisation(name)
        if found is None:
            found = self._call(column, lambda: services.create_organisation(name, actor=ACTOR))
            self._row_organisations.append(name)
            self.organisations[name] = found
        return found

    def _known_organisation(self, name: str) -> Organisation | None:
        if name not in self.organisations:
            found = Organisation.objects.filter(name=name).order_by("id").first()
            if found is None:
                return None
            self.organisations[name] = found
        return self.organisations[name]

    def _writes_nothing(self, row: dict[str, str]) -> bool:
        """True when a new person's row writes nothing itself (`services.NewPerson` is
        written with the batch): it names no organisation, or one the register holds."""
        column = self.map.role.organisation
        name = row[column].strip() if column else ""
        return not name or self._known_organisation(name) is not None

    def _agreement(self, row: dict[str, str]) -> Agreement | None:
        column = self.map.agreement
        reference = row[column].strip() if column else ""
        if not reference:
            return None
        if reference not in self.agreements:
            found = Agreement.objects.filter(reference=reference).first()
            if found is None:
                raise _Refused(column, "P3", f"no agreement has the reference {reference!r}")
            self.agreements[reference] = found
        return self.agreements[reference]

    # -- writing a row ---------------------------------------------------------------------

    def apply(self, row: dict[str, str]) -> str:
        """Import one row; return "created", "updated" or "unchanged"; _Refused otherwise.
        Inside a batch (`import_rows`) the row's savepoint is the batch's."""
        self._row_organisations = []
        if row.get(EXTRA):
            raise _Refused("(beyond the header)", "format", "the row has more cells than the "
                           "header has columns")
        key_text = row[self.map.external_id].strip()
        if not key_text:
            raise _Refused(self.map.external_id, "required", "the external id is required")
        key = external.external_key(self.map.origin, key_text)
        digest = self._digest(row)
        link = self.links.get(key)
        if link is not None and link.row_digest == digest:
            return "unchanged"  # no statement at all: a re-import reads only the links
        running = batching.current()
        if link is not None and link.pk is None and running is not None:
            # The same id earlier in this batch made a person not written yet: write the
            # batch's new persons now, so this row updates that one (rare: an id twice).
            running.flush()
        # A savepoint per row that writes: a refusal half-way undoes that row only, its
        # audit entries included. A new person's row mostly writes nothing until its batch
        # does: what it collected is dropped without one (two statements fewer).
        writes = link is not None or not self._writes_nothing(row)
        with (running.row(savepoint=writes) if running is not None
              else transaction.atomic()):
            if link is None:
                return self._create_row(row, key, key_text, digest)
            return self._write_row(row, digest, link)

    def _role_of(self, row: dict[str, str]) -> tuple[str, date | None, Organisation | None]:
        kind = self._role_kind(row)
        started = (_day(row[self.map.role.started_on], self.map.role.started_on)
                   if self.map.role.started_on and row[self.map.role.started_on] else None)
        return kind, started, self._organisation(row, kind)

    def _create_row(self, row: dict[str, str], key: str, key_text: str, digest: str) -> str:
        """A new person: every rule asked now, as the single services ask them; written
        with the batch's other new persons by bulk inserts (`services.NewPerson`)."""
        kind, started, organisation = self._role_of(row)
        agreement = self._agreement(row)
        new = self._call("[import]", lambda: services.NewPerson(
            actor=ACTOR, purpose=self.map.purpose, source=self.map.source))
        self._call(self.map.role.column or "role.kind", lambda: new.add_role(
            kind, organisation=organisation, started_on=started))
        if agreement is not None:
            self._call(self.map.agreement, lambda: new.add_party(agreement))
        data = {}
        for plan in self.map.categories:
            values = self._values(plan, row)
            if values is not None:
                data[plan.category] = self._new_datum(new, plan, values, agreement)
        link = self._call(self.map.external_id, lambda: new.link_external_id(
            self.map.origin, key_text, row_digest=digest, data=data))
        services.create_new_person(new)
        self.links[key] = link
        return "created"

    def _new_datum(self, new: services.NewPerson, plan: CategoryPlan, values: dict[str, Any],
                   agreement: Agreement | None) -> Datum:
        serves = self._agreement_for(plan, agreement)
        return self._call(plan, lambda: new.add_datum(
            plan.category, values, source=self.map.source, purpose=plan.purpose,
            basis=plan.basis, agreement=serves))

    def _write_row(self, row: dict[str, str], digest: str, link: ExternalId) -> str:
        """A changed row of a person imported before: through the single services."""
        kind, started, organisation = self._role_of(row)
        agreement = self._agreement(row)
        person = link.person
        self._ensure_role(person, kind, organisation, started)
        if agreement is not None and not agreement.has_party(person):
            services.add_party(agreement, person, actor=ACTOR)
        data = dict(link.data)
        for plan in self.map.categories:
            values = self._values(plan, row)
            if values is not None:
                data[plan.category] = self._write(plan, person, values, data.get(plan.category),
                                                  agreement)
        external.update_external_id(link, row_digest=digest, data=data, actor=ACTOR)
        return "updated"

    def _ensure_role(self, person: Person, kind: str, organisation: Organisation | None,
                     started: date | None) -> None:
        """Give the person the row's role unless they hold it (with that organisation)
        already; an import adds roles and never ends one (`systems sync` does)."""
        column = self.map.role.column or "role.kind"
        active = Role.objects.active_on().filter(person=person, kind=kind)
        if organisation is not None:
            active = active.filter(organisation=organisation)
        if active.exists():
            return
        self._call(column, lambda: services.add_role(
            person, kind, actor=ACTOR, organisation=organisation, started_on=started))

    def _agreement_for(self, plan: CategoryPlan, agreement: Agreement | None) -> Agreement | None:
        """The agreement a datum of `plan` serves: the row's, when its purpose needs one
        (P3); refused when the row names none."""
        if not get_policy().purposes[plan.purpose].requires_agreement:
            return None
        if agreement is None:
            raise _Refused(self.map.agreement, "P3", f"purpose {plan.purpose!r} needs an "
                           "agreement; the row names none")
        return agreement

    def _write(self, plan: CategoryPlan, person: Person, values: dict[str, Any],
               datum_id: int | None, agreement: Agreement | None) -> int:
        model = DATUM_MODELS[plan.category]
        datum = (model._default_manager.filter(pk=datum_id, person=person).first()
                 if datum_id is not None else None)
        if datum is not None:
            datum.person = person  # the row's person: no query per datum for it (Art. 18)
            done = self._call(plan, lambda: services.update_datum(
                datum, values, actor=ACTOR, purpose=plan.purpose))
            return int(done.pk)
        serves = self._agreement_for(plan, agreement)
        new = self._call(plan, lambda: services.add_datum(
            person, plan.category, values, source=self.map.source, purpose=plan.purpose,
            basis=plan.basis, actor=ACTOR, agreement=serves))
        return int(new.pk)

    def _call(self, where: CategoryPlan | str, write: Any) -> Any:
        try:
            return write()
        except RestrictedError as exc:
            # Art. 18: the person (named by the row's id) is restricted, not one cell.
            raise _Refused(self.map.external_id, exc.rule, exc.message) from None
        except RuleViolation as exc:
            column = where.column_of(exc.field) if isinstance(where, CategoryPlan) else where
            raise _Refused(column, exc.rule, exc.message) from None


def _make_data_keys(imap: ImportMap) -> None:
    # Sec1: a data key made inside the import's one transaction may vanish with it, so the
    # vault looks it up again for every value it seals until the transaction commits
    # (vault.datakeys); made (and committed) before it, it is looked up once.
    for plan in imap.categories:
        model = DATUM_MODELS[plan.category]
        if issubclass(model, SealedMixin):
            datakeys.current(model._meta.label_lower)


def import_persons(path: str | Path, imap: ImportMap, *, dry_run: bool = False,
                   progress: bool = False) -> ImportReport:
    """Import every row of the CSV/XLSX file at `path` as `imap` says; see the module's
    contract. ImportFileError / ImportMapError before anything is written for a file that
    cannot be read or lacks a column the map reads."""
    rows = open_rows(path)
    imap.check_header(rows.header, str(path))
    return import_rows(rows.rows, imap, name=str(path), total=rows.total, dry_run=dry_run,
                       progress=progress)


def import_rows(rows: Iterable[tuple[int, dict[str, str]]], imap: ImportMap, *, name: str,
                total: int | None = None, dry_run: bool = False,
                progress: bool = False) -> ImportReport:
    """Import `rows` ((row number, {column: text})) as `imap` says, by `import_persons`'
    contract; the caller checked that the rows hold every column the map reads. `name`
    names the rows' origin in the report (a file, or a system of record: `systems sync`)."""
    report = ImportReport(name, dry_run)
    if not dry_run:
        _make_data_keys(imap)
    with transaction.atomic():
        run = _Run(imap)
        numbered = iter(tqdm(rows, total=total, unit=" rows", file=sys.stderr,
                             disable=not progress, desc="import"))
        while chunk := list(islice(numbered, BATCH_ROWS)):
            with services.batch():
                for number, row in chunk:
                    report.rows += 1
                    try:
                        outcome = run.apply(row)
                    except _Refused as refused:
                        report.refused.append(Refusal(number, refused.column, refused.rule,
                                                      refused.message))
                        run.forget_row()
                        continue
                    setattr(report, outcome, getattr(report, outcome) + 1)
        if dry_run:
            transaction.set_rollback(True)
    return report

