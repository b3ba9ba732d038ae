"""Who the register knows (S1): persons, organisations and the roles that link them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from privacydesk.policy import clock

if TYPE_CHECKING:
    from privacydesk.register.models.data import Name


class Organisation(models.Model):
    """A company whose representatives the register holds (business data, not personal)."""

    name = models.CharField(max_length=200)
    coc_number = models.CharField("chamber of commerce number", max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A data subject. `ref` is the pseudonymous id used wherever the person is not named.

    Deleting a Person deletes every datum, role and agreement party row of them (CASCADE),
    so erasure cannot leave an orphaned datum behind.
    """

    ref = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # GDPR Art. 18: stored, but not used except as Art. 18(2) allows.
    restricted = models.BooleanField(default=False)
    restricted_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        # Never the name: str() ends up in logs and tracebacks.
        return f"Person {self.ref}"

    def display_name(self) -> str:
        """Return the name from the person's first Name datum, or their ref without one."""
        name: Name | None = self.name_set.order_by("id").first()  # type: ignore[attr-defined]
        return name.full_name() if name is not None else str(self.ref)

    def active_role_kinds(self, on: date | None = None) -> set[str]:
        """Return the kinds of the roles active on `on` (default today)."""
        return set(Role.objects.active_on(on).filter(person=self).values_list("kind", flat=True))


class RoleQuerySet(models.QuerySet["Role"]):
    def active_on(self, on: date | None = None) -> RoleQuerySet:
        """Roles started on or before `on` (today by default) and not ended before it."""
        day = on or clock.today()
        return self.filter(started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day))


class Role(models.Model):
    """A person's relation to the controller; `kind` is a policy role key (S1).

    A "contact" represents an organisation and always names it.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=32)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="roles")
    started_on = models.DateField(default=date.today)
    ended_on = models.DateField(null=True, blank=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["started_on", "id"]
        indexes = [models.Index(fields=["person", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="register_role_ends_after_start"),
            # S1: a representative is a representative OF an organisation.
            models.CheckConstraint(
                condition=~Q(kind="contact") | Q(organisation__isnull=False),
                name="register_role_contact_has_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.started_on}–{self.ended_on or ''})"

    def is_active_on(self, on: date) -> bool:
        return self.started_on <= on and (self.ended_on is None or self.ended_on >= on)
