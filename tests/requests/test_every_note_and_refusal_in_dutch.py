"""#15: every timeline note and every refusal the request services write reads in Dutch for
Dutch staff — found in the source, not listed by hand, so a new note or refusal that the
page would show in English fails here.

The walk reads privacydesk/requests/*.py: every `events.log(..., note=...)`, every answer's
`how` (`actions._answered` / `_done`, the timeline's "answered" note) and every
`RuleViolation(field, rule, message)`. A message or note built from an f-string is filled
with a realistic value for each expression (`VALUES`; an expression not listed there fails
the test, so it cannot slip through unfilled). Each sample is shown as the request page shows
it — a note through `event_note`, a refusal through `_step_refusals.message` — under the
Dutch catalogue, and must not come out as the English it went in as. A note that is only a
staff member's own words (a bare variable) is shown as written by design and not sampled.

A refusal's message held in a module constant marked for the catalogue (`BLOCKED =
gettext_noop(...)`) is read from that constant; a note joined from one line per system
(`"; ".join(f"..." for ...)`, the other systems' notes of _systems.py, #16.3) is sampled as
one line and as two.

Not walked: mailbox.py (configuration errors of `requests fetch-mail`, read by the operator
in the command's output, not on a staff page).
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest
from django.utils import translation

from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import _triage, intake
from privacydesk.requests._step_refusals import message
from privacydesk.requests._systems import BLOCKED
from privacydesk.requests.templatetags.request_notes import event_note

SOURCES = Path(__file__).resolve().parents[2] / "privacydesk" / "requests"
NOT_WALKED = {"mailbox.py"}

#: A realistic value for each expression an f-string note or message holds.
VALUES = {
    "', '.join(REASONS)": "support, sales, invoice, spam, other",
    "', '.join(c.value for c in STAFF_CHANNELS)": "letter, phone, in_person",
    "', '.join(kinds.ALL_KINDS)": "access, rectification, erasure, triage, none",
    "', '.join(kinds.REQUEST_KINDS)": "access, rectification, erasure",
    "', '.join(told) or 'none'": "none",
    "record['by']": "post",
    "MAX_TEXT": "200",
    "category": "phone",
    "channel": "letter",
    "checked": "paspoort gezien aan de balie",
    "datum_id": "37",
    "delivery.kind": "access",
    "how": "postcode",
    "kind": "access",
    "line['remaining'] or 0": "0",
    "line['status']": "done",
    "line['system']": "crm",
    "t.status": "failed",
    "t.system": "crm",
    "note": "onderwerp onleesbaar",
    "old": "erasure",
    "query.describe()": "name, phone",
    "request.days_left(now)": "2",
    "request.kind": "access",
    "request.status": "verified",
    "str(person.ref)[:8]": "1a2b3c4d",
    "sum(d.count for d in receipt.deleted)": "3",
    "sum(k.count for k in receipt.kept)": "1",
    "until": "2026-12-14 10:00",
    "why": "verkoopvraag",
}


def _constants(tree: ast.Module) -> dict[str, ast.AST]:
    """The module's top-level `NAME = gettext_noop(...)` assignments: messages marked for
    the catalogue, which `_step_refusals.message` falls back to. (A plain constant such as
    _picking's is worded by its own page, the picking form, not by the request page.)"""
    return {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", "") == "gettext_noop"
            for target in node.targets if isinstance(target, ast.Name)}


def _filled(node: ast.AST, src: str, consts: dict[str, ast.AST] | None = None
            ) -> list[str] | None:
    """Every text `node` can build, with VALUES for its expressions; None when it is not
    built from literals (a staff member's words, a variable)."""
    if consts is None:
        consts = _constants(ast.parse(src))
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in consts:
        return _filled(consts[node.id], src, consts)
    if (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "join"
            and isinstance(node.func, ast.Attribute)            # "; ".join(f"..." for ...)
            and isinstance(node.func.value, ast.Constant) and len(node.args) == 1
            and isinstance(node.args[0], ast.GeneratorExp)):
        lines = _filled(node.args[0].elt, src, consts) or []
        return [*lines, *(a + node.func.value.value + b for a in lines for b in lines)]
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append([str(value.value)])
                continue
            assert isinstance(value, ast.FormattedValue)
            expr = ast.get_source_segment(src, value.value) or ""
            assert expr in VALUES, f"add a sample value for {expr!r} to VALUES"
            parts.append([repr(VALUES[expr]) if value.conversion == ord("r")
                          else VALUES[expr]])
        return ["".join(p) for p in itertools.product(*parts)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _filled(node.left, src, consts), _filled(node.right, src, consts)
        return [a + b for a in left for b in right] if left and right else left
    if isinstance(node, ast.IfExp):
        return [*(_filled(node.body, src, consts) or []),
                *(_filled(node.orelse, src, consts) or [])]
    if isinstance(node, ast.Subscript):     # note[:300]
        return _filled(node.value, src, consts)
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("gettext_noop",
                                                                         "gettext"):
        return _filled(node.args[0], src, consts)
    return None


def _walk() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(notes, refusals): (where, sample) of every note and refusal message in the sources."""
    notes, refusals = [], []
    for path in sorted(SOURCES.glob("*.py")):
        if path.name in NOT_WALKED:
            continue
        src = path.read_text("utf-8")
        tree = ast.parse(src)
        consts = _constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            where = f"{path.name}:{node.lineno}"
            if name == "log":
                for keyword in node.keywords:
                    if keyword.arg == "note":
                        notes += [(where, s) for s in
                                  _filled(keyword.value, src, consts) or [] if s]
            elif name in ("_answered", "_done") and len(node.args) >= 2:
                how = node.args[1 if name == "_answered" else 2]
                notes += [(where, s) for s in _filled(how, src, consts) or []]
            elif name == "RuleViolation" and len(node.args) >= 3:
                refusals += [(where, s) for s in _filled(node.args[2], src, consts) or []]
    return notes, refusals


NOTES, REFUSALS = _walk()


def test_the_walk_finds_the_notes_and_refusals_of_the_request_services():
    assert len(NOTES) >= 25 and len(REFUSALS) >= 60
    found = {sample for _, sample in NOTES + REFUSALS}
    assert {"person 1a2b3c4d chosen (matched on postcode)",   # _matching: an f-string
            "a access request is not in triage; change its kind with a reason on its "
            "page first",                                       # _triage
            "no data held; told by e-mail",                     # a fixed note
            "crm: done, 0 left; crm: done, 0 left",             # _systems: a line per system
            BLOCKED} <= found                                   # _systems: a constant


@pytest.mark.parametrize(("where", "note"), NOTES, ids=[w for w, _ in NOTES])
def test_every_timeline_note_reads_in_dutch(where, note):
    with translation.override("nl"):
        shown = event_note(note)
    assert shown != note, f"{where}: the timeline shows {note!r} in English"


@pytest.mark.parametrize(("where", "text"), REFUSALS, ids=[w for w, _ in REFUSALS])
def test_every_refusal_reads_in_dutch(where, text):
    with translation.override("nl"):
        shown = message(RuleViolation("field", "rule", text))
    assert shown != text, f"{where}: a refusal shows {text!r} in English"


def test_a_triage_refusal_on_the_page_names_field_message_and_reasons_in_dutch(
        db, staff_client):
    """Closing a triage item as 'other' without words: refused in Dutch, nothing closed."""
    item = intake.file_staff_request(kind="none", name="", email="info@example.nl",
                                     message="", language="nl", actor="olga")
    client = staff_client("privacy_officer")
    page = client.post(f"/staff/requests/{item.uid}/not-a-request/",
                       {"reason": _triage.OTHER, "text": ""}, follow=True,
                       HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert (f"{item.reference}: In uw eigen woorden: zeg in een paar woorden waarom dit geen "
            "verzoek is (de reden &#x27;anders&#x27; vraagt daarom) (regel Rt6)") in page
    bad = client.post(f"/staff/requests/{item.uid}/not-a-request/",
                      {"reason": "holiday"}, follow=True,
                      HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "kies een van de redenen: ondersteuningsvraag" in bad
    item.refresh_from_db()
    assert item.is_open


def test_the_other_systems_lines_of_annas_erasure_read_in_dutch():
    """#16.3: _systems.finish_erasure's note, a line per system, by status label."""
    with translation.override("nl"):
        shown = event_note("olafs-crm: done, 0 left; olafs-mail: failed, 2 left")
        words = event_note("olafs-crm: call back tomorrow")
    assert shown == "olafs-crm: klaar, nog 0 over; olafs-mail: mislukt, nog 2 over"
    assert words == "olafs-crm: call back tomorrow"    # not a status: as written
