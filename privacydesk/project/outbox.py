"""The development outbox: mail written as files in the data folder, readable by its owner
only (the files hold names, addresses and confirmation links; #13, 5.11)."""

from __future__ import annotations

import os
from typing import Any

from django.core.mail.backends.filebased import EmailBackend as _FileBackend


class OutboxBackend(_FileBackend):
    """Django's file backend with the folder at 0700 and every message file at 0600."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        os.chmod(self.file_path, 0o700)  # type: ignore[attr-defined]

    def open(self) -> bool:
        if self.stream is None:
            fd = os.open(self._get_filename(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self.stream = os.fdopen(fd, "ab")
            return True
        return False
