"""The base of every privacydesk management command (`privacydesk <command>`, #14.4).

Each app owns its commands (`privacydesk/<app>/management/commands/<name>.py`); they share
this class, not the console script (privacydesk/cli.py), so no app imports the CLI. The
class keeps the promises the commands make together:

- an error ends the command with one line `Error: <what, naming the option or the
  variable and the rule>` on standard error and exit status 1 (`usage_error`: 2);
- a database without its tables ends it with "run `privacydesk migrate` first", not a
  traceback about a missing table (#13, 5.11);
- `--version` names privacydesk's version, not Django's;
- no system checks before a command (`privacydesk djangocheck` runs them on request), and
  the database connections stay open afterwards, so a test can run a command inside its
  transaction.

Group commands (`privacydesk keys rotate`) add argparse subparsers with `subcommands()`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    SystemCheckError,
    handle_default_options,
)

from privacydesk.policy.errors import PrivacydeskError

#: The sentence for a database without (all of) its tables (#13, 5.11).
MIGRATE_FIRST = ("the database is not set up or not up to date: run `privacydesk migrate` "
                 "first")


def privacydesk_version() -> str:
    """The installed privacydesk's version ("unknown" in a source tree without metadata)."""
    try:
        return version("privacydesk")
    except PackageNotFoundError:
        return "unknown"


def unmigrated() -> bool:
    """True when the database lacks applied migrations (or cannot be asked)."""
    try:
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except Exception:  # no database at all: nothing to say about migrations
        return False


class PrivacydeskCommand(BaseCommand):
    """A privacydesk command: see the module's docstring for what every one promises."""

    requires_system_checks: list[str] = []  # type: ignore[assignment]

    def get_version(self) -> str:
        return privacydesk_version()

    # -- running -------------------------------------------------------------------------

    def run_from_argv(self, argv: list[str]) -> None:
        """As Django's, with privacydesk's error line and without closing the connections
        (the process ends right after; a test's transaction must survive)."""
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        options = parser.parse_args(argv[2:])
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        handle_default_options(options)
        try:
            self.execute(*args, **cmd_options)
        except CommandError as exc:
            if options.traceback:
                raise
            if isinstance(exc, SystemCheckError):
                self.stderr.write(str(exc), lambda x: x)
            else:
                self.stderr.write(f"Error: {exc}", lambda x: x)
            sys.exit(exc.returncode)

    def execute(self, *args: Any, **options: Any) -> Any:
        """As Django's; a refusal (PrivacydeskError: a policy, rule, key or configuration
        error naming its field and rule) ends the command as `fail` does, so the commands
        need not catch it themselves."""
        from django.db import DatabaseError

        try:
            return super().execute(*args, **options)
        except PrivacydeskError as exc:
            raise self.fail(exc) from exc
        except DatabaseError:
            if unmigrated():
                raise CommandError(MIGRATE_FIRST) from None
            raise

    # -- subcommands ---------------------------------------------------------------------

    def subcommands(self, parser: CommandParser) -> Any:
        """The subparsers of a group command; each `add_parser` gets `help` (one line) and
        `description` (the whole text); `options["subcommand"]` names the chosen one."""
        return parser.add_subparsers(dest="subcommand", required=True, metavar="COMMAND",
                                     title="commands")

    def handle(self, *args: Any, **options: Any) -> None:
        """A group command dispatches to its method `sub_<subcommand>` (dashes as _)."""
        name = options.get("subcommand")
        if not name:
            raise NotImplementedError("a command defines handle() or subcommands")
        getattr(self, "sub_" + name.replace("-", "_"))(**options)

    # -- output and errors ---------------------------------------------------------------

    def echo(self, text: str = "", nl: bool = True, err: bool = False) -> None:
        """Write `text` as it is (plus a newline unless nl=False) to stdout or stderr."""
        stream = self.stderr if err else self.stdout
        stream.write(text + ("\n" if nl else ""), lambda x: x, ending="")

    def fail(self, message: object) -> CommandError:
        """The error to raise for a refused request: exit status 1."""
        return CommandError(str(message))

    def usage_error(self, message: str) -> CommandError:
        """The error to raise for bad input that argparse cannot see: exit status 2."""
        return CommandError(message, returncode=2)


# -- argparse types (the message names the rule; argparse adds the option) -----------------

def int_range(minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number within [minimum, maximum]."""

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if (minimum is not None and number < minimum) or (maximum is not None
                                                            and number > maximum):
            low = "" if minimum is None else f"{minimum}<="
            high = "" if maximum is None else f"<={maximum}"
            raise argparse.ArgumentTypeError(f"{number} is not in the range {low}x{high}")
        return number

    return parse


def float_min(minimum: float) -> Callable[[str], float]:
    """An argparse type: a number of at least `minimum`."""

    def parse(text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"{number} is not in the range x>={minimum}")
        return number

    return parse


def existing_file(text: str) -> str:
    """An argparse type: a path naming an existing file."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"file {text!r} does not exist")
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"file {text!r} is a directory")
    return text


def iso_day(text: str) -> date:
    """An argparse type: a date like 2026-12-31."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a date like 2026-12-31") from None
