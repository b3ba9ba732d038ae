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
from privacydesk.exports.pdf import DASHES, latin1
from privacydesk.policy.active import get_policy

FORMATS = ("table", "json", "md")


def totals(results: Sequence[CheckResult]) -> dict[str, int]:
    """How many results have each status, every status present (0 too), in STATUSES order:
    pass, idle, warn, fail, not-verifiable."""
    counts = Counter(r.status for r in results)
    return {status: counts.get(status, 0) for status in STATUSES}


def summary_line(results: Sequence[CheckResult], noun: str = "promise") -> str:
    """"32 promises: 20 pass, 5 idle, 1 warn, 0 fail, 6 not-verifiable" — idle (nothing to
    check yet) is counted apart from pass, so an empty register never reads as proven.
    `noun` "line" for the systems' lines (privacydesk.check.systems)."""
    counts = ", ".join(f"{n} {status}" for status, n in totals(results).items())
    return f"{len(results)} {noun if len(results) == 1 else noun + 's'}: {counts}"


def as_table(results: Sequence[CheckResult], noun: str = "promise") -> str:
    """An aligned text table: promise (or line id), status, summary; details indented."""
    width = max([len(r.promise) for r in results] + [7])
    lines = [f"{noun:<{width}}  {'status':<14}  summary",
             f"{'-' * width}  {'-' * 14}  {'-' * 40}"]
    for r in results:
        lines.append(f"{r.promise:<{width}}  {r.status:<14}  {r.summary}")
        lines += [f"{'':<{width}}  {'':<14}    - {d}" for d in r.details]
    lines.append(f"summary: {summary_line(results, noun)}")
    return "\n".join(lines)


def as_json(results: Sequence[CheckResult], at: datetime | None = None,
            lines: Sequence[CheckResult] = ()) -> str:
    """The results; the systems' `lines` (if any) apart under "lines", with their own
    "lines_totals" and "lines_summary"."""
    document: dict[str, object] = {
        "controller": get_policy().controller.name,
        "checked_at": (at or timezone.now()).isoformat(),
        "totals": totals(results), "summary": summary_line(results),
        "results": [r.as_dict() for r in results]}
    if lines:
        document.update(lines=[r.as_dict() for r in lines], lines_totals=totals(lines),
                        lines_summary=summary_line(lines, "line"))
    return json.dumps(document, ensure_ascii=False, indent=2)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(results: Sequence[CheckResult], at: datetime | None = None,
                lines: Sequence[CheckResult] = ()) -> str:
    """A heading, the summary, a table and the details; the systems' `lines` after it."""
    when = (at or timezone.now()).strftime("%Y-%m-%d %H:%M")
    out = [f"# privacydesk check — {get_policy().controller.name}", "",
           f"Checked at {when}: {summary_line(results)}.", "", *_md_table(results, "promise")]
    if lines:
        out += ["", f"Systems: {summary_line(lines, 'line')}.", "", *_md_table(lines, "line")]
    return "\n".join(out) + "\n"


def _md_table(results: Sequence[CheckResult], noun: str) -> list[str]:
    out = [f"| {noun} | status | summary |", "|---|---|---|"]
    out += [f"| {r.promise} | {r.status} | {_md_cell(r.summary)} |" for r in results]
    for r in results:
        if r.details:
            out += ["", f"## {r.promise}: {_md_cell(r.title or r.summary)}", ""]
            out += [f"- {_md_cell(d)}" for d in r.details]
    return out


def render(results: Sequence[CheckResult], fmt: str = "table",
           lines: Sequence[CheckResult] = ()) -> str:
    """`results` in `fmt` (table | json | md) with the systems' `lines` (#16): in the table
    before the promises, so the report still ends with the promises' summary line; in JSON
    and Markdown after them. ValueError for another format."""
    if fmt == "table":
        tables = [as_table(lines, "line")] if lines else []
        return "\n\n".join(tables + ([as_table(results)] if results or not lines else []))
    if fmt == "json":
        return as_json(results, lines=lines)
    if fmt == "md":
        return as_markdown(results, lines=lines)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def write_pdf(results: Sequence[CheckResult], path: str | Path,
              at: datetime | None = None, lines: Sequence[CheckResult] = ()) -> Path:
    """Write the report as a PDF to `path` and return the path; the systems' `lines`
    follow the promises under their own summary."""
    from fpdf import FPDF  # slow to import: only when a PDF is asked for

    when = (at or timezone.now()).strftime("%Y-%m-%d %H:%M")
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    def write(text: str, height: float, style: str = "", size: float = 10) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(0, height, latin1(text, DASHES), new_x="LMARGIN", new_y="NEXT")

    write(f"privacydesk check - {get_policy().controller.name}", 8, "B", 15)
    write(f"Checked at {when}: {summary_line(results)}.", 6)
    pdf.ln(3)
    if lines:
        write(f"Systems: {summary_line(lines, 'line')}.", 6)
        pdf.ln(3)
    for r in [*results, *lines]:
        write(f"{r.promise}  [{r.status}]  {r.title}", 6, "B", 11)
        write(r.summary, 5)
        for detail in r.details:
            write(f"  - {detail}", 5)
        pdf.ln(2)
    target = Path(path)
    pdf.output(str(target))
    return target
