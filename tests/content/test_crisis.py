"""Crisis help content: refused unless complete in nine languages, sourced and dated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content.crisis import CATEGORIES, load_crisis, validate_crisis
from bot.content.yamlfile import ContentInvalid, Report
from bot.i18n.languages import LANGUAGES
from tests.paths import FAQ


def copy(tmp_path: Path) -> Path:
    shutil.copy(FAQ / "crisis.yaml", tmp_path / "crisis.yaml")
    return tmp_path / "crisis.yaml"


def errors(folder: Path) -> list[str]:
    report = Report()
    assert validate_crisis(folder, report) is None
    return [str(e) for e in report.errors]


def test_bundled_crisis_help_is_complete() -> None:
    crisis = load_crisis(FAQ)
    assert set(crisis.cards) == set(CATEGORIES)
    for card in crisis.cards.values():
        assert set(card.texts) == set(LANGUAGES)
        assert "emergency" in card.lines
        for line_id in card.lines:
            line = crisis.lines[line_id]
            assert line.source_url.startswith("https://") and line.reviewed
            assert all(line.number in text for text in card.texts.values())


def test_a_missing_language_is_refused_with_file_and_line(tmp_path: Path) -> None:
    path = copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    start = text.index("    so: |", text.index("  violence:"))
    end = text.index("  emergency:\n    lines", start)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    [error] = errors(tmp_path)
    assert error.startswith("crisis.yaml:") and "'so'" in error and "violence" in error


def test_a_line_without_source_or_date_is_refused(tmp_path: Path) -> None:
    path = copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    text = text.replace("      url: https://nollalinja.fi/en\n", "", 1)
    text = text.replace("    reviewed: 2026-12-06\n", "", 1)
    path.write_text(text, encoding="utf-8")
    found = errors(tmp_path)
    assert any("nollalinja" in e and "source" in e for e in found)
    assert any("reviewed" in e for e in found)


def test_a_number_changed_in_one_language_is_refused(tmp_path: Path) -> None:
    path = copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    fi_card = text.index("    fi: |", text.index("  exploitation:"))
    changed = text[:fi_card] + text[fi_card:].replace("0295 463 177", "0295 463 171", 1)
    path.write_text(changed, encoding="utf-8")
    [error] = errors(tmp_path)
    assert "'fi'" in error and "0295 463 177" in error


def test_the_file_is_required(tmp_path: Path) -> None:
    with pytest.raises(ContentInvalid, match="crisis help file is missing"):
        load_crisis(tmp_path)
