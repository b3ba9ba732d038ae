"""`privacydesk backup create|restore|list`: encrypted backups (thin over retention.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand, existing_file


class Command(PrivacydeskCommand):
    help = "Encrypted backups; a restore re-applies later erasures and deletions."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = self.subcommands(parser)
        commands.add_parser(
            "create", help="Write an encrypted backup of the whole database.",
            description="Write an encrypted backup of the whole database to the backup "
                        "folder.")
        restore = commands.add_parser(
            "restore", help="Replace the database by FILE, then re-apply every erasure and "
                            "deletion since.",
            description="Replace the database by FILE, then re-apply every erasure and "
                        "deletion since.")
        restore.add_argument("file", metavar="FILE", type=existing_file)
        restore.add_argument("--yes", action="store_true",
                             help="Do not ask; the current database is replaced.")
        commands.add_parser("list", help="The backups, newest first, and when each expires.",
                            description="The backups, newest first, and when each expires.")

    def sub_create(self, **_: Any) -> None:
        from privacydesk.retention import backup as backups

        record = backups.create(progress=True)
        self.echo(f"backup {record.generation}: {record.file_name} "
                  f"(expires {record.expires_on})")

    def sub_restore(self, file: str, yes: bool, **_: Any) -> None:
        from privacydesk.retention import backup as backups

        if not yes and not self._confirm(
                "This replaces every table of the database. Continue? [y/N]: "):
            raise self.fail("Aborted!")
        report = backups.restore(Path(file), progress=True)
        self.echo(f"restored {report.objects} rows of backup {report.generation}; "
                  f"re-applied {report.erasures} erasures and {report.receipts} deletions; "
                  f"swept {report.swept} more data")

    def sub_list(self, **_: Any) -> None:
        from privacydesk.retention.models import BackupRecord

        for b in BackupRecord.objects.order_by("-generation"):
            state = (f"deleted {b.deleted_at:%Y-%m-%d}" if b.deleted_at
                     else f"expires {b.expires_on}")
            self.echo(f"{b.generation:>5}  {b.taken_at:%Y-%m-%d %H:%M}  {b.file_name}  {state}")

    def _confirm(self, question: str) -> bool:
        """Ask on the terminal; only y or yes goes on (no answer, end of input: no)."""
        self.echo(question, nl=False)
        try:
            answer = input()
        except EOFError:
            return False
        return answer.strip().lower() in ("y", "yes")
