"""Content validation: every error kind names the file and line and says what to fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.content.loader import ContentInvalid, load_content, validate_content
from bot.i18n.languages import LANGUAGES
from tests.paths import FAQ

TOPICS = """\
health:
  icon: "🩺"
  names:
    fi: Terveys
    en: Health
"""

GOOD_ENTRY = """\
id: kela-card
topic: health
source:
  name: Kela
  url: https://www.kela.fi/
reviewed: 2026-11-01
keywords: [Kela-kortti]
fi:
  question: Miten saan Kela-kortin?
  alternates:
    - Mistä Kela-kortti?
  answer: |
    Kela-kortti näyttää, että sinulla on sairausvakuutus.
en:
  question: How do I get a Kela card?
  translated: 2026-11-02
  answer: The Kela card shows that you are insured.
"""


def make(tmp_path: Path, entries: dict[str, str], topics: str = TOPICS) -> Path:
    (tmp_path / "entries").mkdir()
    (tmp_path / "topics.yaml").write_text(topics, encoding="utf-8")
    for name, text in entries.items():
        (tmp_path / "entries" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def errors(folder: Path) -> list[str]:
    content, report = validate_content(folder)
    assert content is None
    return [str(p) for p in report.errors]


def test_good_entry_loads_with_all_fields(tmp_path: Path) -> None:
    content = load_content(make(tmp_path, {"kela-card.yaml": GOOD_ENTRY}))
    entry = content.entries["kela-card"]
    assert entry.topic == "health" and entry.source_name == "Kela"
    assert entry.texts["fi"].alternates == ("Mistä Kela-kortti?",)
    assert entry.texts["en"].translated is not None
    assert entry.keywords == ("Kela-kortti",)
    assert content.topics["health"].name("fi") == "Terveys"


def test_missing_translation_is_a_warning_not_an_error(tmp_path: Path) -> None:
    content, report = validate_content(make(tmp_path, {"kela-card.yaml": GOOD_ENTRY}))
    assert content is not None and not report.errors
    assert any("no translation yet in: sv" in str(w) for w in report.warnings)


def test_tab_character(tmp_path: Path) -> None:
    bad = GOOD_ENTRY.replace("  name: Kela", "\tname: Kela")
    assert errors(make(tmp_path, {"kela-card.yaml": bad})) == [
        "entries/kela-card.yaml:4: error: a tab character; indent with spaces only "
        "(2 spaces per level)"
    ]


def test_wrong_indent(tmp_path: Path) -> None:
    bad = GOOD_ENTRY.replace("  answer: |\n    Kela-kortti", "   answer: |\n    Kela-kortti")
    [message] = errors(make(tmp_path, {"kela-card.yaml": bad}))
    assert message.startswith("entries/kela-card.yaml:")
    assert "indentation" in message


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    folder = make(tmp_path, {"kela-card.yaml": GOOD_ENTRY, "other.yaml": GOOD_ENTRY})
    assert any(
        "other.yaml:1: error: the id 'kela-card' is already used by entries/kela-card.yaml"
        in e for e in errors(folder)
    )


def test_a_copied_file_is_told_to_take_a_new_id_and_the_original_is_left_alone(
    tmp_path: Path,
) -> None:
    # "kela-card-copy.yaml" sorts before "kela-card.yaml", so it is read first.
    folder = make(tmp_path, {"kela-card.yaml": GOOD_ENTRY, "kela-card-copy.yaml": GOOD_ENTRY})
    content, report = validate_content(folder)
    assert content is None
    assert [str(p) for p in report.errors] == [
        "entries/kela-card-copy.yaml:1: error: the id 'kela-card' is already used by "
        "entries/kela-card.yaml, which keeps it: if this file is a copy for a new question, "
        "give it a new id and rename the file to match (e.g. id: kela-card-2 in "
        "kela-card-2.yaml)"
    ]
    # Neither file is told to rename itself to the other's name.
    assert not any("name the file" in str(p) for p in report.warnings)


def test_of_two_files_not_named_after_the_id_the_newer_one_is_the_copy(tmp_path: Path) -> None:
    import os

    folder = make(tmp_path, {"b-original.yaml": GOOD_ENTRY, "a-new.yaml": GOOD_ENTRY})
    os.utime(folder / "entries" / "b-original.yaml", (1_000_000, 1_000_000))
    [message] = errors(folder)
    assert message.startswith("entries/a-new.yaml:1: error: the id 'kela-card' is already "
                              "used by entries/b-original.yaml")


def test_an_unclosed_quote_is_reported_where_it_opened(tmp_path: Path) -> None:
    bad = GOOD_ENTRY.replace("question: Miten saan Kela-kortin?",
                             'question: "Miten saan Kela-kortin?')
    [message] = errors(make(tmp_path, {"kela-card.yaml": bad}))
    assert message.startswith("entries/kela-card.yaml:9: error: a quote opened on this line "
                              "is never closed")


def test_an_unclosed_bracket_is_reported_where_it_opened(tmp_path: Path) -> None:
    bad = GOOD_ENTRY.replace("keywords: [Kela-kortti]", "keywords: [Kela-kortti")
    [message] = errors(make(tmp_path, {"kela-card.yaml": bad}))
    assert message.startswith("entries/kela-card.yaml:7: error: a '[' opened on this line")


def test_a_broken_file_hides_the_knock_on_problems_it_causes(tmp_path: Path) -> None:
    linking = (GOOD_ENTRY.replace("id: kela-card", "id: tax-card")
               .replace("keywords:", "related: [kela-card]\nkeywords:"))
    broken = GOOD_ENTRY.replace("question: Miten saan Kela-kortin?",
                                'question: "Miten saan Kela-kortin?')
    folder = make(tmp_path, {"kela-card.yaml": broken, "tax-card.yaml": linking},
                  topics=TOPICS + "work: [\n")
    content, report = validate_content(folder)
    assert content is None
    assert [p.file for p in report.errors] == ["topics.yaml", "entries/kela-card.yaml"]
    shown = [str(p) for p in report.errors + report.warnings]
    assert not any("related entry" in p or "unknown topic" in p for p in shown)
    assert report.summary() == ("2 files could not be read, 1 entries checked: 2 errors, "
                                "1 warning")


def test_duplicate_key_in_one_block(tmp_path: Path) -> None:
    bad = GOOD_ENTRY.replace("reviewed: 2026-11-01\n",
                             "reviewed: 2026-11-01\nreviewed: 2026-11-03\n")
    [message] = errors(make(tmp_path, {"kela-card.yaml": bad}))
    assert message.startswith("entries/kela-card.yaml:7: error: 'reviewed' appears twice")


def test_missing_finnish_text(tmp_path: Path) -> None:
    start, end = GOOD_ENTRY.index("fi:"), GOOD_ENTRY.index("en:")
    bad = GOOD_ENTRY[:start] + GOOD_ENTRY[end:]
    assert any("no Finnish text" in e for e in errors(make(tmp_path, {"kela-card.yaml": bad})))


def test_unknown_language_code(tmp_path: Path) -> None:
    bad = GOOD_ENTRY + "de:\n  question: Wie?\n  answer: So.\n"
    [message] = errors(make(tmp_path, {"kela-card.yaml": bad}))
    assert message.startswith("entries/kela-card.yaml:18: error: unknown language code 'de'")
    assert ", ".join(LANGUAGES) in message


def test_unknown_field_and_topic_and_bad_date(tmp_path: Path) -> None:
    bad = (GOOD_ENTRY.replace("topic: health", "topic: healht")
           .replace("reviewed: 2026-11-01", "reviewed: last week")
           .replace("keywords:", "keyword:"))
    found = errors(make(tmp_path, {"kela-card.yaml": bad}))
    assert any(":2: error: unknown topic 'healht'; use one of: health" in e for e in found)
    assert any(":6: error: 'reviewed' must be a date written as YYYY-MM-DD" in e for e in found)
    assert any(":7: error: unknown field 'keyword'" in e for e in found)


def test_empty_answer_and_missing_source(tmp_path: Path) -> None:
    bad = GOOD_ENTRY.replace("source:\n  name: Kela\n  url: https://www.kela.fi/\n", "").replace(
        "answer: The Kela card shows that you are insured.", "answer: ''")
    found = errors(make(tmp_path, {"kela-card.yaml": bad}))
    assert any("needs 'source:' with 'name:' and 'url:'" in e for e in found)
    assert any("'en' needs a non-empty 'answer:'" in e for e in found)


def test_topic_without_finnish_name(tmp_path: Path) -> None:
    topics = "health:\n  names:\n    en: Health\n"
    found = errors(make(tmp_path, {"kela-card.yaml": GOOD_ENTRY}, topics=topics))
    assert found == ["topics.yaml:1: error: topic 'health' needs a Finnish name (fi)"]


def test_load_content_raises_with_report(tmp_path: Path) -> None:
    folder = make(tmp_path, {"kela-card.yaml": GOOD_ENTRY.replace("id: kela-card", "id: Kela")})
    with pytest.raises(ContentInvalid) as info:
        load_content(folder)
    assert "entries/kela-card.yaml:1" in str(info.value)


def test_bundled_content_is_valid_and_rich() -> None:
    content, report = validate_content(FAQ)
    assert content is not None, report.errors
    assert len(content.entries) >= 30
    for entry in content.entries.values():
        assert {"fi", "en"} <= set(entry.texts), entry.id
        assert entry.source_url.startswith("https://") and entry.reviewed.year >= 2026
    everywhere = [e for e in content.entries.values() if set(LANGUAGES) <= set(e.texts)]
    assert len(everywhere) >= 12
    for topic in content.topics.values():
        assert set(LANGUAGES) <= set(topic.names), topic.id
