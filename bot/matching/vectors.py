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
    stored, row_of = _read(path)
    keys = [text_key(t, kind) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in row_of}.items())
    if missing:
        fresh = encode([t for _, t in missing]).astype(np.float32, copy=False)
        for k, _ in missing:
            row_of[k] = len(row_of)
        stored = np.concatenate([stored, fresh]) if len(stored) else fresh
        _write(path, list(row_of), stored)
    # One gather, no per-row objects: at a content load this is most of its passing memory.
    return stored[[row_of[k] for k in keys]]


def _read(path: Path) -> tuple[Vectors, dict[str, int]]:
    """Stored vectors and the row of each key; a missing or damaged file is an empty cache."""
    try:
        with np.load(path) as data:
            keys, vectors = data["keys"], data["vectors"]
            if len(keys) != len(vectors):
                raise ValueError(f"{len(keys)} keys for {len(vectors)} vectors")
            return vectors, {str(k): i for i, k in enumerate(keys)}
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        log.warning("ignoring unreadable vector cache %s: %s", path, exc)
    return np.zeros((0, 0), np.float32), {}


def _write(path: Path, keys: list[str], vectors: Vectors) -> None:
    """Write atomically, so a crash or a second process never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vectors-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, keys=np.array(keys), vectors=vectors)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
