"""The adviser preview: every language's card as users see it, and a question in every
language. No browser needed: the page is checked as text."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
from pathlib import Path

import pytest

from bot.content.loader import load_content
from bot.i18n import texts
from bot.i18n.catalogs import I18n
from bot.i18n.languages import LANGUAGES, RTL_LANGUAGES, native_name
from bot.i18n.replies import escape
from bot.matching.matcher import MatchResult
from bot.tools.preview import (
    add_parser,
    answer_buttons,
    ask_everywhere,
    render_preview,
    reply_lines,
    telegram_html,
)
from tests.paths import FAQ, VECTORS

TOPICS = "health:\n  icon: \"🩺\"\n  names:\n    fi: Terveys\n    en: Health\n"
ENTRY = """\
id: kela-card
topic: health
source:
  name: Kela
  url: https://www.kela.fi/kela-card
reviewed: 2026-11-20
related: [health-centre, missing-entry]
fi:
  question: Miten saan Kela-kortin?
  answer: |
    Kela-kortti <script>alert(1)</script> näyttää vakuutuksen.
    Katso https://www.kela.fi/.
en:
  question: How do I get a Kela card?
  translated: 2026-11-01
  answer: The Kela card shows that you are insured.
ar:
  question: كيف أحصل على بطاقة كيلا؟
  translated: 2026-11-20
  answer: بطاقة كيلا تُثبت أنك مشمول بالتأمين الصحي.
