"""`privacydesk token create|list|revoke`: staff API tokens (thin over staff.tokens)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand, int_range


class Command(PrivacydeskCommand):
    help = "API tokens for staff (Authorization: Bearer …)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = self.subcommands(parser)
        create = commands.add_parser(
            "create", help="Create an API token; it is printed once and stored only as a hash.",
            description="Create an API token; it is printed once and stored only as a hash.")
        create.add_argument("--user", dest="username", required=True, help="Staff username.")
        create.add_argument("--name", default="cli",
                            help="A label for the token. (default: cli)")
        create.add_argument(
            "--days", type=int_range(1, 3650),
            help="Expire after N days (default: the policy's staff_accounts.token_days).")
        listing = commands.add_parser(
            "list", help="Every API token (newest first). Never the secret.",
            description="Every API token (newest first): id, short id, name, account, dates, "
                        "state. Never the secret.")
        listing.add_argument("--user", dest="username", help="Only this staff account's tokens.")
        revoke = commands.add_parser(
            "revoke", help="Revoke the API token with this id (see `token list`).",
            description="Revoke the API token with this id (see `token list`); it is refused "
                        "from now on.")
        revoke.add_argument("token_id", metavar="TOKEN_ID", type=int_range(1))

    def sub_create(self, username: str, name: str, days: int | None, **_: Any) -> None:
        from django.contrib.auth import get_user_model

        from privacydesk.staff.tokens import create_token

        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise self.fail(f"--user: no active staff account named {username!r}")
        self.echo(create_token(user, name, days=days))

    def sub_list(self, username: str | None, **_: Any) -> None:
        from privacydesk.policy import clock
        from privacydesk.staff.tokens import state, visible_tokens

        found = list(visible_tokens(None, username))
        if not found:
            self.echo("no API tokens")
            return
        self.echo("id\tshort id\tname\taccount\tcreated\texpires\tlast used\tstate")
        for t in found:
            days = (clock.day_of(t.created_at), t.expires_at and clock.day_of(t.expires_at),
                    t.last_used_on)
            dates = [day.isoformat() if day else "-" for day in days]
            self.echo("\t".join([str(t.pk), t.short_id, t.name, t.user.username, *dates,
                                 state(t)]))

    def sub_revoke(self, token_id: int, **_: Any) -> None:
        from privacydesk.staff.models import ApiToken
        from privacydesk.staff.tokens import revoke_token

        token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
        if token is None:
            raise self.fail(f"TOKEN_ID: no API token has id {token_id}")
        revoke_token(token, None, actor="cli")
        self.echo(f"revoked token {token.pk} {token.short_id} ({token.name}) of "
                  f"{token.user.username}")
