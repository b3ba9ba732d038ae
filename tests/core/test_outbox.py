"""The development outbox keeps mail to its owner: names and links are not for other users
of the machine (#13, 5.11)."""

from __future__ import annotations

import stat

from django.core.mail import EmailMessage, get_connection


def test_outbox_files_and_folder_are_readable_by_their_owner_only(tmp_path) -> None:
    outbox = tmp_path / "outbox"
    connection = get_connection("privacydesk.project.outbox.OutboxBackend", file_path=str(outbox))
    EmailMessage("Bevestiging", "Beste Anna,", to=["anna@example.nl"],
                 connection=connection).send()
    files = list(outbox.iterdir())
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
    assert b"anna@example.nl" in files[0].read_bytes()
