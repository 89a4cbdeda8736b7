"""Files with personal data, readable by the bot's own user only (0600; folders 0700).

The database, its write-ahead log and shared-memory files, the pseudonym key and FAQ drafts
hold questions people asked. A default umask (022) would make them readable by every user
of the machine, so they are created with owner-only permissions whatever the umask is.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> None:
    """Create the folder (and missing parents) for the bot's own user only."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)


def private_file(path: Path, exclusive: bool = False) -> TextIO:
    """Open `path` for writing (truncating it), created 0600; an existing file is made 0600
    too. With `exclusive`, fail if it exists."""
    private_folder(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, "w", encoding="utf-8")


def make_private(path: Path) -> None:
    """Create `path` empty if missing, and give it owner-only permissions (SQLite creates a
    database's -wal and -shm files with the permissions of the database file)."""
    private_folder(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    os.chmod(path, FILE_MODE)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.chmod(companion, FILE_MODE)
