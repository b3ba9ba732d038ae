"""What privacydesk remembers about the company's other systems (#16)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from privacydesk.vault.models import SealedMixin


class SystemScan(models.Model):
    """One run of `privacydesk systems scan NAME`: when, how many values were sampled, and
    what the detectors found per place. `findings` is a list of {"where", "detector",
    "count", "category", "allowed"} dicts with counts only, never a value (C2: the scan must
    not become a second copy of the data). `breaches` counts findings of a category the
    policy does not allow in that system or for its roles (C2–C5); `proposal` is the
    proposed dataset declaration (TOML); `error` a connector error's kind and safe message."""

    system = models.CharField(max_length=64, db_index=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    sampled = models.PositiveIntegerField(default=0)
    findings = models.JSONField(default=list)
    breaches = models.PositiveIntegerField(default=0)
    proposal = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)
    started_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.system} {self.started_at:%Y-%m-%d %H:%M}"


class SystemTask(SealedMixin):
    """What one data-subject request asked of one declared system (#16.3): find, export,
    erase or correct, with its own status, tries and outcome.

    A request sits above the systems app, so a task names its request by uid and reference
    (VZ-…) and its person by pseudonymous ref, never by a foreign key. The sealed secret is
    the `Subject` the connector searches by (JSON; names and addresses, so sealed, Sec1),
    kept only while the task may still run and cleared when it has settled. `error` holds a
    ConnectorError's kind and its redacted message, never a credential (#16.2). For a manual
    task (`connector = "manual"`, Art. 12(3)): the owner role, the request's deadline, and
    who confirmed what was done and when. `resolution`: why staff sent an access answer
    without this system (Rt1: a system that could not be reached blocks sending until it is
    retried successfully or this is recorded)."""

    FIND, EXPORT, ERASE, CORRECT = "find", "export", "erase", "correct"
    # R1 (#16.3, systems.retaining): a system's retention sweep state; a review by hand.
    RETAIN, REVIEW = "retain", "review"
    ACTIONS = ((FIND, _("find")), (EXPORT, _("export")), (ERASE, _("erase")),
               (CORRECT, _("correct")), (RETAIN, _("retention sweep")),
               (REVIEW, _("retention review")))

    QUEUED = "queued"          # waiting for the task queue
    RUNNING = "running"
    RETRYING = "retrying"      # failed, another try is queued
    FAILED = "failed"          # out of tries, or a search that could not reach the system
    DONE = "done"
    KEPT = "kept"              # archive-only (R3): the law keeps it there; reason in `detail`
    MANUAL = "manual"          # waiting for the owner role to do it and confirm
    CONFIRMED = "confirmed"    # a manual task, confirmed by its owner
    RESOLVED = "resolved"      # staff recorded why the answer goes without this system
    NOT_CONNECTED = "not_connected"   # declared, no connection here: shown, never blocks
    STATUSES = ((QUEUED, _("queued")), (RUNNING, _("running")), (RETRYING, _("retrying")),
                (FAILED, _("failed")), (DONE, _("done")), (KEPT, _("kept by law")),
                (MANUAL, _("waiting for its owner")), (CONFIRMED, _("confirmed")),
                (RESOLVED, _("answered without it")), (NOT_CONNECTED, _("not connected")))
    #: A task in one of these keeps its request from being reported done (Rt1, Rt3).
    OPEN = (QUEUED, RUNNING, RETRYING, FAILED, MANUAL)
    #: What an erasure's receipt can state as settled.
    SETTLED = (DONE, KEPT, CONFIRMED, NOT_CONNECTED, RESOLVED)

    request_uid = models.UUIDField(db_index=True)
    request_ref = models.CharField(max_length=16)
    person_ref = models.CharField(max_length=64, blank=True, db_index=True)
    system = models.CharField(max_length=64)
    action = models.CharField(max_length=8, choices=ACTIONS)
    status = models.CharField(max_length=16, choices=STATUSES, default=QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)   # "<kind>: <redacted message>"
    error_kind = models.CharField(max_length=16, blank=True)
    found = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)          # erased, corrected, exported
    kept = models.PositiveIntegerField(default=0)
    detail = models.JSONField(default=dict)   # counts per kind/action, reasons: never values
    # The re-search after an erasure (Rt3): records still found, and when it ran.
    remaining = models.PositiveIntegerField(null=True, blank=True)
    researched_at = models.DateTimeField(null=True, blank=True)
    # Manual tasks: the [staff_roles] id that owns the system, and the request's deadline.
    owner_role = models.CharField(max_length=64, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.CharField(max_length=150, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation = models.CharField(max_length=300, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["request_uid", "system", "action"],
                                               name="systems_task_one_per_request")]

    def __str__(self) -> str:
        return f"{self.request_ref} {self.system} {self.action} ({self.status})"

    def sealed_aad(self) -> str:
        # Bound to its request: a subject copied to another request's task does not open.
        return f"systems.systemtask:{self.request_uid}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
