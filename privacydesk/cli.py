"""The `privacydesk` console script: a thin click layer that delegates to the services.

Every command that touches the database sets Django up first (`_django()`); configuration
errors end the command with the variable and the rule, exit status 2.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from privacydesk.policy.errors import PrivacydeskError


def _django() -> None:
    """Set Django up from the environment or exit with the configuration error."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "privacydesk.project.settings")
    try:
        import django

        django.setup()
    except PrivacydeskError as exc:
        raise click.ClickException(str(exc))


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


def _unmigrated() -> bool:
    """True when Django is set up and the database lacks applied migrations."""
    try:
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except Exception:  # no Django, no database: nothing to say about migrations
        return False


class _Commands(click.Group):
    """The command group; a database without its tables ends a command with a sentence
    saying to migrate first, not a traceback about a missing table (#13, 5.11)."""

    def invoke(self, ctx: click.Context) -> object:
        from django.db import DatabaseError

        try:
            return super().invoke(ctx)
        except DatabaseError:
            if _unmigrated():
                raise click.ClickException(
                    "the database is not set up or not up to date: run `privacydesk migrate` "
                    "first")
            raise


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="privacydesk")
def main() -> None:
    """privacydesk: makes a company's privacy statement true in software, and proves it."""


@main.command()
def migrate() -> None:
    """Create or update the database tables."""
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--tls", is_flag=True, help="Serve HTTPS (see --cert/--key).")
@click.option("--cert", type=click.Path(dir_okay=False), help="TLS certificate (PEM).")
@click.option("--key", "keyfile", type=click.Path(dir_okay=False), help="TLS key (PEM).")
@click.option("--redirect-port", type=int,
              help="With --tls: also answer plain HTTP on this port with a redirect to HTTPS.")
def serve(host: str, port: int, workers: int, tls: bool, cert: str | None,
          keyfile: str | None, redirect_port: int | None) -> None:
    """Serve the website and back office with gunicorn. No access log (W1)."""
    from privacydesk.server import serve as serving

    if tls:
        os.environ["PRIVACYDESK_SECURE_COOKIES"] = "true"
        if not (cert and keyfile):
            from privacydesk.server import tls as tlsmod

            cert, keyfile = tlsmod.self_signed(Path(os.environ.get("PRIVACYDESK_DATA_DIR", "var")))
            click.echo(f"Using a SELF-SIGNED certificate for local use only: {cert}", err=True)
    _django()
    scheme = "https" if tls else "http"
    click.echo(f"privacydesk on {scheme}://{host}:{port}/ (no access log; Ctrl-C stops)", err=True)
    redirector = None
    if tls and redirect_port:
        import subprocess

        redirector = subprocess.Popen([  # noqa: S603 - our own module, fixed arguments
            sys.executable, "-m", "privacydesk.server.redirect", "--host", host,
            "--port", str(redirect_port), "--https-port", str(port)])
        click.echo(f"plain HTTP on port {redirect_port} redirects to HTTPS", err=True)
    from privacydesk.jobs.worker import start_beside_server

    # The embedded default: the background jobs run in one worker process beside gunicorn,
    # never in a web worker's thread (#14.4).
    background = start_beside_server()
    if background is not None:
        click.echo("background worker started (PRIVACYDESK_SCHEDULER=embedded)", err=True)
    try:
        serving.run(host, port, workers, cert if tls else None, keyfile if tls else None)
    finally:
        for child in (redirector, background):
            if child is not None:
                child.terminate()


@main.command()
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between looks at the queue when it is empty.")
@click.option("--once", is_flag=True, help="Enqueue what is due, run every ready task, exit.")
def worker(interval: float, once: bool) -> None:
    """Run the background jobs: the daily retention sweep, the mailbox and request deadlines,
    the audit anchor, and every queued task. Any number may share one PostgreSQL database."""
    _django()
    from privacydesk.jobs import worker as jobs_worker

    jobs_worker.run(interval=interval, once=once)


@main.command()
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md",
              show_default=True)
@click.option("--policy", "policy_path", type=click.Path(exists=True, dir_okay=False),
              help="Policy TOML; default: $PRIVACYDESK_POLICY or the embedded InFactor policy.")
