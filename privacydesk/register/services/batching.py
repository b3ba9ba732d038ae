"""A batch of register writes (#16.4 "Speed"): the same services, the same rules, per row;
what may wait for the end of the batch waits.

Contract:
- `batch()` opens one transaction (a savepoint inside the caller's) in which every register
  service runs exactly as outside it: every rule is asked per call, every row is written.
  Four things are collected instead of done per call:
  - the audit entries (Sec1): appended at the end with ONE chained `audit.record_many`, in
    the order the services recorded them; `privacydesk audit verify` passes afterwards;
  - the persons whose data, roles or agreements changed: at the end the register sends
    `register.signals.persons_changed` once with all of them, and the per-save receivers of
    other apps (retention's deletion dates, R1) defer to it (`defer_person`);
  - a person's active roles (C2..C5): read once and kept until a role of theirs changes
    through `add_role`/`end_role` or a new row starts (`Batch.row`);
  - new persons made whole (`services.NewPerson`, every rule asked as it was made):
    written with one bulk insert per table at the end, or at `Batch.flush()` (outside a
    row), before the persons are told and the entries appended.
- `Batch.row()` is a savepoint for one unit of work (an imported row): if it raises, the
  savepoint is rolled back and so are the audit entries, persons and new persons the unit
  collected, so a refused row leaves nothing behind, not even an audit entry. Inside a
  batch, a unit that may fail and be caught must use `row()`, never a bare
  `transaction.atomic()`.
- Leaving the batch by an exception rolls everything of it back and sends nothing.
- A batch inside a batch joins the outer one. Batches are per thread (and per asyncio task).
Limit: audit entries are validated when they are appended at the end; the services only
record names, keys and categories, which pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import transaction

from privacydesk.register.signals import persons_changed
from privacydesk.vault import audit

if TYPE_CHECKING:
    from privacydesk.register.services.newperson import NewPerson


class Batch:
    """What a running batch has collected (see the module's contract)."""

    def __init__(self) -> None:
        self.audit: list[dict[str, Any]] = []
        self.persons: set[int] = set()
        # person id -> their active role kinds (C2..C5), kept until a role of theirs
        # changes (`add_role`, `end_role`) or a new row starts.
        self.roles: dict[int, frozenset[str]] = {}
        self._new: list[NewPerson] = []
        self._rows = 0  # rows open (a row inside a row nests)

    @contextmanager
    def row(self, *, savepoint: bool = True) -> Iterator[None]:
        """One unit of work in its own savepoint; on an exception everything it collected
        goes with its writes, and the exception propagates. `savepoint=False` only for a
        unit that writes nothing itself (it queues a `NewPerson`): what it collected is
        dropped the same, without the SAVEPOINT and RELEASE statements; a write failing
        inside it fails the batch."""
        entries, persons, new = len(self.audit), set(self.persons), len(self._new)
        # A new row reads the roles afresh: "once per row", never a stale answer (C2..C5).
        self.roles.clear()
        self._rows += 1
        try:
            with transaction.atomic() if savepoint else nullcontext():
                yield
        except BaseException:
            del self.audit[entries:]
            del self._new[new:]
            self.persons = persons
            self.roles.clear()
            raise
        finally:
            self._rows -= 1

    def queue(self, new: NewPerson, entries: list[dict[str, Any]]) -> None:
        """Write `new` at the batch's end (`services.create_new_person`); its audit `entries`
        take their place among the batch's now and get their ids when it is written."""
        self._new.append(new)
        self.audit.extend(entries)

    def flush(self) -> None:
        """Write the queued new persons now (bulk inserts), e.g. before a later unit changes
        one of them. Not inside `row()`: rolling that row back would take them along."""
        if self._rows:
            raise RuntimeError("a batch's new persons are written outside a row")
        if not self._new:
            return
        pending, self._new = self._new, []
        from privacydesk.register.services import newperson  # it queues here: no cycle

        newperson.write(pending)
        self.persons.update(new.person.pk for new in pending)

    def role_kinds(self, person_id: int, read: Any) -> frozenset[str]:
        """The person's active role kinds: `read()` once, then the kept answer."""
        kinds = self.roles.get(person_id)
        if kinds is None:
            kinds = self.roles[person_id] = frozenset(read())
        return kinds


_current: ContextVar[Batch | None] = ContextVar("privacydesk_register_batch", default=None)


def current() -> Batch | None:
    """The running batch, or None outside one."""
    return _current.get()


def defer_person(person_id: int | None) -> bool:
    """Inside a batch: note that `person_id` changed and return True (the caller's work for
    them waits for `persons_changed`); outside one: False (do it now)."""
    running = _current.get()
    if running is None:
        return False
    if person_id is not None:
        running.persons.add(person_id)
    return True


def atomic() -> transaction.Atomic:
    """The transaction of one service call: its own savepoint outside a batch; inside one
    the enclosing `Batch.row()` is the savepoint (a failed call fails the row, whose
    savepoint undoes it), which saves two statements per call."""
    return transaction.atomic(savepoint=_current.get() is None)


@contextmanager
def batch() -> Iterator[Batch]:
    """Run the register's services as one batch (see the module's contract)."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    running = Batch()
    with transaction.atomic():
        token = _current.set(running)
        try:
            yield running
            running.flush()
        finally:
            _current.reset(token)
        # Only reached when the batch's work succeeded; the receivers and the chain run
        # outside the batch, so their own writes are not deferred again.
        if running.persons:
            persons_changed.send(sender=Batch, person_ids=frozenset(running.persons))
        if running.audit:
            audit.record_many(running.audit)
