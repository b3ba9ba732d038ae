"""`privacydesk access …`: the CA for the servers, the revocation list, the grants (A2).

Thin: every command delegates to access.ca / access.grants.
"""

from __future__ import annotations

from pathlib import Path

import click


def _setup() -> None:
    from privacydesk.cli import _django

    _django()


@click.group()
def access() -> None:
    """Server access: CA public key, revocation list (KRL), grants."""


@access.command("ca")
def ca_command() -> None:
    """Print the CA public key (for the servers' TrustedUserCAKeys); made on first use."""
    _setup()
    from privacydesk.access import ca

    try:
        click.echo(ca.ca_public_key())
    except ca.CaError as exc:
        raise click.ClickException(str(exc))


@access.command("krl")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Write the KRL here (for the servers' RevokedKeys); replaced atomically.")
def krl_command(output: Path) -> None:
    """Write the revocation list of every revoked certificate serial."""
    _setup()
    from privacydesk.access import grants

    grants.export_krl(output)
    click.echo(f"{len(grants.revoked_serials())} revoked serial(s) written to {output}",
               err=True)


@access.command("list")
@click.option("--all", "show_all", is_flag=True, help="Also expired and revoked grants.")
def list_command(show_all: bool) -> None:
    """List grants: id, serial, principal, server, requester, approver, window, state."""
    _setup()
    from django.utils import timezone

    from privacydesk.access.models import Grant

    now = timezone.now()
    rows = Grant.objects.select_related("request", "request__server")
    if not show_all:
        rows = rows.filter(revoked_at__isnull=True, valid_before__gt=now)
    for g in rows[:1000]:
        state = "revoked" if g.revoked_at else "active" if g.is_active(now) else "expired"
        click.echo("\t".join([g.key_id, str(g.serial), g.principal, g.request.server.host,
                              g.request.requested_by, g.request.decided_by,
                              g.valid_after.isoformat(), g.valid_before.isoformat(), state]))


@access.command("record-use")
@click.option("--serial", required=True, type=int)
@click.option("--host", required=True)
def record_use_command(serial: int, host: str) -> None:
    """Record that certificate SERIAL was used to log in on HOST (for a local login hook;
    remote servers use POST /api/v1/access/uses with a token)."""
    _setup()
    from privacydesk.access import grants
    from privacydesk.policy.errors import RuleViolation

    class _System:
        @staticmethod
        def get_username() -> str:
            return "system"

    try:
        grants.record_use(serial, host, _System())
    except RuleViolation as exc:
        raise click.ClickException(str(exc))


@access.command("prune")
def prune_command() -> None:
    """Delete grants and requests past the policy's security retention rule (R1)."""
    _setup()
    from privacydesk.access import grants

    click.echo(f"{grants.prune_expired()} access request(s) deleted")
