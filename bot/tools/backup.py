"""`python -m bot backup DEST`: a consistent copy of the live database.

SQLite's online backup API copies the database page by page while the bot keeps running
(WAL mode lets it write meanwhile), so a backup never needs a stop and is never torn.
The pseudonym key file is not copied: keep it apart, as a copy of both would let anyone
who holds them link pseudonyms back to Telegram accounts.
"""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from bot.config import Settings

PAGES_PER_STEP = 1024


def backup(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, \
            sqlite3.connect(destination) as dst:
        src.backup(dst, pages=PAGES_PER_STEP)
        (result,) = dst.execute("PRAGMA integrity_check").fetchone()
    if result != "ok":
        raise RuntimeError(f"the backup failed its integrity check: {result}")


def cmd_backup(args: argparse.Namespace) -> int:
    source = Path(args.db or Settings.from_env().db_path)
    if not source.is_file():
        print(f"no database at {source}")
        return 1
    destination = Path(args.destination)
    backup(source, destination)
    print(f"backed up {source} to {destination} (integrity check: ok)")
    return 0


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("backup", help="copy the live database safely (online backup)")
    p.add_argument("destination", help="the backup file to write")
    p.add_argument("--db", help="the database (default: $NEUVO_DB or data/neuvo.sqlite3)")
    p.set_defaults(func=cmd_backup)
