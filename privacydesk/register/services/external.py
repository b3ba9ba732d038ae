"""Linking a person to the id another system gives them (#16.4): the import's write path.

The origin's id is kept only as a blind index (`external_key`), so the register can find
the person by it without holding it (C2). Each write is one transaction with its audit
entry, which names the origin, never the id.
"""

from __future__ import annotations

from typing import Any

from privacydesk.register import formats
from privacydesk.register.models import ExternalId, Person
from privacydesk.register.services import batching
from privacydesk.register.services.common import check_actor, record
from privacydesk.vault.blind import blind_index


def external_key(origin: str, external_id: str) -> str:
    """Return the blind index of `external_id` within `origin` (ids of two origins never
    collide; case and surrounding spaces of the id do not matter)."""
    return blind_index(f"{origin}\x1f{external_id}", kind="external_id")


def _origin(origin: Any) -> str:
    cleaned = formats.text(origin, "origin", max_length=64)
    if not cleaned.replace("-", "_").isidentifier():
        raise formats.fail("origin", "must be a short name of letters, digits, - and _")
    return cleaned


def link_external_id(person: Person, origin: str, external_id: str, *, row_digest: str,
                     data: dict[str, int], actor: str) -> ExternalId:
    """Record that `origin` calls `person` `external_id`; `data` maps categories to the
    datum ids written from that origin's row, `row_digest` is the row's keyed digest."""
    link = checked_link(person, origin, external_id, row_digest=row_digest, data=data,
                        actor=actor)
    with batching.atomic():
        link.save(force_insert=True)
        record("create", link, actor=actor, person=person, detail={"origin": link.origin})
    return link


def checked_link(person: Person, origin: str, external_id: str, *, row_digest: str,
                 data: dict[str, int], actor: str) -> ExternalId:
    """The link `link_external_id` would store, unsaved, after its rules."""
    check_actor(actor)
    clean_origin = _origin(origin)
    key = formats.text(external_id, "external_id", max_length=200)
    return ExternalId(person=person, origin=clean_origin,
                      key_index=external_key(clean_origin, key), row_digest=row_digest,
                      data=data)


def update_external_id(link: ExternalId, *, row_digest: str, data: dict[str, int],
                       actor: str) -> ExternalId:
    """Remember the digest and the data ids of the origin's changed row."""
    check_actor(actor)
    with batching.atomic():
        link.row_digest, link.data = row_digest, data
        link.save(update_fields=["row_digest", "data", "imported_at"])
        record("update", link, actor=actor, person=link.person,
               detail={"origin": link.origin, "fields": ["row_digest", "data"]})
    return link


def links_of(origin: str) -> dict[str, ExternalId]:
    """Every link of `origin`, by blind index (one query: the import's lookups)."""
    return {link.key_index: link for link in ExternalId.objects.filter(origin=origin)}
