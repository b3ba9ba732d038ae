"""Run the `privacydesk` console script inside a test, as a person at a terminal would.

`run_privacydesk("keys", "rotate")` calls privacydesk.cli.main with those arguments and
returns the exit status and what the command wrote: standard output and standard error
apart, and both together in the order written (`output`, what a terminal shows). The
commands keep the database connection open, so this works inside a test's transaction.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

from privacydesk.cli import main


class _Tee(io.StringIO):
    """A stream that also copies what it is given to a shared one (the terminal)."""

    def __init__(self, terminal: io.StringIO) -> None:
        super().__init__()
        self._terminal = terminal

    def write(self, text: str) -> int:
        self._terminal.write(text)
        return super().write(text)


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str
    output: str


def run_privacydesk(*args: str) -> Outcome:
    """`privacydesk ARGS…`: its exit status and output. Exceptions other than the exit
    propagate (a traceback is a defect the test should show)."""
    terminal = io.StringIO()
    out, err = _Tee(terminal), _Tee(terminal)
    code: int | str | None = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as stop:
            code = stop.code
    if isinstance(code, str):   # sys.exit("message"): the message on stderr, status 1
        terminal.write(code)
        code = 1
    return Outcome(code or 0, out.getvalue(), err.getvalue(), terminal.getvalue())
