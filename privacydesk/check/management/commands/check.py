"""`privacydesk check`: every promise of the policy verified on the live data (thin over
privacydesk.check).

The name is Django's too (its system check framework). `privacydesk check` keeps
privacydesk's meaning; Django's options (--deploy, --tag, --list-tags, --fail-level,
--database) hand the run to Django's system checks, and `privacydesk djangocheck` is
Django's command whole (#14.4, docs/architecture.md). Django's test runner calls
`check` with `databases`: that goes to Django's too.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser
from django.core.management.commands.check import Command as DjangoCheck

from privacydesk.console.command import PrivacydeskCommand

#: The options that make `privacydesk check` Django's system check.
_DJANGO_OPTIONS = ("deploy", "tags", "list_tags", "fail_level", "databases")


class Command(PrivacydeskCommand):
    help = ("Verify every promise of the policy on the live data; exit status 1 if any "
            "fails. With --deploy, --tag, --list-tags, --fail-level or --database: Django's "
            "system checks instead (as `privacydesk djangocheck`).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", dest="fmt", choices=["table", "json", "md"],
                            default="table", help="(default: table)")
        parser.add_argument("--pdf", dest="pdf_path", metavar="FILE",
                            help="Also write the report as a PDF to this file.")
        parser.add_argument(
            "--only", action="append", default=[], metavar="ID",
            help="Check only this promise id or systems' line id (repeatable), e.g. --only C3 "
                 "--only systems-declared.")
        django = parser.add_argument_group(
            "Django's system checks", "Any of these runs Django's system check framework "
                                      "(as `privacydesk djangocheck`), not the promises.")
        django.add_argument("--deploy", action="store_true",
                            help="Check deployment settings.")
        django.add_argument("--tag", "-t", action="append", dest="tags", metavar="TAG",
                            help="Run only checks labeled with given tag.")
        django.add_argument("--list-tags", action="store_true", help="List available tags.")
        django.add_argument("--fail-level",
                            choices=["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"],
                            help="Message level that makes the exit status non-zero "
                                 "(Django's default: ERROR).")
        django.add_argument("--database", action="append", dest="databases", metavar="ALIAS",
                            help="Run database related checks against these aliases.")

    def handle(self, *args: Any, fmt: str = "table", pdf_path: str | None = None,
               only: list[str] | None = None, **options: Any) -> None:
        chosen = {name: options[name] for name in _DJANGO_OPTIONS if options.get(name)}
        if chosen:
            call_command(DjangoCheck(), *args, stdout=self.stdout._out,
                         stderr=self.stderr._out, **chosen)
            return
        from privacydesk.check import any_failed, report, run_checks
        from privacydesk.check.systems import line_ids, run_system_lines

        # --only takes promise ids and the systems' line ids (#16); without it, all of both.
        only = only or []
        line_only = [o for o in only if o in line_ids()]
        promise_only = [o for o in only if o not in line_only]
        try:
            results = run_checks(promise_only or None) if promise_only or not only else []
        except ValueError as exc:
            raise self.usage_error(str(exc))
        lines = run_system_lines(line_only if only else None)
        self.echo(report.render(results, fmt, lines=lines))
        if pdf_path:
            report.write_pdf(results, pdf_path, lines=lines)
            self.echo(f"PDF report written to {pdf_path}", err=True)
        if any_failed([*results, *lines]):
            raise SystemExit(1)
