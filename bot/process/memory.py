"""How the process's C allocator (glibc's malloc) holds memory: the bot's budget is 200 MB
on a small server, and what malloc keeps but does not use counts against it. Elsewhere than
glibc both calls do nothing: other C libraries manage their memory in their own way.
"""

from __future__ import annotations

import ctypes
from functools import cache

#: glibc's mallopt parameter for the most arenas malloc may create (malloc.h).
M_ARENA_MAX = -8


@cache
def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def return_freed_memory() -> None:
    """Hand freed memory back to the system. glibc keeps the pages of freed memory for later
    use, which after a one-off load means for the process's whole life: the model's load
    copies the weights three times (the conversion, onnxruntime's copy, its packed form),
    about 30 MB, and a content load leaves as much of passing analysis behind."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def share_one_arena() -> bool:
    """Let every thread allocate from one malloc arena; True if the limit is set.

    glibc gives a thread that finds the arena busy an arena of its own, and each keeps the
    peak of what its thread once held. The bot's threads (the event loop, the answer thread
    with the encoder, SQLite's) take turns at the GIL anyway, so separate arenas save almost
    no waiting; they cost about 3.5 MB of the peak under load (benchmarks/load.py, same
    minute: 195.0–195.9 MB with one arena, 198.8–199.2 MB without), and no CPU. It has to run
    before the threads first allocate side by side: glibc fixes the limit when it first
    needs a second arena."""
    libc = _glibc()
    return libc is not None and bool(libc.mallopt(M_ARENA_MAX, 1))
