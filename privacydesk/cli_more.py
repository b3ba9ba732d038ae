"""Further `privacydesk` subcommands (demo, staff, guard …), kept apart to keep cli.py short."""

from __future__ import annotations

import click


def register_more(main: click.Group) -> None:
    """Attach the remaining command groups to the main group."""
    from privacydesk.cli_demo import demo
    from privacydesk.retention.cli import backup, retention

    main.add_command(demo)
    main.add_command(retention)
    main.add_command(backup)
