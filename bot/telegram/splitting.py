"""Split HTML messages to fit Telegram's 4096-character limit without breaking markup.

Answers are built from paragraphs, so the text is split at paragraph, then line, then
word boundaries (never at a space inside a tag). A single word longer than the limit (a
pasted blob) is cut between characters, never inside a tag or an entity such as &amp;.
Where a cut falls inside an element (a long quoted question in <i>…</i>), the part is
closed there and the next part opens the same tags again, so every part is well-formed.
"""

from __future__ import annotations

import re

TELEGRAM_LIMIT = 4096
_TOKEN_RE = re.compile(r"<[^>]*>|&[#a-zA-Z0-9]+;|.", re.DOTALL)
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")
#: After a space, unless the space is inside a tag (<a href="…">).
_SPACE_OUTSIDE_TAG = re.compile(r"(?<= )(?![^<>]*>)")


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    if len(text) <= limit:
        return [text]
    room = limit
    while True:  # leave room for the tags that close and reopen elements cut in two
        parts = _balanced(_split(text, room))
        longest = max(map(len, parts), default=0)
        if longest <= limit or room <= limit // 2:
            return parts
        room -= longest - limit


def _balanced(parts: list[str]) -> list[str]:
    """Close the tags left open at the end of each part and reopen them in the next."""
    out: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, the opening tag as written)
    for part in parts:
        prefix = "".join(tag for _, tag in open_tags)
        for match in _TAG_RE.finditer(part):
            name = match.group(2).lower()
            if not match.group(1):
                open_tags.append((name, match.group(0)))
            elif open_tags and open_tags[-1][0] == name:
                open_tags.pop()
        suffix = "".join(f"</{name}>" for name, _ in reversed(open_tags))
        whole = prefix + part + suffix
        if _TAG_RE.sub("", whole).strip():  # a part of bare tags would be an empty message
            out.append(whole)
    return out


def _split(text: str, limit: int) -> list[str]:
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
