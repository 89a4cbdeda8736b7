"""Split HTML messages to fit Telegram's 4096-character limit without breaking markup.

Answers are built from paragraphs, and tags never span a blank line, so splitting at
paragraph, then line, then word boundaries keeps every part well-formed. A single word
longer than the limit (a pasted blob) is cut between characters, never inside a tag or
an entity such as &amp;.
"""

from __future__ import annotations

import re

TELEGRAM_LIMIT = 4096
_TOKEN_RE = re.compile(r"<[^>]*>|&[#a-zA-Z0-9]+;|.", re.DOTALL)
#: After a space, unless the space is inside a tag (<a href="…">).
_SPACE_OUTSIDE_TAG = re.compile(r"(?<= )(?![^<>]*>)")


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        if current and len(current) + len(piece) > limit:
            if current.strip():  # blank lines alone would be an empty message
                parts.append(current.rstrip())
            current = piece.lstrip()
        else:
            current += piece
    if current.strip():
        parts.append(current.rstrip())
    return parts


def _pieces(text: str, limit: int) -> list[str]:
    """Pieces no longer than limit, each ending at the best boundary available."""
    out: list[str] = []
    for paragraph in re.split(r"(?<=\n\n)", text):
        if len(paragraph) <= limit:
            out.append(paragraph)
            continue
        for line in re.split(r"(?<=\n)", paragraph):
            if len(line) <= limit:
                out.append(line)
                continue
            for word in _SPACE_OUTSIDE_TAG.split(line):
                out.extend([word] if len(word) <= limit else _hard_cut(word, limit))
    return out


def _hard_cut(word: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for token in _TOKEN_RE.findall(word):
        if len(current) + len(token) > limit:
            chunks.append(current)
            current = ""
        current += token
    if current:
        chunks.append(current)
    return chunks
