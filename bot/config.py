"""Settings from environment variables (a `.env` file may set them), as DESIGN.md lists."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

from bot.handoff.opening_hours import OpeningHours
from bot.i18n.languages import normalise_code
from bot.storage.retention import DEFAULT_RETENTION_DAYS

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_ADVISER_HOURS = "mon-fri 09:00-16:00"


@dataclass(frozen=True)
class Settings:
    token: str | None
    base_url: str
    content_dir: Path
    db_path: str
    key_path: Path
    #: The advisers' Telegram group; without it the bot offers no hand-off.
    adviser_chat_id: int | None
    adviser_hours: OpeningHours
    adviser_lang: str
    drafts_dir: Path
    #: Question logs and closed tickets older than this are deleted every night.
    retention_days: int
    #: How often the running bot looks for edited content files (0: only on /reload).
    reload_seconds: int
    #: Cache of the matcher's entry vectors (safe to delete); None: encode at every load.
    vectors_dir: Path | None = None

    @classmethod
    def from_env(cls, env_file: Path | None = Path(".env"),
                 db_path: str | None = None) -> Settings:
        """`db_path` (a command line's --db) overrides NEUVO_DB; the key file goes beside
        whichever database is used unless NEUVO_KEY_FILE names one."""
        if env_file is not None and env_file.is_file():
            load_dotenv(env_file, override=False)
        db_path = db_path or os.environ.get("NEUVO_DB") or "data/neuvo.sqlite3"
        return cls(
            token=os.environ.get("TELEGRAM_BOT_TOKEN", "").strip() or None,
            base_url=os.environ.get("TELEGRAM_BASE_URL", "").strip() or DEFAULT_BASE_URL,
            content_dir=Path(os.environ.get("NEUVO_CONTENT") or "faq"),
            db_path=db_path,
            key_path=Path(os.environ.get("NEUVO_KEY_FILE") or f"{db_path}.key"),
            adviser_chat_id=_int_or_none("ADVISER_CHAT_ID"),
            adviser_hours=OpeningHours.parse(
                os.environ.get("NEUVO_ADVISER_HOURS") or DEFAULT_ADVISER_HOURS
            ),
            adviser_lang=normalise_code(os.environ.get("NEUVO_ADVISER_LANG")) or "fi",
            drafts_dir=Path(os.environ.get("NEUVO_DRAFTS") or "faq-drafts"),
            retention_days=_int_or_default("NEUVO_RETENTION_DAYS", DEFAULT_RETENTION_DAYS),
            reload_seconds=_int_or_default("NEUVO_RELOAD_SECONDS", 10),
            vectors_dir=Path(os.environ.get("NEUVO_VECTORS") or Path(db_path).parent / "vectors"),
        )


def _int_or_default(name: str, default: int) -> int:
    value = _int_or_none(name)
    return default if value is None else value


def _int_or_none(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None
