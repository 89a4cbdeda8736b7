"""Message splitting, right-to-left marks and personal-data masking."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import bidi
from bot.storage.privacy import mask_personal_data
from bot.telegram.splitting import split_html

TAG = re.compile(r"<(/?)(\w+)[^>]*>")


def balanced(part: str) -> bool:
    stack: list[str] = []
    for closing, name in TAG.findall(part):
        if closing:
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


def test_short_message_is_one_part() -> None:
    assert split_html("<b>hi</b>") == ["<b>hi</b>"]


def test_long_answer_splits_at_paragraphs_with_balanced_tags() -> None:
    paragraph = "<b>Otsikko</b>\n" + "sana &amp; " * 150
    text = "\n\n".join([paragraph] * 6)
    parts = split_html(text, limit=4096)
    assert len(parts) > 1
    assert all(len(p) <= 4096 and balanced(p) for p in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == \
        text.replace("\n", "").replace(" ", "")


def test_unbroken_blob_is_cut_between_entities() -> None:
    parts = split_html("&amp;" * 1000, limit=4096)
    assert all(len(p) <= 4096 for p in parts)
    assert all(re.fullmatch(r"(&amp;)+", p) for p in parts)


@given(st.text(alphabet=st.sampled_from("ab &<>\n"), max_size=3000), st.integers(20, 500))
def test_split_never_loses_text_or_exceeds_limit(raw: str, limit: int) -> None:
    escaped = raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    parts = split_html(escaped, limit=limit)
    assert all(len(p) <= limit for p in parts)
    assert "".join(parts).split() == escaped.split() or \
        "".join("".join(parts).split()) == "".join(escaped.split())


def test_rtl_lines_start_right_to_left_and_ltr_is_untouched() -> None:
    assert bidi.line("👍 مفيد\nKela", "ar") == "\u200f👍 مفيد\n\u200fKela"
    assert bidi.line("Kela\n", "fi") == "Kela\n"
    assert bidi.ltr("Kela", "fa") == "\u2066Kela\u2069"
    assert bidi.ltr("Kela", "sv") == "Kela"


def test_personal_data_is_masked() -> None:
    text = ("hetu 131052-308T, puh +358 40 123 4567 tai 040-1234567, "
            "posti matti.m@example.fi, hakemus 1234/567/2025")
    masked = mask_personal_data(text)
    for secret in ("131052-308T", "123 4567", "1234567", "matti.m@", "1234/567"):
        assert secret not in masked
    assert "[henkilötunnus]" in masked and "[phone]" in masked and "[email]" in masked


def test_service_numbers_and_years_are_kept() -> None:
    text = "Soita 112 tai 116117. Vuonna 2026 Kela maksaa 60 %."
    assert mask_personal_data(text) == text
