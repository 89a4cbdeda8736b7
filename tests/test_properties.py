"""Property-based tests (hypothesis): no input breaks the text machinery or the conversation.

Whatever people type (any Unicode: right-to-left overrides, zero-width characters, emoji,
control characters, 4096 characters), whatever callback data or command arrives, and
whatever an adviser saves in a content file, the bot must not crash, must not return
content it could not validate, and must only send HTML that Telegram accepts, with the
user's own text escaped.

Examples are derandomised (a fixed seed per test, no example database), so a run is
reproducible and takes the same few seconds every time.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import re
import tempfile
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.content.loader import validate_content
from bot.conversation.conversation import Conversation, User
from bot.i18n.languages import LANGUAGES
from bot.i18n.replies import Message, Outcome
from bot.matching.langid import detect_language
from bot.matching.matcher import MAX_SUGGESTIONS, RANKED, Matcher
from bot.matching.normalize import clean, fold, tokens
from bot.storage.privacy import mask_personal_data
from bot.telegram.splitting import split_html
from tests.conftest import bundled_knowledge, make_neuvo, make_settings
from tests.content.test_content_loader import GOOD_ENTRY, TOPICS

# -- Telegram's HTML subset ------------------------------------------------------------

#: The tags the bot itself writes, with the attributes each must have.
ALLOWED_TAGS: dict[str, tuple[str, ...]] = {"b": (), "i": (), "pre": (), "a": ("href",)}
#: Telegram knows only these named entities, plus numeric ones.
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")


class _TelegramHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open_tags: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text()
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {raw!r} is not one the bot writes")
        elif tuple(name for name, _ in attrs) != ALLOWED_TAGS[tag]:
            self.problems.append(f"unexpected attributes in {raw!r}")
        elif tag == "a" and not (attrs[0][1] or "").startswith(("https://", "http://")):
            self.problems.append(f"link without a web address: {raw!r}")
        if "pre" in self.open_tags or (tag == "a" and "a" in self.open_tags):
            self.problems.append(f"{raw!r} nested where Telegram does not allow it")
        self.open_tags.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing tag {self.get_starttag_text()!r}")

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags or self.open_tags[-1] != tag:
            self.problems.append(f"</{tag}> does not close the open tags {self.open_tags}")
        else:
            self.open_tags.pop()

    def handle_data(self, data: str) -> None:
        stray = sorted(set(data) & set("<>&"))
        if stray:
            self.problems.append(f"unescaped {stray} in text {data[:60]!r}")

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.problems.append(f"entity &{name}; is unknown to Telegram")

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment <!--{data[:40]}-->")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration <!{decl[:40]}>")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration <![{data[:40]}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction <?{data[:40]}")


def html_problems(text: str) -> list[str]:
    """Why Telegram would reject `text` with parse_mode=HTML, or show user markup as markup."""
    problems = [f"bare '&' at {m.start()}: {text[m.start():m.start() + 12]!r}"
                for m in re.finditer("&", text) if not _ENTITY.match(text, m.start())]
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    problems += parser.problems
    if parser.open_tags:
        problems.append(f"tags left open: {parser.open_tags}")
    return problems


def assert_telegram_html(text: str) -> None:
    problems = html_problems(text)
    assert not problems, f"{problems} in {text[:300]!r}"


@pytest.mark.parametrize("bad", [
    "<u>x</u>", "<tg-spoiler>x</tg-spoiler>", "a & b", "&nbsp;", "&amp", "1 < 2", "2 > 1",
    "<b>x", "x</b>", "<b><i>x</b></i>", "<a>x</a>", '<a href="javascript:x">x</a>',
    "<b class='x'>x</b>", "<!-- x -->", "<br/>", "<pre><b>x</b></pre>", "<script>x</script>",
])
def test_the_html_checker_rejects_what_telegram_would(bad: str) -> None:
    assert html_problems(bad)


def test_the_html_checker_accepts_what_the_bot_writes() -> None:
    good = ('\u200f<b>سؤال &amp; جواب</b>\n\n<i>x &lt;y&gt; &quot;z&quot; &#60;</i> '
            '<a href="https://www.kela.fi/?a=1&amp;b=2">Kela</a> <pre>a\nb</pre>')
    assert html_problems(good) == []


# -- inputs ------------------------------------------------------------------------------

#: Pieces that have broken chatbots before: markup, entities, bidi controls, invisible and
#: control characters, emoji sequences, look-alike digits, personal data, commands.
TRICKY = [
    "<b>", "</b>", "<i>", "</i>", "<u>", "</u>", "<s>x</s>", "<code>", "<pre>", "</pre>",
    "<tg-spoiler>", "<script>alert(1)</script>", '<a href="https://x.example">', "</a>",
    "<!--", "-->", "&", "&amp;", "&lt;", "&#60;", "&#x3c;", "&nbsp;", "&bogus;", "<", ">",
    "\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",
    "\u2060", "\ufeff", "\u00ad", "\u0640", "\u064b", "\u0301", "\u0654",
    "👍🏽", "🇫🇮", "🧑‍🤝‍🧑", "\x00", "\x07", "\x1b[2J", "\r\n", "\t", "\n\n", "\u2028", "\u0085",
    "Kela", "Kela-kortti", "Miten saan Kela-kortin?", "كيف أحصل على بطاقة كيلا؟",
    "Как получить карту Kela?", "چطور کارت کلا بگیرم", "131052-308T", "+358 40 123 4567",
    "matti@example.fi", "/start", "/adviser", "٣", "²", "ﷺ", "ﬁ", "İ", "ß", ":", "0",
    "99999999999999999999", " ",
]
ANY_CHAR = st.characters(exclude_categories=["Cs"])  # lone surrogates cannot reach us
fragment = st.one_of(st.text(ANY_CHAR, max_size=12), st.sampled_from(TRICKY))
any_text = st.lists(fragment, max_size=10).map("".join)
#: Up to Telegram's 4096 characters: a piece repeated.
long_text = st.builds(lambda unit, n: (unit * n)[:4096],
                      any_text.filter(lambda s: s != ""), st.integers(100, 4096))
user_text = st.one_of(any_text, any_text, long_text)

#: Invisible characters that matching and language identification must not see.
INVISIBLE = "\u200b\u200d\u200e\u200f\u2060\ufeff\u00ad"
#: The lower-case letters of the nine languages (no marks, already NFC).
ALPHABETS = {
    "latin": "abcdefghijklmnopqrstuvwxyzäöåéü",
    "cyrillic": "абвгдежзийклмнопрстуфхцчшщъыьэюяёіїєґ",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأؤإئةىپچژگکیەێۆڵڕڤ",
}


def sprinkle(text: str, extra: str, data: st.DataObject) -> str:
    """`text` with characters of `extra` inserted at drawn positions."""
    out = list(text)
    for _ in range(data.draw(st.integers(1, 8), label="insertions")):
        position = data.draw(st.integers(0, len(out)), label="position")
        out.insert(position, data.draw(st.sampled_from(extra), label="character"))
    return "".join(out)


def _questions() -> list[str]:
    content = bundled_knowledge().content
    return sorted({text.question for entry in content.entries.values()
                   for text in entry.texts.values()})


QUESTIONS = _questions()
MATCHER: Matcher = bundled_knowledge().matcher
SOME = settings(max_examples=100, deadline=None, derandomize=True, database=None)
MANY = settings(max_examples=200, deadline=None, derandomize=True, database=None)


# -- normalisation -----------------------------------------------------------------------

@SOME
@given(text=user_text)
def test_normalisation_accepts_anything_and_yields_clean_tokens(text: str) -> None:
    cleaned = clean(text)
    assert not set(cleaned) & set(INVISIBLE + "\u200c\u0640")
    folded = fold(text)
    assert isinstance(folded, str)
    words = tokens(text)
    for word in words:
        assert word and re.fullmatch(r"[^\W_]+", word), word
    # Content and questions are both folded: a folded text folds to the same tokens.
    assert tokens(" ".join(words)) == words


@SOME
@given(script=st.sampled_from(sorted(ALPHABETS)), data=st.data())
def test_clean_keeps_the_letters_language_identification_needs(
    script: str, data: st.DataObject
) -> None:
    word = data.draw(st.text(st.sampled_from(ALPHABETS[script]), min_size=1, max_size=20))
    assert clean(word) == word
    assert clean(word.upper()) == word.upper().casefold()


#: Spellings people use without the right keyboard, which must fold to the same key.
DEGRADED = str.maketrans({
    "ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u",
    "ё": "е", "й": "и", "ї": "і", "є": "е", "ґ": "г",
    "ك": "ک", "ي": "ی", "ى": "ی", "ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا",
    "ە": "ه", "ێ": "ی", "ۆ": "و", "ڵ": "ل", "ڕ": "ر",
})
#: Latin letters that look like Cyrillic ones, typed by mistake inside Cyrillic words.
LOOKALIKES = str.maketrans("асеіорху", "aceiopxy")


@SOME
@given(script=st.sampled_from(sorted(ALPHABETS)), data=st.data())
def test_careless_spellings_fold_to_the_same_key(script: str, data: st.DataObject) -> None:
    letters = st.text(st.sampled_from(ALPHABETS[script]), min_size=1, max_size=12)
    words = data.draw(st.lists(letters, min_size=1, max_size=5))
    text = " ".join(words)
    assert fold(text) == fold(text.translate(DEGRADED))
    assert tokens(text.upper()) == tokens(text)
    assert tokens(sprinkle(text, INVISIBLE, data)) == tokens(text)
    if script == "cyrillic":
        # Keep one letter with no Latin twin, so every word stays Cyrillic.
        anchored = " ".join("д" + w for w in words)
        assert fold(anchored.translate(LOOKALIKES)) == fold(anchored)


# -- language identification -------------------------------------------------------------

NO_LETTERS = st.text(st.one_of(
    st.sampled_from("0123456789٠١٢٣۴۵ .,;:!?¿¡-–—()[]{}«»\"'/\\@#%*+=_~^|$€£\n\t"
                    + INVISIBLE + "\u200c\u0640\u202e\u2066\u2069"),
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),
), max_size=40)


@SOME
@given(text=user_text)
def test_language_identification_accepts_anything(text: str) -> None:
    assert detect_language(text) in (None, *LANGUAGES)


@SOME
@given(text=NO_LETTERS)
def test_no_letters_means_no_language(text: str) -> None:
    assert detect_language(text) is None


@SOME
@given(before=any_text, after=any_text, script=st.sampled_from(sorted(ALPHABETS)),
       data=st.data())
def test_any_letter_of_the_nine_languages_gives_a_language(
    before: str, after: str, script: str, data: st.DataObject
) -> None:
    letter = data.draw(st.sampled_from(ALPHABETS[script]))
    assert detect_language(f"{before} {letter} {after}") in LANGUAGES


@SOME
@given(question=st.sampled_from(QUESTIONS), data=st.data())
def test_invisible_characters_and_case_do_not_change_the_language(
    question: str, data: st.DataObject
) -> None:
    expected = detect_language(question)
    assert detect_language(sprinkle(question, INVISIBLE, data)) == expected
    assert detect_language(question.upper()) == expected


# -- matching ----------------------------------------------------------------------------

@SOME
@given(text=user_text, lang=st.sampled_from([None, *LANGUAGES]))
@example(text="<b>&" * 1024, lang=None)
@example(text="\u202e" + "Kela " * 800, lang="ar")
def test_the_matcher_accepts_anything_and_decides_consistently(
    text: str, lang: str | None
) -> None:
    result = MATCHER.match(text, lang)
    ranked = [c.id for c in result.ranked]
    assert len(ranked) == len(set(ranked)) <= RANKED
    assert set(ranked) <= set(bundled_knowledge().content.entries)
    scores = [c.score for c in result.ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    if result.decision == "answer":
        assert result.ids == (ranked[0],)
    elif result.decision == "suggest":
        assert 1 <= len(result.ids) <= MAX_SUGGESTIONS
        assert list(result.ids) == ranked[: len(result.ids)]
    else:
        assert result.decision == "none" and result.ids == ()
    assert result.detected_lang in (None, *LANGUAGES)


@SOME
@given(question=st.sampled_from(QUESTIONS), lang=st.sampled_from([None, *LANGUAGES]),
       data=st.data())
def test_noise_around_a_question_does_not_change_the_match(
    question: str, lang: str | None, data: st.DataObject
) -> None:
    expected = MATCHER.match(question, lang)
    assert MATCHER.match(sprinkle(question, INVISIBLE, data), lang) == expected
    assert MATCHER.match(question.upper(), lang) == expected
    pad = st.text(st.sampled_from(" \n\t?!.,¿¡()«»\"👍🙏🏽🇫🇮"), max_size=6)
    padded = f"{data.draw(pad)} {question} {data.draw(pad)}"
    assert MATCHER.match(padded, lang) == expected


# -- personal data -----------------------------------------------------------------------

_CHECK_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


@st.composite
def identity_codes(draw: st.DrawFn) -> str:
    """A valid Finnish personal identity code (old and 2023 century signs)."""
    day, month, year = draw(st.integers(1, 28)), draw(st.integers(1, 12)), draw(st.integers(0, 99))
    sign = draw(st.sampled_from("-+ABCDEFUVWXY"))
    individual = draw(st.integers(2, 899))
    digits = f"{day:02d}{month:02d}{year:02d}"
    code = f"{digits}{sign}{individual:03d}{_CHECK_CHARS[int(f'{digits}{individual:03d}') % 31]}"
    return code.lower() if draw(st.booleans()) else code


@SOME
@given(text=user_text)
def test_masking_accepts_anything(text: str) -> None:
    assert isinstance(mask_personal_data(text), str)


@MANY
@given(before=any_text, code=identity_codes(), after=any_text)
@example(before="hetu:", code="131052-308T", after="")
@example(before="hetu", code="131052-308T", after="kiitos")
@example(before="5", code="131052-308T", after="0")
def test_an_identity_code_anywhere_is_masked(before: str, code: str, after: str) -> None:
    assert code not in mask_personal_data(before + code + after)


# -- splitting long messages -------------------------------------------------------------

NOT_SPACE = st.characters(exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"])
escaped = st.text(NOT_SPACE, min_size=1, max_size=20).map(lambda s: html.escape(s, quote=False))
element = st.one_of(
    escaped, escaped,
    escaped.map(lambda s: f"<b>{s}</b>"), escaped.map(lambda s: f"<i>{s}</i>"),
    escaped.map(lambda s: f'<a href="https://example.org/{len(s)}">{s}</a>'),
)
#: Lines of words with markup, and long lines of escaped text (as answers are), some of
#: them one element (a quoted question in <i>…</i>) that may have to be cut in two.
short_line = st.lists(element, min_size=1, max_size=4).map(" ".join)
long_line = st.lists(escaped, min_size=1, max_size=40).map(
    lambda words: " ".join(words) if len(words) % 3 else "".join(words))
quoted_line = long_line.map(lambda line: f"<i>{line}</i>")
paragraph = st.lists(st.one_of(short_line, long_line, quoted_line), min_size=1,
                     max_size=4).map("\n".join)
gap = st.sampled_from(["\n\n", "\n\n", "\n\n\n", "\n\n\n\n", "\n \n"])


@st.composite
def html_documents(draw: st.DrawFn) -> str:
    paragraphs = draw(st.lists(paragraph, min_size=1, max_size=6))
    text = paragraphs[0]
    for p in paragraphs[1:]:
        text += draw(gap) + p
    return text


def _visible(text: str) -> str:
    """The text without markup and whitespace (where splitting may add or drop them)."""
    return "".join(ch for ch in re.sub(r"<[^>]*>", "", text) if not ch.isspace())


@MANY
@given(text=html_documents(), limit=st.integers(64, 400))
@example(text="a" * 100 + "\n\n\n\n\n\n" + "b" * 100, limit=100)
@example(text='<a href="https://example.org/1">0</a> <a href="https://example.org/1">0</a>',
         limit=64)
@example(text="<i>" + "&lt;b&gt;&amp;" * 40 + "</i>", limit=200)
def test_split_parts_fit_lose_nothing_and_stay_well_formed(text: str, limit: int) -> None:
    parts = split_html(text, limit)
    assert all(0 < len(part) <= limit for part in parts)
    assert all(part.strip() for part in parts), "Telegram refuses an empty message"
    assert _visible("".join(parts)) == _visible(text)
    for part in parts:
        assert_telegram_html(part)


@SOME
@given(text=user_text, limit=st.integers(16, 5000))
def test_split_escaped_user_text_never_cuts_an_entity(text: str, limit: int) -> None:
    escaped_text = html.escape(text, quote=False)
    parts = split_html(escaped_text, limit)
    assert all(len(part) <= limit for part in parts)
    assert _visible("".join(parts)) == _visible(escaped_text)
    for part in parts:
        assert not html_problems(part)


# -- the content loader ------------------------------------------------------------------

ENTRY = "entries/kela-card.yaml"


@pytest.fixture(scope="module")
def content_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "entries").mkdir()
        (folder / "topics.yaml").write_text(TOPICS, encoding="utf-8")
        yield folder


def _load(folder: Path, data: bytes) -> tuple[bool, list[str]]:
    """Validate the folder with `data` as its only entry: (content returned, error files)."""
    (folder / ENTRY).write_bytes(data)
    content, report = validate_content(folder)
    files = [p.file for p in report.errors]
    assert (content is None) == bool(files), "content must come back exactly when error-free"
    if content is not None:
        assert list(content.entries) == ["kela-card"]
    return content is not None, files


def test_the_template_entry_is_valid(content_dir: Path) -> None:
    assert _load(content_dir, GOOD_ENTRY.encode()) == (True, [])


YAML_BITS = [
    ":", ": ", "- ", "  ", "    ", "'", '"', "[", "]", "{", "}", ",", "&a ", "*a", "*b", "!!int ",
    "!!float ", "!!binary ", "!!timestamp ", "!!set ", "!!python/object:os.system ", "? ",
    "---\n", "...\n", "%YAML 1.1\n", "# ", "|", ">", "\n", "2026-02-30", "2026-13-01",
    "0000-00-00", "2026-11-01 99:00:00", "<<: *a\n", "\x00", "\ufeff", "\x85", "~", "null",
    "yes", "0x", "0o9", "1e999", ".nan", "[health]", "{a: b}", "@", "`", "%",
]


@st.composite
def garbled_entries(draw: st.DrawFn) -> str:
    """The good entry after an adviser's (or a cat's) edits."""
    lines = GOOD_ENTRY.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "duplicate", "swap", "replace"]))
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        if kind == "insert":
            at = draw(st.integers(0, len(line)))
            bit = draw(st.one_of(st.sampled_from(YAML_BITS), st.text(ANY_CHAR, max_size=4)))
            lines[i] = line[:at] + bit + line[at:]
        elif kind == "delete":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + line[at + draw(st.integers(1, 6)):]
        elif kind == "duplicate":
            lines.insert(i, line)
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            key = line.split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(YAML_BITS))}\n"
    return "".join(lines)


@SOME
@given(text=st.one_of(st.text(ANY_CHAR, max_size=300), any_text, garbled_entries()))
@example(text="- " * 1000)
@example(text=GOOD_ENTRY.replace("2026-11-01", "2026-02-30"))
@example(text=GOOD_ENTRY.replace("topic: health", "topic: [health]"))
def test_any_text_as_an_entry_is_reported_or_loaded_never_raises(
    content_dir: Path, text: str
) -> None:
    loaded, files = _load(content_dir, text.encode("utf-8"))
    assert loaded or ENTRY in files


@SOME
@given(data=st.binary(max_size=300))
@example(data=b"\xff\xfe" + GOOD_ENTRY.encode("utf-16-le"))
@example(data=GOOD_ENTRY.encode() + b"\xc3")
def test_any_bytes_as_an_entry_are_reported_or_loaded_never_raise(
    content_dir: Path, data: bytes
) -> None:
    loaded, files = _load(content_dir, data)
    assert loaded or ENTRY in files


def test_an_impossible_date_is_reported_on_its_line(content_dir: Path) -> None:
    (content_dir / ENTRY).write_text(GOOD_ENTRY.replace("2026-11-01", "2026-02-30"))
    content, report = validate_content(content_dir)
    assert content is None
    assert [(p.file, p.line) for p in report.errors] == [(ENTRY, 6)]
    assert "YYYY-MM-DD" in report.errors[0].message


#: Edits that always make an entry invalid.
BREAKERS: list[Callable[[str], str]] = [
    lambda s: s.replace("  name: Kela", "\tname: Kela"),
    lambda s: s.replace("reviewed: 2026-11-01", "reviewed: 2026-02-30"),
    lambda s: s.replace("reviewed: 2026-11-01", "reviewed: 2026-13-01"),
    lambda s: s.replace("reviewed: 2026-11-01", "reviewed: 2026-11-01 25:00:00"),
    lambda s: s.replace("topic: health", "topic: [health]"),
    lambda s: s.replace("topic: health", "topic: {health: 1}"),
    lambda s: s.replace("id: kela-card", "id: [kela-card]"),
    lambda s: s.replace("id: kela-card\n", ""),
    lambda s: s.replace("fi:", "fu:"),
    lambda s: s.replace("  answer: |", "  answer: !!int |"),
    lambda s: s + 'oops: "unclosed\n',
    lambda s: s + "topic: health\n",
    lambda s: s + "  - stray item\n",
    lambda s: "- " + s.replace("\n", "\n  "),
]


@SOME
@given(breaker=st.sampled_from(BREAKERS), noise=st.lists(
    st.tuples(st.integers(0, 10_000), st.sampled_from([" ", "#x", "\u200b", "é", "👍"])),
    max_size=3))
def test_broken_entries_are_reported_by_file_and_never_loaded(
    content_dir: Path, breaker: Callable[[str], str], noise: list[tuple[int, str]]
) -> None:
    text = breaker(GOOD_ENTRY)
    lines = text.splitlines(keepends=True)
    for where, bit in noise:  # harmless noise at the end of a text value
        i = where % len(lines)
        if lines[i].lstrip().startswith(("question:", "answer:", "name:")):
            lines[i] = lines[i].rstrip("\n") + bit + "\n"
    loaded, files = _load(content_dir, "".join(lines).encode())
    assert not loaded and ENTRY in files


# -- the conversation --------------------------------------------------------------------

@pytest.fixture(scope="module")
def live() -> Iterator[tuple[asyncio.AbstractEventLoop, Conversation]]:
    """One conversation with hand-off on, on an event loop of its own (for hypothesis)."""
    loop = asyncio.new_event_loop()
    with tempfile.TemporaryDirectory() as drafts:
        neuvo = make_neuvo(make_settings(drafts_dir=Path(drafts)), handoff=True)
        loop.run_until_complete(neuvo.initialize())
        yield loop, neuvo.conversation
        loop.run_until_complete(neuvo.shutdown())
    loop.close()


_USERS = itertools.count(1)
_MUNICIPALITY_IDS = sorted(bundled_knowledge().directory.municipalities)
_PREFIXES = [
    "", "lang:", "menu:", "topic:", "q:", "s:", "s:1:", "nm:", "fb:", "fb:1:", "fg:", "adv:",
    "adv:done:", "adv:file:", "mun:p:", "mun:p:0:", "mun:s:", "act:", "act:*:a:", "act:*:l:",
    "act:language-cafe:a:", "tk:take:", "tk:close:", "tk:faq:", "tk:", ":", "::",
]
_WHOLE = [
    "menu:main", "menu:ask", "menu:topics", "menu:lang", "menu:act", "menu:meet", "adv:ask",
    "adv:start", "adv:send", "adv:name", "adv:cancel", "adv:file:1", "adv:file:0", "fg:ask",
    "fg:no", "fg:yes", "lang:fi", "lang:ar", "lang:ckb", "topic:kela", "q:kela-card",
    "s:1:kela-card", "nm:1", "fb:1:1", "fb:1:0", "act:*:a:0", "act:*:l:4", "mun:p:1:act",
    *(f"mun:s:{m}:act" for m in _MUNICIPALITY_IDS[:3]), "mun:s:jyvaskyla:adv", "tk:take:1",
    "tk:close:1", "tk:faq:1",
]
_TAILS = st.one_of(
    st.sampled_from(["0", "1", "-1", "00", "kela-card", "*", "a", "l", "act", "adv", "a.sports",
                     "x:y:z", "1:1", "1:2", "٣", "１", "²", "①", "9" * 30, " 1", "1 ", "\u200b1",
                     "jyvaskyla", "jyvaskyla:act", "p:0:act", "s:laukaa:adv", "done:1",
                     "file:1", "x" * 56]),
    st.text(ANY_CHAR, max_size=16),
)


def _fits(data: str) -> bool:
    return len(data.encode()) <= 64


#: Any callback data up to Telegram's 64 bytes, often shaped like the bot's own.
callback_data = st.one_of(
    st.sampled_from(_WHOLE),
    st.builds(str.__add__, st.sampled_from(_PREFIXES), _TAILS),
    st.text(ANY_CHAR, max_size=64),
).filter(_fits)
command_names = st.one_of(
    st.sampled_from(["start", "help", "menu", "language", "privacy", "forget", "adviser",
                     "tickets", "close", "reload", "", "START", "start@neuvo_test_bot"]),
    st.text(ANY_CHAR, max_size=32),
)
desk_commands = st.one_of(
    st.sampled_from(["tickets", "stats", "close", "ban", "unban", "faq", "take"]),
    st.text(ANY_CHAR, max_size=12),
)
ticket_args = st.one_of(st.sampled_from(["1", "#1", " 2 ", "", "²", "9" * 30, "-1", "１"]),
                        any_text)
#: Message and topic ids as Telegram sends them (JSON-safe integers), often near the bot's.
message_ids = st.one_of(st.none(), st.integers(-(2**53), 2**53), st.integers(990, 1100))
action = st.one_of(
    st.tuples(st.just("text"), user_text),
    st.tuples(st.just("button"), callback_data),
    st.tuples(st.just("command"), command_names, any_text),
    # Where the user's own words are shown back: the question for an adviser.
    st.tuples(st.just("command"), st.just("adviser"), user_text),
    # The advisers' side of the hand-off: their buttons, commands and replies.
    st.tuples(st.just("desk button"), callback_data),
    st.tuples(st.just("desk command"), desk_commands, ticket_args),
    st.tuples(st.just("adviser reply"), message_ids, message_ids, user_text),
)
platform_langs = st.one_of(st.none(), st.sampled_from([*LANGUAGES, "ku", "en-GB", "pt-br", ""]),
                           st.text(ANY_CHAR, max_size=8))


def check_outcome(outcome: Outcome | None) -> None:
    """What Telegram would accept: well-formed HTML, non-empty texts, 64-byte callback data."""
    if outcome is None:
        return
    messages: list[Message] = [*outcome.messages, *([outcome.edit] if outcome.edit else []),
                               *(post.message for post in outcome.to_advisers),
                               *(delivery.message for delivery in outcome.to_users)]
    for message in messages:
        assert message.html.strip(), "Telegram refuses an empty message"
        assert_telegram_html(message.html)
        for row in message.buttons:
            for button in row:
                assert button.label.strip(), f"a button without a label: {button}"
                assert 1 <= len(button.data.encode()) <= 64, f"callback data: {button.data!r}"
        if message.location_button is not None:
            assert message.location_button.strip()
    if outcome.toast is not None:
        assert len(outcome.toast) <= 200, "Telegram's limit for a callback answer"


async def _play(conversation: Conversation, user: User, steps: list[tuple[Any, ...]]) -> None:
    handoff = conversation.handoff
    assert handoff is not None
    for step in steps:
        outcome: Outcome | None
        if step[0] == "text":
            outcome = await conversation.text(user, step[1])
        elif step[0] == "button":
            outcome = await conversation.button(user, step[1])
        elif step[0] == "command":
            outcome = await conversation.command(user, step[1], step[2])
        elif step[0] == "desk button":
            outcome = await handoff.desk_button(step[1])
        elif step[0] == "desk command":
            outcome = await handoff.desk_command(step[1], step[2])
        else:
            outcome = await handoff.adviser_reply(step[1], step[2], step[3])
        check_outcome(outcome)


def play(live: tuple[asyncio.AbstractEventLoop, Conversation], steps: list[tuple[Any, ...]],
         platform_lang: str | None = "en") -> None:
    loop, conversation = live
    user = User(f"prop:{next(_USERS)}", platform_lang, chat_id=10_000 + next(_USERS))
    loop.run_until_complete(_play(conversation, user, steps))


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(steps=st.lists(action, min_size=1, max_size=6), platform_lang=platform_langs)
@example(steps=[("command", "adviser", ""), ("text", "<b>&" * 1024), ("button", "adv:send"),
                ("text", "</i><u>x</u> & 131052-308T"), ("desk command", "faq", "1"),
                ("adviser reply", None, None, "<b>&")], platform_lang=None)
@example(steps=[("text", "\u202e" + "🧑‍🤝‍🧑" * 500 + "\u200b" * 100)], platform_lang="ar")
@example(steps=[("command", "adviser", "<script>alert(1)</script> &amp; &"),
                ("button", "adv:name")], platform_lang="fa")
@example(steps=[("button", "menu:act"), ("button", "mun:s:jyvaskyla:act"),
                ("button", "act:*:a:0"), ("button", "act:*:l:0")], platform_lang="uk")
def test_the_conversation_survives_anything_and_sends_valid_html(
    live: tuple[asyncio.AbstractEventLoop, Conversation],
    steps: list[tuple[Any, ...]], platform_lang: str | None,
) -> None:
    play(live, steps, platform_lang)


@pytest.mark.parametrize("steps", [
    # Digits str.isdigit() takes but int() refuses ('²', '①'), and numbers too large for
    # SQLite, in every number field of callback data and desk commands.
    *([("button", data)] for data in (
        "nm:²", "fb:²:1", "s:²:kela-card", "mun:p:²:act", "act:*:a:①", "nm:" + "9" * 30,
        "fb:" + "9" * 30 + ":1", "s:" + "9" * 30 + ":kela-card")),
    [("desk button", "tk:take:²")], [("desk button", "tk:close:" + "9" * 30)],
    [("desk command", "close", "²")], [("desk command", "ban", "9" * 30)],
    # Free fields of mun:/act: data once copied into new buttons past 64 bytes.
    [("button", "mun:p:0:" + "x" * 56)],
    [("button", "mun:s:nowhere:" + "x" * 50)],
    [("button", "mun:s:jyvaskyla:act"), ("button", "act:*:" + "x" * 54 + ":999")],
], ids=lambda steps: repr(steps[-1][-1])[:24])
def test_callback_data_that_once_broke_the_bot(
    live: tuple[asyncio.AbstractEventLoop, Conversation], steps: list[tuple[Any, ...]]
) -> None:
    play(live, steps)
