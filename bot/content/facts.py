"""The facts of an answer that must be identical in every language: numbers, phone numbers
and web addresses.

A translator may reword everything else, but a phone number with one digit changed, a
deadline of "3" that became "6" or a missing address sends a user to the wrong place, and
nobody who cannot read the language notices. So each translation's numbers and addresses
are compared with those of the Finnish text of the same entry.

What counts as the same:
- digits in any script: Persian ۱۲۳ and Arabic-Indic ١٢٣ are the numbers 123;
- a phone number however it is grouped: "116 117" and "116117" are one number;
- a web address with or without "https://", "www." or a final "/", in any letter case;
- a date "1.2.2026" and "1 February 2026": other languages write the month as a word, so
  only the day and the year of a numeric date are compared (a wrong month is not caught).
Numbers written as words ("three") are not seen: write numbers as digits in every language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content.links import find_urls

#: Persian (U+06F0…) and Arabic-Indic (U+0660…) digits as ASCII digits.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
#: An address without "https://" or "www.", recognised by the domains used in Finland.
#: A Finnish ending after a hyphen or colon ("Suomi.fi-palvelu", "kela.fi:ssä") is not
#: part of it.
_BARE_DOMAIN = re.compile(
    r"(?<![\w.@/-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:fi|ax|eu|com|org|net|info))"
    r"(?!\w)(/[^\s<>\"«»()]*)?",
    re.I,
)
_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d])")
#: Digit groups separated by single spaces, e.g. "09 2525 0116" or "+358 29 501 6620".
_GROUPED = re.compile(r"\+?\d+(?:[ \u00a0]\d+)+")
#: Fewer digits than this in a grouped run are separate numbers ("1 2" is not a phone).
_PHONE_DIGITS = 6
_NUMBER = re.compile(r"\d+")
_TRAILING = ".,;:!?'\"’”)/"


@dataclass(frozen=True)
class Facts:
    numbers: frozenset[str]
    addresses: frozenset[str]


def _address(raw: str) -> str:
    address = raw.lower().rstrip(_TRAILING)
    address = re.sub(r"^[a-z][a-z0-9+.-]*(?::/+|//)", "", address)  # also a mistyped "https//"
    return address.removeprefix("www.")


def facts(text: str) -> Facts:
    """The numbers and addresses of a text, normalised so that equal facts compare equal."""
    text = text.translate(_DIGITS)
    addresses: set[str] = set()
    for offset, url in find_urls(text):
        addresses.add(_address(url))
        text = text[:offset] + " " * len(url) + text[offset + len(url):]
    for match in _BARE_DOMAIN.finditer(text):
        addresses.add(_address(match.group(0)))
    text = _BARE_DOMAIN.sub(" ", text)
    numbers: set[str] = set()
    for match in _DATE.finditer(text):
        numbers.update((str(int(match.group(1))), match.group(3)))
    text = _DATE.sub(" ", text)
    for match in _GROUPED.finditer(text):
        digits = re.sub(r"[ \u00a0]", "", match.group(0))
        if sum(ch.isdigit() for ch in digits) >= _PHONE_DIGITS:
            numbers.add(digits)
            text = text[:match.start()] + " " * len(match.group(0)) + text[match.end():]
    numbers.update(_NUMBER.findall(text))
    return Facts(frozenset(numbers), frozenset(addresses))


def differences(reference: str, translation: str) -> list[str]:
    """What a translation lacks or adds compared with its reference text, in words for
    translators; empty when the numbers and addresses are the same."""
    want, got = facts(reference), facts(translation)
    found = []
    for kind, expected, actual in (("numbers", want.numbers, got.numbers),
                                   ("addresses", want.addresses, got.addresses)):
        missing, extra = sorted(expected - actual), sorted(actual - expected)
        if missing:
            found.append(f"{kind} missing: {', '.join(missing)}")
        if extra:
            found.append(f"{kind} not in the Finnish: {', '.join(extra)}")
    return found
