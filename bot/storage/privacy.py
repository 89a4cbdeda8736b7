"""Mask personal data in free text before it is stored or shown to anyone else.

People paste their identity code, phone number, bank account or application number into a
question ("my hetu is 010190-123A, where is my permit?"). The question log keeps only what is
needed to improve the FAQ, and advisers need the question, not the numbers, so these are
replaced by placeholders before anything is saved or relayed.

Numbers come in many spellings, so the text is first normalised: Persian and Arabic-Indic
digits (۰۱۲ / ٠١٢), full-width characters (０４０, ＠) and every kind of dash or minus become
ASCII. Then well-kept libraries recognise what they know best:

* phone numbers by `phonenumbers` (Google's libphonenumber), in any national or
  international format — "(040) 123 4567", "+358 (0)40 123 4567", "+7 (912) 345-67-89" —
  only where they are valid numbers, so that dates and prices stay readable;
* IBANs (with or without spaces) and payment card numbers by their check digits, with
  `python-stdnum`.

Patterns cover the rest, deliberately broader than any check: a mistyped identity code or
e-mail address is still personal. A look-alike masked by mistake costs nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import phonenumbers
from stdnum import iban, luhn

#: Dashes, hyphens and minus signs people type (or their keyboards make) between digits.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
#: Spaces that are not the ASCII one (no-break, thin, narrow no-break …).
_SPACES = "\u00a0\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_NORMAL = str.maketrans(
    {**{c: "-" for c in _DASHES}, **{c: " " for c in _SPACES}, "\uff20": "@", "\uff0b": "+",
     "\uff08": "(", "\uff09": ")", "\uff0e": "."}
)
#: Region for numbers written without a country code: Finnish numbers are the common case.
_REGION = "FI"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Finnish personal identity code: DDMMYY, century sign, 3 digits, check character; typed
# with a space for the sign or around it too. No word boundaries: a code typed against other
# text ("hetu010190-123A", "010190-123Akiitos") is still a code.
_HETU = re.compile(r"\d{6}(?: ?[-+A-FU-Y] ?| )\d{3}[0-9A-Y]", re.IGNORECASE)
# An IBAN: country, check digits, then 11-30 letters and digits, spaces allowed in groups.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b", re.IGNORECASE)
# 13-19 digits in groups: card numbers, checked with the Luhn algorithm.
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Phone numbers the library did not take: + or 0 followed by 6-15 digits.
    (re.compile(r"(?<![\w+])(?:\+|00|0)\d(?:[\s-]?\d){5,14}\b"), "[phone]"),
    # Migri application/case numbers and similar long digit runs (with separators).
    (re.compile(r"\b\d{2,4}[/-]\d{3,}(?:[/-]\d+)*\b"), "[number]"),
    (re.compile(r"\b\d{7,}\b"), "[number]"),
)


def normalise(text: str) -> str:
    """Digits of any script as ASCII digits; dashes, odd spaces and full-width signs as
    their ASCII forms. Everything else is left as written."""
    return "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c
        for c in text.translate(_NORMAL)
    )


def _checked(pattern: re.Pattern[str], valid: Callable[[str], bool], placeholder: str,
             text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        return placeholder if valid(match.group(0)) else match.group(0)

    return pattern.sub(replace, text)


def _iban(match: re.Match[str]) -> str:
    """The longest valid IBAN at the start of the match (which may run on into the next
    word: "FI21 1234 5600 0007 85 kiitos")."""
    found = match.group(0)
    for end in range(len(found), 14, -1):
        if (end == len(found) or found[end] == " ") and iban.is_valid(found[:end]):
            return "[IBAN]" + found[end:]
    return found


def _luhn(number: str) -> bool:
    return bool(luhn.is_valid(re.sub(r"\D", "", number)))


def _phones(text: str) -> str:
    matches = list(phonenumbers.PhoneNumberMatcher(text, _REGION))
    for match in reversed(matches):  # from the end, so earlier offsets stay right
        text = text[:match.start] + "[phone]" + text[match.end:]
    return text


def mask_personal_data(text: str) -> str:
    text = normalise(text)
    text = _EMAIL.sub("[email]", text)
    text = _IBAN.sub(_iban, text)
    text = _checked(_CARD, _luhn, "[card]", text)
    text = _HETU.sub("[henkilötunnus]", text)
    text = _phones(text)
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text
