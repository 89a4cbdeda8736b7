"""`python -m bot unanswered`: the same need groups across languages, drafts are safe to share."""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

import pytest
import yaml

from bot.content.loader import validate_content
from bot.matching.analysis import Analyzer
from bot.storage.storage import Storage
from bot.tools.unanswered import (
    Question,
    add_parser,
    analyzer_for,
    group_questions,
    read_questions,
)
from tests.conftest import bundled_knowledge
from tests.paths import FAQ

DAY = 86400
IDENTITY_CODE = "131052-308T"
PHONE = "040 123 4567"

# (lang, text, decision, feedback)
LIBRARY_CARD = [
    ("fi", "Miten saan kirjastokortin?", "none", None),
    ("fi", "Mistä voi hakea kirjastokorttia", "suggest", None),
    ("fi", f"Miten saan kirjastokortin? Soita minulle {PHONE}, tunnus {IDENTITY_CODE}",
     "none", None),
    ("en", "How do I get a library card?", "none", None),
    ("en", "How do I get a library card?", "suggest", -1),
    ("ru", "Как получить читательский билет в библиотеке?", "none", None),
    ("ar", "كيف أحصل على بطاقة المكتبة؟", "suggest", None),
    ("so", "Sidee baan ku helaa kaarka maktabadda?", "none", None),
]
DOG_REGISTRATION = [
    ("sv", "Var ska jag registrera min hund?", "none", None),
    ("fa", "سگم را کجا باید ثبت کنم؟", "suggest", None),
    ("uk", "Де зареєструвати собаку?", "none", None),
    # Answered, but the user said it did not help: it belongs in the listing.
    ("en", "Where do I register my dog?", "answer", -1),
]
SINGLETONS = [
    ("en", "How do I bake rye bread?", "none", None),
    ("fi", "Kuka voitti jalkapallo-ottelun eilen?", "suggest", None),
]
ANSWERED = [
    ("fi", "Mistä saan kirjastokortin ja paljonko se maksaa?", "answer", None),
    ("en", "How do I get a Kela card?", "answer", 1),
]
TOO_OLD = ("so", "Xagee laga helaa kaarka maktabadda?", "none", None)


async def seed(path: Path) -> None:
    storage = Storage(str(path), b"k" * 32)
    await storage.open()
    now = int(time.time())
    rows = [(now - 3600, row) for row in LIBRARY_CARD + DOG_REGISTRATION + SINGLETONS + ANSWERED]
    rows.append((now - 40 * DAY, TOO_OLD))
    for at, (lang, text, decision, feedback) in rows:
        await storage.db.execute(
            "INSERT INTO questions(pid, at, lang, text, decision, entry_id, score, feedback) "
            "VALUES ('p', ?, ?, ?, ?, NULL, 0.1, ?)",
            (at, lang, text, decision, feedback),
        )
    await storage.close()


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "neuvo.sqlite3"
    await seed(path)
    return path


def command(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["unanswered", *argv])
    return int(args.func(args))


def test_only_recent_unanswered_guessed_or_thumbs_down_questions_are_read(db: Path) -> None:
    questions = read_questions(str(db), int(time.time()) - 30 * DAY)
    texts = {q.text for q in questions}
    assert len(questions) == len(LIBRARY_CARD + DOG_REGISTRATION + SINGLETONS)
    assert "Where do I register my dog?" in texts
    assert not texts & {text for _, text, _, _ in [*ANSWERED, TOO_OLD]}
    assert not any(IDENTITY_CODE in text or PHONE in text for text in texts)


def test_the_same_need_groups_across_languages_most_asked_first(db: Path) -> None:
    questions = read_questions(str(db), int(time.time()) - 30 * DAY)
    groups = group_questions(questions, _analyzer())
    library, dog = groups[0], groups[1]
    assert library.size == len(LIBRARY_CARD)
    assert set(library.languages()) == {"fi", "en", "ru", "ar", "so"}
    assert library.languages()["en"] == 2
    assert library.decisions() == {"none": 5, "suggest": 3, "👎": 1}
    assert dog.size == len(DOG_REGISTRATION)
    assert set(dog.languages()) == {"sv", "fa", "uk", "en"}
    assert all(group.size == 1 for group in groups[2:])
    # Five examples, every language of the group before a second one of any language.
    assert {w.lang for w in library.examples()} == {"fi", "en", "ru", "ar", "so"}