def statement(lang: str, fmt: str, policy_path: str | None) -> None:
    """Print the privacy statement rendered from the policy."""
    from privacydesk.policy import get_default_policy_path, load_policy, render_statement

    path = policy_path or os.environ.get("PRIVACYDESK_POLICY") or get_default_policy_path()
    try:
        click.echo(render_statement(load_policy(path), lang=lang, fmt=fmt))
    except PrivacydeskError as exc:
        raise _fail(exc)


@main.group()
def policy() -> None:
    """Inspect and validate policy files."""


@policy.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def policy_check(path: str) -> None:
    """Validate a policy TOML file; print the first defect (file, key, rule)."""
    from privacydesk.policy import load_policy

    try:
        loaded = load_policy(path)
    except PrivacydeskError as exc:
        raise _fail(exc)
    click.echo(f"{path}: valid policy for {loaded.controller.name}")


@policy.command("schema")
def policy_schema() -> None:
    """Print a JSON Schema (draft 2020-12) of the policy file, for editors (docs/policy.md)."""
    from privacydesk.policy.schema_render import json_schema_text

    click.echo(json_schema_text(), nl=False)


@policy.command("reference")
def policy_reference() -> None:
    """Print the reference of every policy key as Markdown (the text of docs/policy.md)."""
    from privacydesk.policy.schema_render import reference

    click.echo(reference(), nl=False)


@main.command("config")
@click.option("--markdown", is_flag=True, help="Print the README table of variables.")
def config_cmd(markdown: bool) -> None:
    """Validate the environment and show every setting (secrets hidden)."""
    from privacydesk.project.config import SETTINGS, load_config, markdown_table

    if markdown:
        click.echo(markdown_table())
        return
    try:
        cfg = load_config()
    except PrivacydeskError as exc:
        raise _fail(exc)
    for s in SETTINGS:
        value = cfg[s.name]
        shown = "(set)" if s.secret and value else value
        click.echo(f"{s.name} = {shown}")


@main.group()
def audit() -> None:
    """The tamper-evident audit log."""


@audit.command("verify")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for a long chain (default: one per CPU from 200,000 "
                   "entries; 1: none). The report is the same either way.")
def audit_verify(jobs: int | None) -> None:
    """Walk the audit chain and compare it with its last anchor; report the first broken
    link, or a wipe, truncation or rollback. Exit 1 if broken. An intact chain is anchored
    anew (the anchor file, and the configured append-only places)."""
    _django()
    from privacydesk.vault import anchor
    from privacydesk.vault import audit as chain

    report = chain.verify(progress=sys.stderr.isatty(), jobs=jobs)
    if report.ok:
        compared = f"; matches {report.anchored}" if report.anchored else "; no anchor yet"
        click.echo(f"audit chain intact: {report.checked} entries verified{compared}")
        _anchor_now(anchor.VERIFY)
        return
    click.echo(f"audit chain BROKEN at entry {report.first_broken_seq}: {report.reason} "
               f"({report.checked} entries checked before it)", err=True)
    sys.exit(1)


@audit.command("anchor")
def audit_anchor() -> None:
    """Anchor the audit chain's head now (cron, where the served app's ten-minute anchor
    does not run). Exit 1, writing nothing, if the table no longer holds the last anchor."""
    _django()
    from privacydesk.vault import anchor

    _anchor_now(anchor.MANUAL)


def _anchor_now(reason: str) -> None:
    from privacydesk.vault import anchor

    try:
        written = anchor.refresh(reason)
    except anchor.AnchorRefused as exc:
        click.echo(f"audit chain NOT anchored: {exc.finding.message}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"audit chain NOT anchored: cannot write {anchor.anchor_file()} "
                   f"({type(exc).__name__}: {exc.strerror})", err=True)
        sys.exit(1)
    if written is None:
        click.echo("audit chain NOT anchored: its head is missing or its seal does not "
                   "check (run `privacydesk audit verify`)", err=True)
        sys.exit(1)
    click.echo(f"anchored: {written.describe()} in {anchor.anchor_file()}")


@main.group()
def keys() -> None:
    """Encryption keys: a key-encryption key (KEK) wraps the data keys that seal fields."""


@keys.command("rotate")
@click.option("--no-new-key", is_flag=True,
              help="Do not add a key; re-wrap under the current one (after adding a key to "
                   "PRIVACYDESK_KEYS, or to finish an interrupted run).")
