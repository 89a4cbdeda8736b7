"""One malloc arena for all threads, as glibc itself reports it (`malloc_info`), in a fresh
process each time: glibc fixes the limit when it first needs a second arena."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bot.process.memory import _glibc

#: Four threads allocating side by side through ctypes, which lets go of the GIL, so they
#: really meet at the allocator; then glibc's own account of its arenas (`<heap nr=...>`).
PROGRAM = """
import ctypes, os, sys, tempfile, threading
from bot.process.memory import share_one_arena
if sys.argv[1] == "shared":
    assert share_one_arena()
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.fopen.restype = ctypes.c_void_p
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]

def churn():
    for _ in range(20000):
        libc.free(libc.malloc(256))

threads = [threading.Thread(target=churn) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
path = os.path.join(tempfile.mkdtemp(), "info.xml")
stream = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, stream)
libc.fclose(stream)
print(open(path).read())
"""


def _arenas(mode: str) -> int:
    info = subprocess.run([sys.executable, "-c", PROGRAM, mode], capture_output=True,
                          text=True, check=True).stdout
    return len(re.findall(r"<heap nr=", info))


@pytest.mark.skipif(_glibc() is None, reason="glibc's allocator only")
def test_threads_share_one_arena() -> None:
    assert _arenas("own") > 1  # what glibc does by itself: the test can tell the difference
    assert _arenas("shared") == 1
