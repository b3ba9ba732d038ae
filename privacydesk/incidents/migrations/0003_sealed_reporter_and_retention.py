"""Seal what a person wrote into the incident register (Sec1) and add the retention
moments (R1, policy [incidents]).

The description and the reporter's name and e-mail address of every existing incident are
sealed (AES-GCM, AAD "incidents.incident", the model's own contract) in one transaction
with the new columns, then the clear columns are dropped. An incident already closed gets
`closed_at` = the moment of this migration: when it was closed was never recorded, so its
periods count from now (the later date keeps it rather than losing it early).
Reversible: unsealing restores the clear columns.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import migrations, models
from django.utils import timezone

AAD = "incidents.incident"
FIELDS = ("description", "reporter_name", "reporter_email")


def seal_existing(apps: Any, schema_editor: Any) -> None:
    from privacydesk.vault import crypto

    incident = apps.get_model("incidents", "Incident")
    now = timezone.now()
    for row in incident.objects.all().iterator():
        value = json.dumps({f: getattr(row, f) or "" for f in FIELDS}, ensure_ascii=False)
        # Sealed as fields were before envelope encryption (under the keyring's key; the
        # vault's migration 0002, which runs after this one, wraps that key as a data key).
        row.key_id, row.ciphertext = crypto.seal_bytes(value.encode("utf-8"), aad=AAD)
        if row.status == "closed":
            row.closed_at = now
        row.save(update_fields=["key_id", "ciphertext", "closed_at"])


def unseal_existing(apps: Any, schema_editor: Any) -> None:
    from privacydesk.vault import crypto

    incident = apps.get_model("incidents", "Incident")
    for row in incident.objects.exclude(key_id="").iterator():
        data = json.loads(crypto.unseal_bytes(row.key_id, bytes(row.ciphertext), aad=AAD))
        for f in FIELDS:
            setattr(row, f, data.get(f, ""))
        row.save(update_fields=list(FIELDS))


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0002_incident_authority_reference_incident_reported_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="key_id",
            field=models.CharField(db_index=True, default="", editable=False, max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="incident",
            name="ciphertext",
            field=models.BinaryField(default=b"", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="incident",
            name="closed_at",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="incident",
            name="reporter_cleared_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(seal_existing, unseal_existing),
        migrations.RemoveField(model_name="incident", name="description"),
        migrations.RemoveField(model_name="incident", name="reporter_name"),
        migrations.RemoveField(model_name="incident", name="reporter_email"),
    ]