def keys_rotate(no_new_key: bool) -> None:
    """Make a new KEK current and re-wrap every data key under it (seconds, at any size).

    Sealed fields are not touched. Afterwards the database needs only the new key; keep
    older keys in the key file for as long as backups sealed under them are kept."""
    _django()
    from privacydesk.vault import rotation

    try:
        report = rotation.rotate_keys(generate_new=not no_new_key)
    except PrivacydeskError as exc:
        raise _fail(exc)
    click.echo(f"re-wrapped {report.rewrapped} of {report.total} data keys under "
               f"{report.kek_id} in {report.seconds:.1f}s")


@keys.command("reencrypt")
@click.option("--resume", is_flag=True,
              help="Keep the current data keys: finish an interrupted run.")
def keys_reencrypt(resume: bool) -> None:
    """Make new data keys current and re-encrypt every sealed field (after a suspected
    data-key leak). Batched and resumable: interrupted, run it again with --resume. Restart
    the web workers, then run `keys reencrypt --resume` once more for values they sealed
    meanwhile under the old data keys."""
    _django()
    from privacydesk.vault import rotation

    try:
        report = rotation.reencrypt(new_keys=not resume, progress=True)
    except PrivacydeskError as exc:
        raise _fail(exc)
    click.echo(f"re-encrypted {report.fields} fields in {report.seconds:.1f}s")


@keys.command("generate")
@click.option("--file", "path", type=click.Path(dir_okay=False),
              help="Key file; default: $PRIVACYDESK_KEY_FILE or $PRIVACYDESK_DATA_DIR/keys.json.")
def keys_generate(path: str | None) -> None:
    """Add a new KEK to the key file and make it current (`keys rotate` does this too)."""
    _django()
    from privacydesk.vault import keyring

    try:
        key_id = keyring.generate_key(path)
    except PrivacydeskError as exc:
        raise _fail(exc)
    click.echo(f"new current key {key_id}; `privacydesk keys rotate --no-new-key` re-wraps "
               f"the data keys under it")


@main.group()
def token() -> None:
    """API tokens for staff (Authorization: Bearer …)."""


@token.command("create")
@click.option("--user", "username", required=True, help="Staff username.")
@click.option("--name", default="cli", show_default=True, help="A label for the token.")
@click.option("--days", type=click.IntRange(min=1, max=3650),
              help="Expire after N days (default: the policy's staff_accounts.token_days).")
def token_create(username: str, name: str, days: int | None) -> None:
    """Create an API token; it is printed once and stored only as a hash."""
    _django()
    from django.contrib.auth import get_user_model

    from privacydesk.staff.tokens import create_token

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.ClickException(f"--user: no active staff account named {username!r}")
    try:
        click.echo(create_token(user, name, days=days))
    except PrivacydeskError as exc:
        raise _fail(exc)


@token.command("list")
@click.option("--user", "username", help="Only this staff account's tokens.")
def token_list(username: str | None) -> None:
    """Every API token (newest first): id, short id, name, account, dates, state. Never
    the secret."""
    _django()
    from privacydesk.policy import clock
    from privacydesk.staff.tokens import state, visible_tokens

    try:
        found = list(visible_tokens(None, username))
    except PrivacydeskError as exc:
        raise _fail(exc)
    if not found:
        click.echo("no API tokens")
        return
    click.echo("id\tshort id\tname\taccount\tcreated\texpires\tlast used\tstate")
    for t in found:
        days = (clock.day_of(t.created_at), t.expires_at and clock.day_of(t.expires_at),
                t.last_used_on)
        dates = [day.isoformat() if day else "-" for day in days]
        click.echo("\t".join([str(t.pk), t.short_id, t.name, t.user.username, *dates,
                              state(t)]))


@token.command("revoke")
@click.argument("token_id", type=click.IntRange(min=1))
def token_revoke(token_id: int) -> None:
    """Revoke the API token with this id (see `token list`); it is refused from now on."""
    _django()
    from privacydesk.staff.models import ApiToken
    from privacydesk.staff.tokens import revoke_token

    token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
    if token is None:
        raise click.ClickException(f"TOKEN_ID: no API token has id {token_id}")
    try:
        revoke_token(token, None, actor="cli")
    except PrivacydeskError as exc:
        raise _fail(exc)
    click.echo(f"revoked token {token.pk} {token.short_id} ({token.name}) of "
               f"{token.user.username}")


from privacydesk.cli_more import register_more  # noqa: E402

register_more(main)

if __name__ == "__main__":
    main()
