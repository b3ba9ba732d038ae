"""What the systems app refuses on a task reads in Dutch for Dutch staff (#15, #16.3): the
owner confirming a manual task, staff retrying an erasure or answering without a system —
found in the source (every RuleViolation of tasks.py and erasing.py), not listed by hand,
and shown on the task page as the owner reads it.
"""

from __future__ import annotations

import ast
import uuid
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from privacydesk.systems.models import SystemTask

SOURCES = Path(__file__).resolve().parents[2] / "privacydesk" / "systems"


def _messages() -> list[tuple[str, str]]:
    """(where, message) of every RuleViolation in tasks.py and erasing.py; a message must
    be a literal marked with gettext_noop, or a module constant holding one."""
    found = []
    for name in ("tasks.py", "erasing.py"):
        src = (SOURCES / name).read_text("utf-8")
        tree = ast.parse(src)
        consts = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign)
                  for t in n.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call)
                    and getattr(node.func, "id", "") == "RuleViolation"):
                continue
            text = node.args[2]
            if isinstance(text, ast.Name):
                text = consts[text.id]
            where = f"{name}:{node.lineno}"
            assert (isinstance(text, ast.Call) and getattr(text.func, "id", "")
                    == "gettext_noop"), f"{where}: mark the message with gettext_noop"
            message = ast.literal_eval(text.args[0])
            found.append((where, message))
    return found


MESSAGES = _messages()


def test_the_walk_finds_the_refusals_of_tasks_and_erasures():
    assert len(MESSAGES) >= 8
    assert ("only a failed erasure is retried" in {m for _, m in MESSAGES})


@pytest.mark.parametrize(("where", "message"), MESSAGES, ids=[w for w, _ in MESSAGES])
def test_every_refusal_of_a_system_task_reads_in_dutch(where, message):
    with translation.override("nl"):
        assert gettext(message) != message, f"{where}: {message!r} shows in English"


def test_the_owner_confirming_annas_erasure_without_words_is_told_in_dutch(staff_client):
    now = timezone.now()
    task = SystemTask.objects.create(
        request_uid=uuid.uuid4(), request_ref="VZ-ANNA0001", person_ref="anna-ref",
        system="paper-archive", action=SystemTask.ERASE, status=SystemTask.MANUAL,
        owner_role="privacy_officer", created_at=now, updated_at=now)
    page = staff_client("privacy_officer").post(
        f"/staff/systems/tasks/{task.pk}/", {"confirmation": ""}, follow=True,
        HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "zeg wat er is gedaan (of waarom niet)" in page
    task.refresh_from_db()
    assert task.status == SystemTask.MANUAL   # nothing recorded
