"""The dashboard's work queue (#15): what is waiting for staff, each line linking to the work.

Each app knows its own work (open requests, breaches on the 72-hour clock, callbacks to
make, consents waiting, access requests to approve, what the next sweep deletes) and
registers a source in its AppConfig.ready() with `register_work_source(...)`: the staff
package imports none of the apps, and no rule is computed in the dashboard view. A source
is shown only to staff whose role holds its permission (deny by default, Sec1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from privacydesk.staff import permissions

#: How pressing a line is: "late" past the promise or the legal clock, "soon" with less
#: than two days (or 24 hours on the 72-hour clock) left, "" otherwise.
LATE, SOON, CALM = "late", "soon", ""


@dataclass(frozen=True)
class WorkItem:
    """One line of the queue: `text` (already translated, no code, no UUID), `url` to the
    page where the work is done, `due` the moment it must be done by (None: no clock),
    `due_text` what the clock says in words, `urgency` LATE, SOON or CALM."""

    text: str
    url: str
    due: datetime | None = None
    due_text: str = ""
    urgency: str = CALM


@dataclass(frozen=True)
class WorkSource:
    """A section of the queue: its heading, the permission it needs and its lines."""

    key: str
    heading: Any                       # a (lazy) translated heading
    permission: str | None             # None: every signed-in staff member
    items: Callable[[Any], list[WorkItem]]   # items(user) -> lines, most pressing first
    order: int = 50
    more_url: Any = ""                 # the page with all of them (a URL or reverse_lazy)


@dataclass(frozen=True)
class WorkSection:
    key: str
    heading: str
    items: list[WorkItem]
    more_url: str


_SOURCES: dict[str, WorkSource] = {}


def register_work_source(source: WorkSource) -> None:
    """Add (or replace, by key) a section of the work queue."""
    _SOURCES[source.key] = source


def work_for(user: Any) -> list[WorkSection]:
    """The sections `user` may see, in their order, each with its lines."""
    return [WorkSection(source.key, str(source.heading), source.items(user),
                        str(source.more_url))
            for source in sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))
            if source.permission is None or permissions.has_permission(user, source.permission)]
