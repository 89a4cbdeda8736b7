"""The console chat as a newcomer runs it: `run_bot.py --console` with piped input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.paths import ROOT, VECTORS


def run(
    stdin: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("TELEGRAM_", "NEUVO_"))}
    environment["NEUVO_VECTORS"] = str(VECTORS)  # the vectors the test session encoded
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "run_bot.py", *args], input=stdin, capture_output=True, text=True,
        cwd=ROOT, env=environment, timeout=120, check=False,
    )


def test_piped_start_and_finnish_question() -> None:
    result = run("/start\nMiten saan Kela-kortin?\n", "--console")
    assert result.returncode == 0, result.stderr
    assert "[#1] Suomi" in result.stdout
    assert "Kela-kortti näyttää" in result.stdout
    assert "(https://www.kela.fi" in result.stdout


def test_without_token_the_console_starts_and_says_why() -> None:
    result = run("/help\n")
    assert result.returncode == 0
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr
    assert "/menu" in result.stdout


def test_buttons_are_pressed_by_number_and_lang_preset() -> None:
    result = run("/menu\n#2\n#1\n", "--console", "--lang", "so")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[#1]" in out and "[#2]" in out
    # #2 is "browse topics" in the menu, then #1 opens the first topic's questions.
    assert out.count("[#") > 6


def test_broken_content_is_reported_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "entries").mkdir()
    (tmp_path / "topics.yaml").write_text("kela:\n  names:\n    fi: Kela\n", encoding="utf-8")
    (tmp_path / "entries" / "x.yaml").write_text("id: x\n\ttopic: kela\n", encoding="utf-8")
    result = run("hello\n", "--console", env={"NEUVO_CONTENT": str(tmp_path)})
    assert result.returncode == 1
    assert "entries/x.yaml:2" in result.stderr and "tab" in result.stderr


def test_iisalmi_language_cafe_in_somali() -> None:
    result = run("/menu\n#3\nIisalmi\n#1\n", "--console", "--lang", "so")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Degmada: Iisalmi" in out or "Iisalmi" in out
    sessions = [line for line in out.splitlines() if line.startswith("🗓")]
    assert len(sessions) >= 2  # the next weeks' sessions
    assert all("17:00" in s or "18:00" in s for s in sessions)  # 24-hour times
    english_months = ("January", "February", "March", "April", "May", "June", "July",
                      "August", "September", "October", "November", "December")
    assert not any(month in out for month in english_months)
    assert "Kafeega luqadda" in out  # Somali


def test_the_console_says_what_to_type_and_edits_show_their_buttons() -> None:
    result = run("Miten saan Kela-kortin?\n#1\n#1\n", "--console", "--lang", "ar")
    assert result.returncode == 0, result.stderr
    assert "#1 presses button [#1]" in result.stderr
    answer, finnish, back = result.stdout.split("✎ ")
    assert "[#1] \u200f🇫🇮" in answer and "suomeksi" in answer
    # The edited card is printed with its own buttons, so it can be switched back.
    assert "Kela-kortti näyttää" in finnish and "العربية" in finnish.split("[#1]")[1]
    assert "Kela-kortti näyttää" not in back


def test_db_keeps_its_key_file_beside_it(tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite3"
    result = run("/start\n", "--console", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert db.is_file() and (tmp_path / "chat.sqlite3.key").is_file()