def test_a_need_the_lexicon_does_not_know_groups_by_its_words_typos_included() -> None:
    snowmobile = ["Saako moottorikelkalla ajaa järven jäällä?",
                  "mootorikelkalla saa ajaa jarven jaalla?"]
    others = ["Kuka voitti jalkapallo-ottelun eilen?", "Mistä löydän halvan kampaajan?"]
    questions = [Question(text, "fi", "none", None) for text in [*snowmobile, *others]]
    groups = group_questions(questions, _analyzer())
    assert sorted(w.text for w in groups[0].wordings) == sorted(snowmobile)
    assert [g.size for g in groups] == [2, 1, 1]


def test_listing_shows_groups_with_languages_examples_and_nearest_entry(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert command("--db", str(db), "--content", str(FAQ)) == 0
    out = capsys.readouterr().out
    first, second = out.split("\n\n")[1:3]
    assert first.startswith("1. 8 questions")
    assert "fi 3" in first and "so 1" in first
    assert "[ar] كيف أحصل على بطاقة المكتبة؟" in first
    assert "(×2)" in first  # the English wording was asked twice
    assert second.startswith("2. 4 questions")
    assert "[uk] Де зареєструвати собаку?" in second
    assert "nearest entry" in first or "no entry comes close" in first
    assert "3. " not in out  # singletons are below --min-size 2
    assert IDENTITY_CODE not in out and PHONE not in out


def test_draft_is_a_masked_entry_in_the_loaders_format(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "drafts"
    assert command("--db", str(db), "--content", str(FAQ), "--draft", "1", "--out", str(out)) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.parent == out and path.is_file()
    text = path.read_text(encoding="utf-8")
    assert IDENTITY_CODE not in text and PHONE not in text
    draft = yaml.safe_load(text)
    assert draft["id"] == path.stem and draft["id"].startswith("draft-")
    assert draft["en"]["question"] == "How do I get a library card?"
    assert draft["so"]["question"] == "Sidee baan ku helaa kaarka maktabadda?"
    finnish = [draft["fi"]["question"], *draft["fi"]["alternates"]]
    assert "Mistä voi hakea kirjastokorttia" in finnish
    assert any("[henkilötunnus]" in q and "[phone]" in q for q in finnish)
    assert set(draft) >= {"topic", "source", "reviewed", "fi", "en", "ru", "ar", "so"}
    assert all(draft[lang]["answer"] == "" for lang in ("fi", "en", "ru", "ar", "so"))

    # With its placeholders filled in, the loader accepts the draft as it is.
    content = tmp_path / "faq"
    shutil.copytree(FAQ, content)
    filled = text.replace("topic: choose-a-topic", f"topic: {_a_topic()}").replace(
        'answer: ""', "answer: Vastaus.")
    (content / "entries" / path.name).write_text(filled, encoding="utf-8")
    loaded, report = validate_content(content)
    assert [p for p in report.problems if path.name in p.file and p.severity == "error"] == []
    assert loaded is not None and draft["id"] in loaded.entries

    # A second draft of the same group never overwrites the first (it may be edited already).
    assert command("--db", str(db), "--content", str(FAQ), "--draft", "1", "--out", str(out)) == 0
    assert Path(capsys.readouterr().out.strip()) != path
    assert path.read_text(encoding="utf-8") == text


def test_a_group_number_not_in_the_listing_is_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert command("--db", str(db), "--content", str(FAQ), "--draft", "3",
                   "--out", str(tmp_path)) == 1
    assert "groups 1 to 2" in capsys.readouterr().err


def _analyzer() -> Analyzer:
    return analyzer_for(bundled_knowledge().content)


def _a_topic() -> str:
    return next(iter(bundled_knowledge().content.topics))
