"""Staff find a request by the name the requester wrote, and older requests by e-mail (#15).

Adds `name_index` (requests.name_words) and fills it, and the e-mail blind index of
migration 0003, for every request whose contact details are still held: requests filed
before those indexes existed were found only by reference or through the register. The
backfill reads `BATCH` rows at a time by primary key (a big table is never loaded whole)
and writes each batch with one bulk update; a request whose details were cleared (R2)
has nothing to index and is left as it is. Reversing drops the column; the e-mail index
is left filled (new requests carry it anyway).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import migrations, models

#: Rows read and written per round.
BATCH = 500
#: The sealed contact's AAD: the model's label (DataSubjectRequest has no owner field).
AAD = "requests.datasubjectrequest"


def fill_indexes(apps: Any, schema_editor: Any) -> None:
    """Give every request with sealed contact details its e-mail and name indexes."""
    from privacydesk.requests import name_words
    from privacydesk.vault import crypto
    from privacydesk.vault.blind import blind_index

    model = apps.get_model("requests", "DataSubjectRequest")
    rows = model.objects.using(schema_editor.connection.alias).filter(
        contact_cleared_at__isnull=True).exclude(key_id="").order_by("pk")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).only(
            "pk", "key_id", "ciphertext", "email_index", "name_index")[:BATCH])
        if not batch:
            return
        changed = []
        for row in batch:
            contact = json.loads(crypto.unseal(row.key_id, row.ciphertext, aad=AAD))
            email = (contact.get("email") or "").strip()
            email_index = blind_index(email, kind="email") if email else ""
            name_index = name_words.name_index(contact.get("name") or "")
            if (row.email_index, row.name_index) != (email_index, name_index):
                row.email_index, row.name_index = email_index, name_index
                changed.append(row)
        model.objects.using(schema_editor.connection.alias).bulk_update(
            changed, ["email_index", "name_index"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("requests", "0003_email_blind_index"),
        # The contact details are opened with data keys (vault.DataKey).
        ("vault", "0002_datakey"),
    ]

    operations = [
        migrations.AddField(
            model_name="datasubjectrequest",
            name="name_index",
            field=models.CharField(blank=True, default="", max_length=204),
        ),
        migrations.RunPython(fill_indexes, migrations.RunPython.noop, elidable=True),
    ]
