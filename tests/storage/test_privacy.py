"""Masking: personal numbers in the many ways people write them, in every script the bot
serves, are hidden; dates, prices and emergency numbers stay readable."""

from __future__ import annotations

import re

import pytest

from bot.storage.privacy import mask_personal_data, normalise

#: A sentence around the number, in each of the bot's languages and scripts.
CONTEXTS = (
    "Soita minulle {} kiitos", "Ring mig på {} tack", "my number is {}, thanks",
    "мой номер {} спасибо", "мій номер {} дякую", "رقمي {} شكرا", "شماره من {} ممنون",
    "ژمارەکەم {} سوپاس", "lambarkaygu waa {} mahadsanid",
)
PHONES = (
    "040 123 4567", "0401234567", "040-123 4567", "(040) 123 4567", "+358 40 123 4567",
    "+358401234567", "+358 (0)40 123 4567", "040.123.4567", "00358 40 123 4567",
    "+358 40 1234567", "050 765 4321", "09 310 12345", "+7 (912) 345-67-89",
    "+7 912 345 67 89", "+380 67 123 4567", "+46 70 123 45 67", "+964 750 123 4567",
    "+252 61 5123456", "+98 912 345 6789",
    "040\u2013123\u20134567",  # en dashes
    "040\u2010123\u20104567",  # Unicode hyphens
    "040\u2212123\u22124567",  # minus signs
    "۰۴۰ ۱۲۳ ۴۵۶۷",  # Persian digits
    "+۳۵۸ ۴۰ ۱۲۳ ۴۵۶۷",
    "٠٤٠ ١٢٣ ٤٥٦٧",  # Arabic-Indic digits
    "+٣٥٨٤٠١٢٣٤٥٦٧",
    "０４０ １２３ ４５６７",  # full-width digits
)
OTHERS = (
    # Finnish identity codes, with every dash and spacing people use.
    "131052-308T", "131052\u2013308T", "131052\u2010308T", "131052\u2212308T",
    "131052 308T", "131052A308T", "131052-308t", "hetu131052-308T", "۱۳۱۰۵۲-۳۰۸T",
    "131052 - 308T", "٠١٠١٩٠-١٢٣A",
    # IBANs, with and without spaces, Finnish and foreign.
    "FI21 1234 5600 0007 85", "FI2112345600000785", "fi21 1234 5600 0007 85",
    "DE89 3704 0044 0532 0130 00", "SE45 5000 0000 0583 9825 7466",
    "GB82 WEST 1234 5698 7654 32",
    # Payment cards.
    "4111 1111 1111 1111", "4111-1111-1111-1111", "5555555555554444", "3782 822463 10005",
    "4012 8888 8888 1881",
    # E-mail addresses, one typed with a full-width at sign.
    "matti\uff20example.com", "matti.meikalainen@gmail.com", "ali_92@mail.ru",
    "FATIMA.A@yahoo.com", "user+tag@example.fi",
    # Case and customer numbers.
    "12345678", "1234/567/2024", "asiakasnumero 1234567",
)
CASES = [context.format(phone) for phone in PHONES for context in CONTEXTS[:2]] + [
    context.format(value) for i, value in enumerate(PHONES + OTHERS)
    for context in [CONTEXTS[(i + 2) % len(CONTEXTS)]]
]
SECRET = re.compile(r"\d{4}")


def digits(text: str) -> str:
    return re.sub(r"\D", "", normalise(text))


def leaked(original: str, masked: str) -> list[str]:
    """Any four digits in a row of the personal number still in the masked text, or the
    name part of an e-mail address."""
    secret, shown = digits(original), digits(masked)
    found = [secret[i:i + 4] for i in range(len(secret) - 3) if secret[i:i + 4] in shown]
    for name in re.findall(r"([\w.+]+)[@\uff20]", original):
        if name in masked:
            found.append(name)
    return found


def test_there_are_enough_variants() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize("text", CASES)
def test_personal_numbers_are_masked(text: str) -> None:
    masked = mask_personal_data(text)
    assert not leaked(text, masked), masked
    assert "[" in masked


@pytest.mark.parametrize("text", [
    "Oleskelulupani vanhenee 31.12.2025, mitä teen?",
    "Vuokra on 1 200 € kuussa, saanko tukea?",
    "Hätänumero on 112.",
    "Tulin Suomeen vuonna 2024 ja olen 35-vuotias.",
    "Kela maksaa 4 viikon päästä",
])
def test_dates_prices_and_emergency_numbers_stay(text: str) -> None:
    assert mask_personal_data(text) == text
