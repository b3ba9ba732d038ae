"""Envelope encryption (Sec1): the `DataKey` table, and the keys that sealed fields before.

Until now a sealed row's `key_id` named a keyring key that encrypted the field directly.
Each such key that some row still names is stored here as a retired data key of purpose
"legacy", under the same id and wrapped by the current keyring key, so every existing
ciphertext opens unchanged; no field is rewritten. New values are sealed under new data
keys; `privacydesk keys reencrypt` moves the old ones when wanted.

Going back is refused once a field is sealed under a new data key (the old scheme could not
open it); with only legacy keys it just drops the table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import migrations, models

LEGACY = "legacy"


def _sealed_models(apps: Any) -> list[Any]:
    return [m for m in apps.get_models()
            if {"key_id", "ciphertext"} <= {f.name for f in m._meta.concrete_fields}]


def _key_ids(apps: Any, alias: str) -> set[str]:
    used: set[str] = set()
    for model in _sealed_models(apps):
        used.update(model._base_manager.using(alias).exclude(key_id="").order_by()
                    .values_list("key_id", flat=True).distinct())
    return used


def wrap_legacy_keys(apps: Any, schema_editor: Any) -> None:
    from privacydesk.vault import datakeys, keyring

    alias = schema_editor.connection.alias
    used = _key_ids(apps, alias)
    if not used:
        return  # a new database: nothing was sealed, no key is needed
    ring = keyring.get()  # VaultError without keys: the migration stops, nothing changes
    data_key = apps.get_model("vault", "DataKey")
    now = datetime.now(UTC)
    # A row under a key the keyring does not hold could not be opened before either;
    # `privacydesk check` (Sec1) names such rows.
    for key_id in sorted(used & set(ring.keys)):
        kek_id, wrapped = ring.wrap(ring.keys[key_id], aad=datakeys.wrap_aad(key_id, LEGACY))
        data_key.objects.using(alias).create(id=key_id, purpose=LEGACY, kek_id=kek_id,
                                             wrapped=wrapped, created_at=now, retired=True)
    datakeys.reset()


def refuse_if_enveloped(apps: Any, schema_editor: Any) -> None:
    alias = schema_editor.connection.alias
    data_key = apps.get_model("vault", "DataKey")
    new = set(data_key.objects.using(alias).exclude(purpose=LEGACY)
              .values_list("id", flat=True))
    if new & _key_ids(apps, alias):
        raise RuntimeError("fields are sealed under data keys, which the previous scheme "
                           "cannot open: restore a backup taken before this migration instead")


class Migration(migrations.Migration):

    dependencies = [
        ("vault", "0001_initial"),
        # Every app whose sealed rows exist at this point, so their key ids are all seen.
        ("incidents", "0003_sealed_reporter_and_retention"),
        ("register", "0002_sealed_key_id_unindexed"),
        ("requests", "0002_channel_letter_phone_in_person"),
        ("staff", "0003_tokens_without_expiry_expire"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataKey",
            fields=[
                ("id", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("purpose", models.CharField(max_length=100)),
                ("kek_id", models.CharField(max_length=40)),
                ("wrapped", models.BinaryField()),
                ("created_at", models.DateTimeField()),
                ("retired", models.BooleanField(default=False)),
            ],
            options={
                "indexes": [models.Index(fields=["purpose", "retired"],
                                         name="vault_datakey_current")],
            },
        ),
        migrations.RunPython(wrap_legacy_keys, refuse_if_enveloped),
    ]
