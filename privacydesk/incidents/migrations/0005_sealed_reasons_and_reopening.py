"""Seal staff's reasons in the incident register (Sec1) and record reopening (#15).

The assessment's and the closing's reasons are free text that can name someone: like the
description they go into the incident's sealed value (AES-GCM, AAD "incidents.incident"),
next to the new `reopen_reason`; then the clear columns are dropped. Every row is re-sealed
in one transaction with the schema change (nothing half-done), `BATCH` rows read at a
time. `reopened_at` is new (null: never reopened). Reversible: unsealing restores the
clear columns.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import migrations, models

AAD = "incidents.incident"
REASONS = ("assessment_reason", "close_reason")
#: Rows read per round.
BATCH = 500


def _opened(crypto: Any, row: Any) -> dict[str, str]:
    if not row.key_id or not bytes(row.ciphertext or b""):
        return {"description": "", "reporter_name": "", "reporter_email": ""}
    data: dict[str, str] = json.loads(crypto.unseal(row.key_id, bytes(row.ciphertext), aad=AAD))
    return data


def _batches(model: Any, alias: str) -> Any:
    last = 0
    while True:
        batch = list(model.objects.using(alias).filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def seal_reasons(apps: Any, schema_editor: Any) -> None:
    from privacydesk.vault import crypto

    incident = apps.get_model("incidents", "Incident")
    alias = schema_editor.connection.alias
    for batch in _batches(incident, alias):
        for row in batch:
            data = {**_opened(crypto, row), "reopen_reason": ""}
            data.update({f: getattr(row, f) or "" for f in REASONS})
            row.key_id, row.ciphertext = crypto.seal(json.dumps(data, ensure_ascii=False),
                                                     aad=AAD)
        incident.objects.using(alias).bulk_update(batch, ["key_id", "ciphertext"])


def unseal_reasons(apps: Any, schema_editor: Any) -> None:
    from privacydesk.vault import crypto

    incident = apps.get_model("incidents", "Incident")
    alias = schema_editor.connection.alias
    for batch in _batches(incident, alias):
        for row in batch:
            data = _opened(crypto, row)
            for f in REASONS:
                setattr(row, f, data.pop(f, "") or "")
            data.pop("reopen_reason", None)
            row.key_id, row.ciphertext = crypto.seal(json.dumps(data, ensure_ascii=False),
                                                     aad=AAD)
        incident.objects.using(alias).bulk_update(batch, ["key_id", "ciphertext", *REASONS])


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0004_assessment_and_informed"),
        # Sealed with data keys (vault.DataKey).
        ("vault", "0002_datakey"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="reopened_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(seal_reasons, unseal_reasons),
        migrations.RemoveField(model_name="incident", name="assessment_reason"),
        migrations.RemoveField(model_name="incident", name="close_reason"),
    ]
