"""Render check results as a text table, JSON or Markdown, or write them as a PDF report.

Results carry no personal data by contract (pseudonymous refs and counts only), so every
format may be stored, mailed to the supervisory authority or attached to an audit.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from privacydesk.check.registry import STATUSES, CheckResult
from privacydesk.policy.active import get_policy

FORMATS = ("table", "json", "md")


def totals(results: Sequence[CheckResult]) -> dict[str, int]:
    """How many results have each status, every status present (0 too), in STATUSES order:
    pass, idle, warn, fail, not-verifiable."""
    counts = Counter(r.status for r in results)
    return {status: counts.get(status, 0) for status in STATUSES}


def summary_line(results: Sequence[CheckResult]) -> str:
    """"32 promises: 20 pass, 5 idle, 1 warn, 0 fail, 6 not-verifiable" — idle (nothing to
    check yet) is counted apart from pass, so an empty register never reads as proven."""
    counts = ", ".join(f"{n} {status}" for status, n in totals(results).items())
    return f"{len(results)} {'promise' if len(results) == 1 else 'promises'}: {counts}"


def as_table(results: Sequence[CheckResult]) -> str:
    """An aligned text table: promise, status, summary; details indented below."""
    width = max([len(r.promise) for r in results] + [7])
    lines = [f"{'promise':<{width}}  {'status':<14}  summary",
             f"{'-' * width}  {'-' * 14}  {'-' * 40}"]
    for r in results:
        lines.append(f"{r.promise:<{width}}  {r.status:<14}  {r.summary}")
        lines += [f"{'':<{width}}  {'':<14}    - {d}" for d in r.details]
    lines.append(f"summary: {summary_line(results)}")
    return "\n".join(lines)


def as_json(results: Sequence[CheckResult], at: datetime | None = None) -> str:
    document = {"controller": get_policy().controller.name,
                "checked_at": (at or timezone.now()).isoformat(),
                "totals": totals(results), "summary": summary_line(results),
                "results": [r.as_dict() for r in results]}
    return json.dumps(document, ensure_ascii=False, indent=2)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(results: Sequence[CheckResult], at: datetime | None = None) -> str:
    when = (at or timezone.now()).strftime("%Y-%m-%d %H:%M")
    lines = [f"# privacydesk check — {get_policy().controller.name}", "",
             f"Checked at {when}: {summary_line(results)}.", "",
             "| promise | status | summary |", "|---|---|---|"]
    lines += [f"| {r.promise} | {r.status} | {_md_cell(r.summary)} |" for r in results]
    for r in results:
        if r.details:
            lines += ["", f"## {r.promise}: {_md_cell(r.title or r.summary)}", ""]
            lines += [f"- {_md_cell(d)}" for d in r.details]
    return "\n".join(lines) + "\n"


def render(results: Sequence[CheckResult], fmt: str = "table") -> str:
    """`results` in `fmt` (table | json | md); ValueError for another format."""
    if fmt == "table":
        return as_table(results)
    if fmt == "json":
        return as_json(results)
    if fmt == "md":
        return as_markdown(results)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _latin1(text: str) -> str:
    # The PDF core fonts are Latin-1; typographic dashes and ellipses are folded.
    text = text.replace("—", "-").replace("–", "-").replace("…", "...")
    return text.encode("latin-1", "replace").decode("latin-1")


def write_pdf(results: Sequence[CheckResult], path: str | Path,
              at: datetime | None = None) -> Path:
    """Write the report as a PDF to `path` and return the path."""
    from fpdf import FPDF  # slow to import: only when a PDF is asked for

    when = (at or timezone.now()).strftime("%Y-%m-%d %H:%M")
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, _latin1(f"privacydesk check - {get_policy().controller.name}"),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, _latin1(f"Checked at {when}: {summary_line(results)}."),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for r in results:
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, _latin1(f"{r.promise}  [{r.status}]  {r.title}"),
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 5, _latin1(r.summary), new_x="LMARGIN", new_y="NEXT")
        for detail in r.details:
            pdf.multi_cell(0, 5, _latin1(f"  - {detail}"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    target = Path(path)
    pdf.output(str(target))
    return target
