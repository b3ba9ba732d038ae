"""The `privacydesk` console script: a thin entry point over Django's management commands.

Every command is a management command of the app that owns it
(`privacydesk/<app>/management/commands/`, sharing privacydesk.console.command),
so Django's own work too: `privacydesk migrate`, `shell`, `dbshell`, `showmigrations`.
`privacydesk check` verifies the policy's promises; Django's system checks run as
`privacydesk check --deploy` or `privacydesk djangocheck` (docs/architecture.md).
Nothing imports this module; pyproject.toml's console-script entry calls `main`.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Sequence

from django.core.management import ManagementUtility, get_commands, load_command_class

_SETTINGS = "privacydesk.project.settings"
_SUMMARY = "privacydesk: makes a company's privacy statement true in software, and proves it."
_NOTES = """\
`privacydesk check` verifies every promise of the policy; Django's system checks run as
`privacydesk check --deploy` (or --tag, --list-tags, --fail-level, --database) or as
`privacydesk djangocheck`. `privacydesk help COMMAND` or `privacydesk COMMAND --help`
shows a command's options."""


class _Utility(ManagementUtility):
    """Django's utility with privacydesk's overview: its own commands first, one line each."""

    def main_help_text(self, commands_only: bool = False) -> str:
        if commands_only:
            return super().main_help_text(commands_only=True)
        ours, django = [], []
        for name, app in sorted(get_commands().items()):
            if app.startswith("privacydesk."):
                summary = load_command_class(app, name).help.split(". ")[0].rstrip(".") + "."
                ours.append(f"  {name:<14}{summary}")
            else:
                django.append(name)
        return "\n".join([
            f"Usage: {self.prog_name} COMMAND [OPTIONS] [ARGS]...", "", f"  {_SUMMARY}", "",
            "Commands:", *ours, "", "Django's commands (`privacydesk help NAME`):",
            *textwrap.wrap(" ".join(django), 88, initial_indent="  ", subsequent_indent="  ",
                           break_on_hyphens=False), "", _NOTES])


def main(argv: Sequence[str] | None = None) -> None:
    """Run `privacydesk ARGV…` (default: the process's arguments); exits with the status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--version"]:
        from privacydesk.console.command import privacydesk_version

        print(f"privacydesk, version {privacydesk_version()}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", _SETTINGS)
    from privacydesk.project.config import ConfigError

    try:
        _Utility(["privacydesk", *args]).execute()
    except ConfigError as exc:
        # The settings read the environment: the variable and the rule, exit status 2.
        print(f"Error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
