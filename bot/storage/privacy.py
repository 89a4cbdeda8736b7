"""Mask personal data in free text before it is stored or shown to anyone else.

People paste their identity code, phone number or application number into a question
("my hetu is 010190-123A, where is my permit?"). The question log keeps only what is
needed to improve the FAQ, so these are replaced by placeholders before anything is saved.
"""

from __future__ import annotations

import re

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Finnish personal identity code: DDMMYY, century sign, 3 digits, check character.
    # No word boundaries: a code typed against other text ("hetu010190-123A",
    # "010190-123Akiitos") is still a code; masking a look-alike number costs nothing.
    (re.compile(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]", re.IGNORECASE), "[henkilötunnus]"),
    (re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), "[email]"),
    # Phone numbers: + or 0 followed by 6-15 digits, spaces or dashes allowed.
    (re.compile(r"(?<![\w+])(?:\+|00|0)\d(?:[\s-]?\d){5,14}\b"), "[phone]"),
    # Migri application/case numbers and similar long digit runs (with separators).
    (re.compile(r"\b\d{2,4}[/-]\d{3,}(?:[/-]\d+)*\b"), "[number]"),
    (re.compile(r"\b\d{7,}\b"), "[number]"),
)


def mask_personal_data(text: str) -> str:
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text
