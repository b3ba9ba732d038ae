"""`privacydesk import persons FILE --map MAP.toml [--dry-run]`: persons from another
system's CSV or XLSX file (thin over register.importing, #16.4)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand, existing_file
from privacydesk.policy.errors import PrivacydeskError

#: How many refused rows are listed in full; the rest are counted.
_LISTED = 200


class Command(PrivacydeskCommand):
    help = "Import persons into the register from a CSV or XLSX file, through every rule."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = self.subcommands(parser)
        persons = commands.add_parser(
            "persons", help="Persons, their role and data from a CSV or XLSX file.",
            description="Import persons from FILE (.csv: UTF-8 with or without BOM, `;` or "
                        "`,`; .xlsx: the first sheet) as the map file says (docs/import.md). "
                        "Every row passes the register's rules (C1-C5, P3, formats); a "
                        "refused row is listed with its row number, column and rule and the "
                        "other rows go on. Importing the same file again changes nothing; a "
                        "changed row updates the person. One transaction: interrupted, "
                        "nothing stays. Exit status 1 when a row was refused.")
        persons.add_argument("file", metavar="FILE", type=existing_file,
                             help="the .csv or .xlsx file; its first row names the columns")
        persons.add_argument("--map", dest="map_file", metavar="MAP.toml", required=True,
                             type=existing_file, help="which column becomes which field")
        persons.add_argument("--dry-run", action="store_true",
                             help="check every row and write nothing")
        persons.add_argument("--no-progress", action="store_true",
                             help="no progress bar on standard error")

    def sub_persons(self, file: str, map_file: str, dry_run: bool, no_progress: bool,
                    **_: Any) -> None:
        from privacydesk.register import importing

        try:
            imap = importing.load_map(map_file)
            report = importing.import_persons(file, imap, dry_run=dry_run,
                                              progress=not no_progress)
        except KeyboardInterrupt:
            raise self.fail("interrupted: nothing of this import was stored") from None
        except PrivacydeskError as exc:
            raise self.usage_error(str(exc)) from None
        for refusal in report.refused[:_LISTED]:
            self.echo(f"refused: {refusal}")
        if len(report.refused) > _LISTED:
            self.echo(f"refused: … and {len(report.refused) - _LISTED} more rows")
        would = "dry run, nothing written: would have " if dry_run else ""
        self.echo(f"{report.file}: {report.rows} rows; {would}created {report.created}, "
                  f"updated {report.updated}, unchanged {report.unchanged}, "
                  f"refused {len(report.refused)}")
        if report.refused:
            raise self.fail(f"{len(report.refused)} of {report.rows} rows were refused "
                            "(listed above); the other rows were "
                            + ("checked" if dry_run else "imported"))
