"""`python -m bot directory`: what an adviser sees when checking the directory files."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pytest

from bot.local_guide.directory import HELSINKI
from bot.local_guide.directory.timefmt import format_day
from bot.tools.directory import add_parser
from tests.paths import FAQ


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["directory", *argv])
    return int(args.func(args))


def test_iisalmi_language_cafe_in_somali(capsys: pytest.CaptureFixture[str]) -> None:
    code = run("--content", str(FAQ), "-m", "IISALMI", "-i", "language-cafe", "--lang", "so",
               "--date", "2026-11-30", "--days", "14")
    out, err = capsys.readouterr()
    assert code == 0
    day = format_day(dt.datetime(2026, 12, 1, 17, tzinfo=HELSINKI), "so")
    assert out.startswith("Waxa soo socda – Iisalmi, Kafeega luqadda:\n\n☕ Kafeega luqadda\n"
                          f"🗓 {day} 17:00–18:30\n📍 Iisalmen kaupunginkirjasto\n")
    assert "<" not in out  # plain text: the HTML tags are gone
    assert "💻 Onlayn" in out  # the online group is found from Iisalmi too
    assert "La kulan la-taliye fool-ka-fool ah – Iisalmi:" in out
    assert "example data" in err  # sample records are flagged to the adviser


def test_municipality_by_swedish_name_and_language_filter(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run("--content", str(FAQ), "-m", "idensalmi", "--held-in", "ckb", "--lang", "en",
               "--date", "2026-11-30", "--days", "7") == 0
    out = capsys.readouterr().out
    assert "Fathers' group" in out and "Language café" not in out


def test_unknown_municipality_lists_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--content", str(FAQ), "-m", "Helsinki") == 2
    err = capsys.readouterr().err
    assert "unknown municipality 'Helsinki'; known: jyvaskyla (Jyväskylä)" in err
    assert "iisalmi (Iisalmi)" in err


def test_overview_and_activity_details(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--content", str(FAQ)) == 0
    assert "iisalmi      Iisalmi / Idensalmi" in capsys.readouterr().out
    assert run("--content", str(FAQ), "--activity", "iisalmi-language-cafe", "--lang", "en",
               "--date", "2026-12-20") == 0
    out = capsys.readouterr().out
    first = format_day(dt.datetime(2027, 1, 5, 17, tzinfo=HELSINKI), "en")
    assert f"Next times:\n• {first}, 17:00" in out  # the 22nd and 29th are exceptions
    assert "Organiser: Iisalmen kaupunginkirjasto" in out


def test_errors_and_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--content", str(tmp_path)) == 0
    assert "no directory" in capsys.readouterr().out
    (tmp_path / "directory").mkdir()
    assert run("--content", str(tmp_path)) == 1
    assert "directory/municipalities.yaml: error: the file is missing" in capsys.readouterr().err
