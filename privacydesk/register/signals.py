"""The register's own signals: what other apps may follow without the register knowing them.

`persons_changed` is sent at the end of a batch of writes (`services.batch()`), inside the
batch's transaction, with `person_ids`: a frozenset of the primary keys of every person whose
data, roles or agreements the batch changed. Inside a batch the per-save receivers of other
apps defer their work to it (`services.batching.defer_person`); a receiver that follows the
register's changes must therefore listen to this signal too (retention does: R1).
"""

from __future__ import annotations

from django.dispatch import Signal

persons_changed = Signal()
