"""Delivering an export (Rt1, Rt4): never as an e-mail attachment, but as an expiring,
single-use, signed download link sent to the verified address.

`create(request, kind, files)` zips `files`, seals the zip with AES-GCM into the data
folder and returns (Delivery, link). `take(token)` hands the bytes out once, audited, and
deletes the file; `expire(now)` deletes files whose link has run out. The link lives
`PRIVACYDESK_REQUEST_LINK_DAYS` days.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from privacydesk.policy import clock
from privacydesk.requests import events, notify, tokens
from privacydesk.requests.models import DataSubjectRequest, Delivery
from privacydesk.vault import audit, crypto

SALT = "privacydesk.requests.download"


def folder() -> Path:
    path = Path(settings.DATA_DIR) / "request-exports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _aad(uid: str) -> str:
    return f"requests.delivery:{uid}"


def bundle(files: dict[str, bytes]) -> bytes:
    """One zip of `files` (name -> bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def create(request: DataSubjectRequest, kind: str, payload: bytes, *, actor: str,
           now: datetime | None = None) -> tuple[Delivery, str]:
    """Seal `payload` to disk and record a Delivery; return it and the download link."""
    when = now or timezone.now()
    secret, digest = tokens.new_secret()
    delivery = Delivery(request=request, kind=kind, token_hash=digest, created_at=when,
                        expires_at=when + timedelta(days=settings.PRIVACYDESK_REQUEST_LINK_DAYS),
                        size=len(payload))
    delivery.file_name = f"{delivery.uid.hex}.sealed"
    delivery.key_id, blob = crypto.seal_bytes(payload, aad=_aad(delivery.uid.hex))
    path = folder() / delivery.file_name
    path.write_bytes(blob)
    path.chmod(0o600)
    try:
        with transaction.atomic():
            delivery.save()
            # The controller's clock, as the mail and the request page show the end
            # (rule 7): in UTC the note said 23:30 where the page said 00:30 (#15, walk b).
            until = delivery.expires_at.astimezone(clock.zone())
            events.log(request, "export_ready", actor=actor, at=when,
                       note=f"{kind} export sealed, link valid until {until:%Y-%m-%d %H:%M}")
    except Exception:
        path.unlink(missing_ok=True)
        raise
    link = notify.public_url(reverse("requests_public:download", kwargs={
        "token": tokens.make(delivery.uid.hex, secret, SALT)}))
    return delivery, link


def find(token: str, now: datetime | None = None) -> tuple[Delivery | None, str]:
    """The live delivery of `token` and "" — or None and why not (bad, used, expired)."""
    parsed = tokens.read(token, SALT)
    if parsed is None or len(parsed[0]) != 32:
        return None, "bad"
    delivery = Delivery.objects.filter(uid=parsed[0]).select_related("request").first()
    if delivery is None or not tokens.matches(parsed[1], delivery.token_hash):
        return None, "bad"
    if delivery.downloaded_at is not None:
        return None, "used"
    if delivery.deleted_at is not None or (now or timezone.now()) >= delivery.expires_at:
        return None, "expired"
    return delivery, ""


def take(token: str, now: datetime | None = None) -> tuple[bytes | None, str, Delivery | None]:
    """Hand the export out once: (bytes, "", delivery) or (None, reason, None). Audited;
    the file is deleted right after it is read."""
    when = now or timezone.now()
    delivery, why = find(token, when)
    if delivery is None:
        return None, why, None
    with transaction.atomic():
        # Single use, also under two simultaneous clicks: only one update wins.
        won = Delivery.objects.filter(pk=delivery.pk, downloaded_at__isnull=True).update(
            downloaded_at=when)
        if not won:
            return None, "used", None
        path = folder() / delivery.file_name
        data = crypto.unseal_bytes(delivery.key_id, path.read_bytes(),
                                   aad=_aad(delivery.uid.hex))
        audit.record(actor="requester", action="download", object_type="requests.delivery",
                     object_id=str(delivery.pk), person_ref=delivery.request.person_ref,
                     purpose=events.purpose_of(delivery.request),
                     detail={"request": delivery.request.reference, "kind": delivery.kind})
        events.log(delivery.request, "downloaded", actor="requester", at=when,
                   note=f"{delivery.kind} export downloaded; file deleted")
        Delivery.objects.filter(pk=delivery.pk).update(deleted_at=when)
        transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return data, "", delivery


#: A sealed file without a live delivery row is left this long: `create` writes the file
#: just before it commits the row.
ORPHAN_GRACE = timedelta(hours=1)


def expire(now: datetime | None = None) -> int:
    """Delete the files of deliveries past their expiry, and sealed files no live delivery
    owns (a process killed between writing the file and committing its row); return how
    many files went. Run by the clock tick (every 5 minutes) and by the retention sweep's
    daily prune (`retention.prune.prune_system`), so an expired export never waits on disk
    for a click (#13, 5.11)."""
    when = now or timezone.now()
    gone = 0
    for delivery in Delivery.objects.filter(expires_at__lte=when, deleted_at__isnull=True):
        (folder() / delivery.file_name).unlink(missing_ok=True)
        Delivery.objects.filter(pk=delivery.pk).update(deleted_at=when)
        gone += 1
    live = set(Delivery.objects.filter(deleted_at__isnull=True)
               .values_list("file_name", flat=True))
    for path in folder().glob("*.sealed"):
        if path.name not in live and path.stat().st_mtime < (when - ORPHAN_GRACE).timestamp():
            path.unlink(missing_ok=True)
            gone += 1
    return gone
