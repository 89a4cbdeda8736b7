"""Entry vectors kept on disk, keyed by a hash of the text they encode.

Encoding every way of asking costs seconds per hundred texts on the 2-core server, and
content is loaded at every start and every live reload. A vector depends only on the
model and the text, so it is stored under the SHA-256 of both: an edited text gets a new
key (the cache is never stale), an unchanged one is read back (a restart or a reload
encodes only what changed), and deleting the folder only costs one re-encoding.

The file holds vectors of texts the content no longer has too; they are few and small
(1.5 kB each), and keeping them lets the bot and `python -m bot eval` share one folder
without evicting each other's vectors.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from bot.matching.embedding import Encoder, Vectors

log = logging.getLogger(__name__)

#: Names the model: a different model must never read these vectors.
MODEL_TAG = "e5-small-int8"
#: e5 encodes content ("passage: ") and what people ask ("query: ") differently.
Kind = Literal["passage", "query"]


def text_key(text: str, kind: Kind = "passage") -> str:
    return hashlib.sha256(f"{MODEL_TAG}-{kind}\0{text}".encode()).hexdigest()


def cached(encoder: Encoder, texts: Sequence[str], folder: Path | None,
           kind: Kind = "passage") -> Vectors:
    """Vectors of ``texts``, read from ``folder`` where stored, the rest encoded (and
    stored). Without a folder everything is encoded."""
    encode = encoder.passages if kind == "passage" else encoder.queries
    if folder is None or not texts:
        return encode(texts)
    path = folder / f"{MODEL_TAG}-{kind}.npz"
    stored = _read(path)
    keys = [text_key(t, kind) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in stored}.items())
    if missing:
        fresh = encode([t for _, t in missing])
        stored.update((k, v) for (k, _), v in zip(missing, fresh, strict=True))
        _write(path, stored)
    return np.stack([stored[k] for k in keys])


def _read(path: Path) -> dict[str, Vectors]:
    """Stored vectors by key; a missing or damaged file is an empty cache."""
    try:
        with np.load(path) as data:
            return dict(zip((str(k) for k in data["keys"]), data["vectors"], strict=True))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        log.warning("ignoring unreadable vector cache %s: %s", path, exc)
        return {}


def _write(path: Path, stored: dict[str, Vectors]) -> None:
    """Write atomically, so a crash or a second process never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vectors-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, keys=np.array(list(stored)),
                     vectors=np.stack(list(stored.values())).astype(np.float32))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
