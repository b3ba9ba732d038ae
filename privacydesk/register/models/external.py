"""Which person of the register a row of another system's file is (#16.4, the import).

`ExternalId` links a person to the id an origin (the accounting package, an old CRM export)
gives them, so importing the same file again finds the same person instead of a new one.
The id itself is not stored: only its blind index (HMAC under the vault's index key), so
the register holds no identifier beyond the categories the statement lists (C2) and still
finds the person by it. `row_digest` (also keyed) tells an unchanged row from a changed one
without decrypting anything; `data` maps each category to the datum id the import wrote.
Deleting the person deletes the link (CASCADE), like every other row of theirs.
"""

from __future__ import annotations

from django.db import models

from privacydesk.register.models.people import Person


class ExternalId(models.Model):
    """The id `origin` gives `person`, as a blind index; one per origin and id."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="external_ids")
    origin = models.CharField(max_length=64)
    key_index = models.CharField(max_length=64)
    row_digest = models.CharField(max_length=64)
    data = models.JSONField(default=dict)  # category -> datum id written by the import
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["origin", "key_index"],
                                    name="register_externalid_unique"),
        ]

    def __str__(self) -> str:
        # Never the id: str() ends up in logs and tracebacks.
        return f"external id #{self.pk} ({self.origin})"
