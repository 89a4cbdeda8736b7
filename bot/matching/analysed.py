"""Content texts' word and concept features kept on disk, beside the entry vectors.

Analysing every way of asking and every answer (folding, stemming, finding concepts) was
about half of a content load: well over a second at each start and each live reload on the
2-core server, for texts that rarely change. A text's features depend only on the text, its
language and the analysis itself (this package's code, the lexicon, the stop words, the
glossary and the stemmer), so they are stored under the SHA-256 of all of these: an edited
text or a changed glossary gets a new key, changed code or lexicon a new file (the cache is
never stale), and deleting the file only costs one analysis. Rows of texts a build did not
use are kept (the bot and `python -m bot eval` share the folder) up to MAX_ROWS, the least
recently used dropped first; a file of code that no longer exists is removed.

Only content is stored: questions people send are analysed afresh (with spelling repair),
and nothing here holds what they wrote.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from bot.matching.analysis import Analyzer
from bot.matching.lexicon import Pattern

log = logging.getLogger(__name__)

_PACKAGE = Path(__file__).parent
#: What the analysis is made of: a change in any of these changes every key.
_SOURCES = ("analysis.py", "normalize.py", "lexicon.py", "data/lexicon.txt",
            "data/stopwords.txt")
_FORMAT = 2
#: About 150 bytes a row: a few MB at most, whatever advisers edit over the years.
MAX_ROWS = 40_000


@dataclass(frozen=True)
class Analysed:
    """One content text as the matcher indexes it."""

    #: Word (``w:``) and concept (``c:``) features.
    features: frozenset[str]
    #: Its words without function words: the vocabulary that misspellings are repaired to.
    vocabulary: tuple[str, ...]


def code_fingerprint() -> str:
    """Names the analysis: this package's code and data, and the stemmer."""
    digest = hashlib.sha256(f"{_FORMAT}\0{metadata.version('snowballstemmer')}".encode())
    for name in _SOURCES:
        digest.update(name.encode() + b"\0" + (_PACKAGE / name).read_bytes())
    return digest.hexdigest()


def analysed(analyzer: Analyzer, glossary: Sequence[Pattern],
             texts: Sequence[tuple[str, str]], folder: Path | None) -> list[Analysed]:
    """Each (text, language)'s features, read from ``folder`` where stored, the rest
    analysed (and stored). Without a folder everything is analysed."""
    if folder is None:
        return [_analyse(analyzer, text, lang) for text, lang in texts]
    path = folder / f"analysis-{code_fingerprint()[:24]}.tsv"
    stored = _read(path)
    terms = hashlib.sha256(repr(list(glossary)).encode()).hexdigest()
    keys = [hashlib.sha256(f"{terms}\0{lang}\0{text}".encode()).hexdigest()[:32]
            for text, lang in texts]
    out: list[Analysed] = []
    fresh = False
    for key, (text, lang) in zip(keys, texts, strict=True):
        row = stored.get(key)
        result = _parse(row) if row is not None else None
        if result is None:
            result = _analyse(analyzer, text, lang)
            stored[key] = json.dumps([sorted(result.features), list(result.vocabulary)],
                                     ensure_ascii=False, separators=(",", ":"))
            fresh = True
        out.append(result)
    if fresh:
        # This build's rows last (a dict keeps its order), then the oldest dropped.
        used = set(keys)
        rows = {k: v for k, v in stored.items() if k not in used}
        rows.update((k, stored[k]) for k in keys)
        _write(path, list(rows.items())[-MAX_ROWS:])
    return out


def _analyse(analyzer: Analyzer, text: str, lang: str) -> Analysed:
    return Analysed(frozenset(analyzer.analyse(text, lang).features()),
                    analyzer.vocabulary(text))


def _read(path: Path) -> dict[str, str]:
    """Each stored row's key and its JSON, not yet parsed: a build parses only its own rows
    (the file may hold other corpora's too); a missing or unreadable file is an empty cache."""
    try:
        with path.open(encoding="utf-8") as handle:
            return dict(line.rstrip("\n").split("\t", 1) for line in handle)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable analysis cache %s: %s", path, exc)
    return {}


def _parse(row: str) -> Analysed | None:
    """A stored row, or None for one that is damaged (it is analysed again)."""
    try:
        features, vocabulary = json.loads(row)
        return Analysed(frozenset(features), tuple(vocabulary))
    except (ValueError, TypeError) as exc:
        log.warning("ignoring unreadable analysis cache row: %s", exc)
        return None


def _write(path: Path, rows: list[tuple[str, str]]) -> None:
    """Write atomically (a crash or a second process never leaves half a file), then remove
    the files of analyses that no longer exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".analysis-", suffix=".tsv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines(f"{key}\t{row}\n" for key, row in rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for old in path.parent.glob("analysis-*"):
        if old != path:
            old.unlink(missing_ok=True)
