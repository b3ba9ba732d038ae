"""`privacydesk keys rotate|reencrypt|generate`: the encryption keys (thin over
vault.rotation and vault.keyring)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand


class Command(PrivacydeskCommand):
    help = "Encryption keys: a key-encryption key (KEK) wraps the data keys that seal fields."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = self.subcommands(parser)
        rotate = commands.add_parser(
            "rotate", help="Make a new KEK current and re-wrap every data key under it.",
            description="Make a new KEK current and re-wrap every data key under it "
                        "(seconds, at any size). Sealed fields are not touched. Afterwards "
                        "the database needs only the new key; keep older keys in the key "
                        "file for as long as backups sealed under them are kept.")
        rotate.add_argument(
            "--no-new-key", action="store_true",
            help="Do not add a key; re-wrap under the current one (after adding a key to "
                 "PRIVACYDESK_KEYS, or to finish an interrupted run).")
        reencrypt = commands.add_parser(
            "reencrypt", help="Make new data keys current and re-encrypt every sealed field.",
            description="Make new data keys current and re-encrypt every sealed field (after "
                        "a suspected data-key leak). Batched and resumable: interrupted, run "
                        "it again with --resume. Restart the web workers, then run `keys "
                        "reencrypt --resume` once more for values they sealed meanwhile under "
                        "the old data keys.")
        reencrypt.add_argument("--resume", action="store_true",
                               help="Keep the current data keys: finish an interrupted run.")
        generate = commands.add_parser(
            "generate", help="Add a new KEK to the key file and make it current.",
            description="Add a new KEK to the key file and make it current (`keys rotate` "
                        "does this too).")
        generate.add_argument(
            "--file", dest="path", metavar="FILE",
            help="Key file; default: $PRIVACYDESK_KEY_FILE or $PRIVACYDESK_DATA_DIR/keys.json.")

    def sub_rotate(self, no_new_key: bool, **_: Any) -> None:
        from privacydesk.vault import rotation

        report = rotation.rotate_keys(generate_new=not no_new_key)
        self.echo(f"re-wrapped {report.rewrapped} of {report.total} data keys under "
                  f"{report.kek_id} in {report.seconds:.1f}s")

    def sub_reencrypt(self, resume: bool, **_: Any) -> None:
        from privacydesk.vault import rotation

        report = rotation.reencrypt(new_keys=not resume, progress=True)
        self.echo(f"re-encrypted {report.fields} fields in {report.seconds:.1f}s")

    def sub_generate(self, path: str | None, **_: Any) -> None:
        from privacydesk.vault import keyring

        key_id = keyring.generate_key(path)
        self.echo(f"new current key {key_id}; `privacydesk keys rotate --no-new-key` "
                  f"re-wraps the data keys under it")
