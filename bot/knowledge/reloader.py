"""Live content updates: notice edited files, check them, and swap in the new content.

Advisers edit YAML while the bot runs. A change goes live only when the whole folder
validates; otherwise the last good content keeps serving and the problems are reported.
Files saved while a reload is being read are caught by comparing the folder's
fingerprint before and after reading, so a half-saved edit never goes live.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.content.yamlfile import ContentInvalid, Report
from bot.knowledge.knowledge import Knowledge

Fingerprint = tuple[tuple[str, int, int], ...]
#: How often to re-read when files keep changing during a reload, before giving up for now.
MAX_ATTEMPTS = 3


def fingerprint(folder: Path) -> Fingerprint:
    """Names, sizes and modification times of every content file: cheap to compare."""
    items = []
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".yaml", ".yml") and path.is_file():
            stat = path.stat()
            items.append((path.relative_to(folder).as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(items)


@dataclass(frozen=True)
class ReloadResult:
    knowledge: Knowledge | None
    report: Report | None

    @property
    def ok(self) -> bool:
        return self.knowledge is not None


class ContentReloader:
    def __init__(
        self, folder: Path, apply: Callable[[Knowledge], None], vectors_dir: Path | None = None
    ) -> None:
        self.folder = folder
        self.vectors_dir = vectors_dir
        self.apply = apply
        self._seen = fingerprint(folder)
        self._lock = asyncio.Lock()

    async def check(self, force: bool = False) -> ReloadResult | None:
        """Reload if files changed (or when forced); None when there was nothing to do."""
        async with self._lock:
            current = fingerprint(self.folder)
            if current == self._seen and not force:
                return None
            for _ in range(MAX_ATTEMPTS):
                result = await asyncio.to_thread(self._load)
                after = fingerprint(self.folder)
                if after == current:
                    break
                current = after  # edited while we read: read again
            else:
                return None  # still being edited; the next check tries again
            self._seen = current
            if result.knowledge is not None:
                self.apply(result.knowledge)
            return result

    def _load(self) -> ReloadResult:
        try:
            return ReloadResult(Knowledge.load(self.folder, self.vectors_dir), None)
        except ContentInvalid as exc:
            return ReloadResult(None, exc.report)