"""
RELATED = """\
id: health-centre
topic: health
source: {name: Kela, url: "https://www.kela.fi/"}
reviewed: 2026-11-20
fi:
  question: Missä on terveysasema?
  answer: Terveysasema on lähellä.
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "entries").mkdir()
    (tmp_path / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (tmp_path / "entries" / "kela-card.yaml").write_text(ENTRY, encoding="utf-8")
    (tmp_path / "entries" / "health-centre.yaml").write_text(RELATED, encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return I18n.load()


def page(folder: Path, i18n: I18n) -> str:
    content = load_content(folder)
    return render_preview(content, content.entries["kela-card"], i18n,
                          now=dt.datetime(2026, 11, 22, 12, 0))


def cards(html_page: str) -> dict[str, str]:
    """Each card's HTML by its language."""
    found = re.findall(r'<section class="card" lang="(\w+)" dir="(\w+)">(.*?)</section>',
                       html_page, re.S)
    return {lang: f"dir={direction}\n{body}" for lang, direction, body in found}


def test_one_card_per_language_with_the_right_direction(folder: Path, i18n: I18n) -> None:
    by_lang = cards(page(folder, i18n))
    assert list(by_lang) == list(LANGUAGES)
    for lang, card in by_lang.items():
        expected = "rtl" if lang in RTL_LANGUAGES else "ltr"
        assert card.startswith(f"dir={expected}\n"), lang
        assert escape(native_name(lang)) in card


def test_text_from_the_content_is_escaped(folder: Path, i18n: I18n) -> None:
    html_page = page(folder, i18n)
    assert "<script" not in html_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_page


def test_missing_language_shows_the_fallback_note_and_both_texts(
    folder: Path, i18n: I18n
) -> None:
    by_lang = cards(page(folder, i18n))
    t = i18n("sv")
    note = t.html(texts.NOT_TRANSLATED, language=escape(t.language_name("sv")))
    assert note in by_lang["sv"] and "fallback: fi + en" in by_lang["sv"]
    assert "Miten saan Kela-kortin?" in by_lang["sv"]
    assert "How do I get a Kela card?" in by_lang["sv"]
    t = i18n("ar")
    note = t.html(texts.NOT_TRANSLATED, language=escape(t.language_name("ar")))
    assert note not in by_lang["ar"] and "fallback" not in by_lang["ar"]
    assert "كيف أحصل على بطاقة كيلا؟" in by_lang["ar"] and "Miten saan" not in by_lang["ar"]
    assert 'class="badge ok">translation<' in by_lang["en"]


def test_header_names_the_entry_and_which_languages_fall_back(folder: Path, i18n: I18n) -> None:
    header = page(folder, i18n).split("<main>")[0]
    assert "<h1>kela-card</h1>" in header
    assert "🩺 Terveys / Health" in header and "2026-11-20" in header
    assert '<a href="https://www.kela.fi/kela-card">Kela</a>' in header
    translated, fallback = header.split("fallback")[:2]
    assert "(fi)" in translated and "(en)" in translated and "(ar)" in translated
    assert "(sv)" in fallback and "(so)" in fallback and "(ar)" not in fallback
    assert "older than the Finnish text: <span lang=\"en\">English</span> (en)" in header


def test_buttons_are_the_conversations(folder: Path, i18n: I18n) -> None:
    content = load_content(folder)
    t = i18n("fi")
    rows = answer_buttons(t, content, content.entries["kela-card"])
    assert [[b.label for b in row] for row in rows] == [
        [t(texts.FEEDBACK_YES), t(texts.FEEDBACK_NO)],
        ["Missä on terveysasema?"],  # the related entry that exists
        [t(texts.MENU_BUTTON)],
    ]
    card = cards(page(folder, i18n))["uk"]
    assert f'<span class="button">{escape(i18n("uk")(texts.MENU_BUTTON))}</span>' in card
    # A translated answer has the plain-Finnish button first, as in the chat.
    arabic = answer_buttons(i18n("ar"), content, content.entries["kela-card"])
    assert "suomeksi" in arabic[0][0].label
    assert "suomeksi" in cards(page(folder, i18n))["ar"]


def test_telegram_html_keeps_only_the_tags_telegram_renders() -> None:
    message = ('<b>Bold</b> <i>it</i> <a href="https://kela.fi/">Kela</a> '
               '<a href="javascript:alert(1)">x</a> <img src=x> &lt;ok&gt;')
    assert telegram_html(message) == (
        '<b>Bold</b> <i>it</i> <a href="https://kela.fi/" rel="noopener noreferrer">Kela</a> '
        '&lt;a href="javascript:alert(1)"&gt;x</a> &lt;img src=x&gt; &lt;ok&gt;'
    )


def test_the_page_loads_nothing_from_outside(folder: Path, i18n: I18n) -> None:
    html_page = page(folder, i18n)
    assert not re.search(r"<(link|script|img|iframe)\b|@import|url\(", html_page)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_command_writes_the_page(folder: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "kela.html"
    assert run(["preview", "entries/kela-card.yaml", "--content", str(folder),
                "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert str(out) in capsys.readouterr().out


def test_command_suggests_a_close_id(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["preview", "kela-crad", "--content", str(folder)]) == 1
    assert "did you mean kela-card?" in capsys.readouterr().err


def test_reply_lines_follow_the_decision(folder: Path, i18n: I18n) -> None:
    content = load_content(folder)
    t = i18n("fa")
    answered = reply_lines(t, content, MatchResult("answer", ("kela-card",), (), "fi"))
    # The note in Persian, without the direction marks that only help Telegram.
    assert answered[0] == t(texts.NOT_TRANSLATED, language=t.language_name("fa"))
    assert answered[1:3] == ["Miten saan Kela-kortin?", "Kela-kortti <script>alert(1)</script> "
                             "näyttää vakuutuksen."]
    suggested = reply_lines(t, content, MatchResult("suggest", ("kela-card", "health-centre"),
                                                    (), "fi"))
    assert suggested == [t(texts.DID_YOU_MEAN),
                         "[Miten saan Kela-kortin?] [Missä on terveysasema?]"]
    assert reply_lines(t, content, MatchResult("none", (), (), None))[0] == \
        t(texts.NO_ANSWER).splitlines()[0]


def test_ask_everywhere_prints_every_language() -> None:
    out = io.StringIO()
    ask_everywhere("Miten saan Kela-kortin?", load_content(FAQ), out=out, vectors_dir=VECTORS)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("detected language: fi")
    decided = [line for line in lines if not line.startswith((" ", "detected"))]
    assert [line.split()[0] for line in decided] == list(LANGUAGES)
    assert decided[0].split()[1:] == ["answer", "kela-card"]
    assert "    Miten saan Kela-kortin?" in lines


def test_command_writes_into_a_temporary_or_given_folder_not_the_working_one(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert run(["preview", "kela-card", "--content", str(folder)]) == 0
    written = Path(capsys.readouterr().out.strip().removeprefix("wrote "))
    assert written.is_absolute() and written.name == "preview-kela-card.html"
    assert written.is_file() and not list(work.iterdir())
    given = tmp_path / "previews"
    assert run(["preview", "kela-card", "--content", str(folder), "--out", str(given)]) == 0
    assert (given / "preview-kela-card.html").is_file()
    assert str(given / "preview-kela-card.html") in capsys.readouterr().out
