"""Writing help: coverage, outdated translations, plain-language hints, near-duplicate
questions, stale entries and link syntax, each pointing at the right file and line."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import shutil
import textwrap
from pathlib import Path

import pytest

from bot.content.links import find_urls, url_problem
from bot.content.loader import load_content
from bot.content.plain_language import hints
from bot.i18n.languages import LANGUAGES
from bot.matching.matcher import Matcher
from bot.tools.review import (
    HINT,
    WARNING,
    add_review_arguments,
    confusable_entries,
    coverage,
    format_coverage,
    months_before,
    print_review,
    review_content,
)
from tests.paths import FAQ, VECTORS

TODAY = dt.date(2026, 11, 22)
TOPICS = "health:\n  names:\n    fi: Terveys\n    en: Health\n"


def entry(entry_id: str, *blocks: str, reviewed: str = "2026-11-01") -> str:
    """An entry file: the common fields, then language blocks (each dedented)."""
    return (f"id: {entry_id}\ntopic: health\nsource:\n  name: Kela\n"
            f"  url: https://www.kela.fi/kela-card\nreviewed: {reviewed}\n"
            + "".join(textwrap.dedent(block) for block in blocks))


def make(tmp_path: Path, **entries: str) -> Path:
    (tmp_path / "entries").mkdir()
    (tmp_path / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    for name, text in entries.items():
        (tmp_path / "entries" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def warnings_for(folder: Path, stale_months: int = 12) -> list[str]:
    review = review_content(folder, load_content(folder), stale_months=stale_months, today=TODAY)
    assert all(p.severity == WARNING for p in review.warnings)
    return [str(p) for p in review.warnings]


def hint_lines(folder: Path, lang: str) -> list[str]:
    review = review_content(folder, load_content(folder), today=TODAY)
    assert all(p.severity == HINT for p in review.hints[lang])
    return [str(p) for p in review.hints[lang]]


FI_EN = """\
fi:
  question: Miten saan Kela-kortin?
  answer: Kela antaa kortin.
en:
  question: How do I get a Kela card?
  answer: Kela gives you the card.
"""


def test_coverage_counts_missing_outdated_and_undated_translations(tmp_path: Path) -> None:
    folder = make(
        tmp_path,
        a=entry("a", FI_EN, """\
            sv:
              question: Hur får jag FPA-kort?
              translated: 2026-10-01
              answer: FPA ger dig kortet.
            """),
        b=entry("b", """\
            fi:
              question: Missä on terveysasema?
              answer: Terveysasema on lähellä.
            en:
              question: Where is the health centre?
              translated: 2026-11-02
              answer: The health centre is near.
            """),
        c=entry("c", """\
            fi:
              question: Mikä on hätänumero?
              answer: Hätänumero on 112.
            """),
    )
    table = {lc.lang: lc for lc in coverage(load_content(folder))}
    assert set(table) == set(LANGUAGES)
    assert table["fi"].present == ("a", "b", "c") and table["fi"].missing == ()
    assert table["en"].present == ("a", "b") and table["en"].missing == ("c",)
    assert table["en"].undated == ("a",) and table["en"].outdated == ()
    assert table["sv"].present == ("a",) and table["sv"].outdated == ("a",)
    assert table["so"].missing == ("a", "b", "c")

    text = format_coverage(list(table.values()), 3, detailed=True)
    assert "  sv          1    33%         1        0" in text
    assert "  en          2    66%         0        1" in text
    assert "missing in sv (2): b, c" in text
    assert "missing in ru, uk, ar, fa, ckb, so (3): a, b, c" in text
    assert "outdated in sv (1): a" in text
    summary = format_coverage(list(table.values()), 3, detailed=False)
    assert summary.startswith("translations: fi 100% · sv 33% · en 66%")


def test_translation_checked_before_the_finnish_review_is_reported_at_its_date(
    tmp_path: Path,
) -> None:
    folder = make(tmp_path, a=entry("a", FI_EN, """\
        sv:
          question: Hur får jag FPA-kort?
          translated: 2026-10-01
          answer: FPA ger dig kortet.
        ru:
          question: Как получить карточку Kela?
          translated: 2026-11-01
          answer: Kela даёт карточку.
        """))
    found = warnings_for(folder)
    assert found == [
        "entries/a.yaml:15: warning: sv: translation checked 2026-10-01, before the Finnish "
        "text was reviewed (2026-11-01): compare it with the Finnish, fix it and update "
        "'translated:'"
    ]


def test_entries_not_reviewed_in_n_months(tmp_path: Path) -> None:
    folder = make(tmp_path, old=entry("old", FI_EN, reviewed="2025-10-01"),
                  new=entry("new", FI_EN.replace("Kela", "Vero"), reviewed="2026-01-01"))
    found = warnings_for(folder)
    assert len(found) == 1
    assert found[0].startswith("entries/old.yaml:6: warning: last reviewed 2025-10-01, over 12")
    assert "https://www.kela.fi/kela-card" in found[0]
    assert len(warnings_for(folder, stale_months=6)) == 2
    assert warnings_for(folder, stale_months=0) == []


def test_months_before_keeps_the_day_or_takes_the_last_of_a_short_month() -> None:
    assert months_before(dt.date(2026, 11, 22), 12) == dt.date(2025, 11, 22)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 1, 15), 14) == dt.date(2024, 11, 15)


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("fi", "Sinä voit hakea tukea, jos sinulla on pieni palkka ja asut Suomessa ja "
               "sinulla on lapsia ja puoliso.", "a sentence of 18 words (aim for at most 15)"),
        ("fi", "Tarvitset henkilöllisyystodistuksen.", "a long word “henkilöllisyystodistuksen”"),
        ("fi", "Hakemus käsitellään nopeasti.", "passive “käsitellään”"),
        ("fi", "Hakemukset käsiteltiin nopeasti.", "passive “käsiteltiin”"),
        ("fi", "Ilmoita muutosta DVV:lle.", "the abbreviation DVV is not explained"),
        ("en", "The card is sent to you by post.", "passive “is sent”"),
        ("en", "Your application was quickly processed.", "passive “was quickly processed”"),
        ("en", "Ask YKI for the test.", "the abbreviation YKI is not explained"),
        ("sv", "Kortet skickas per post.", "passive “skickas”"),
        ("sv", "Blanketten måste lämnas in.", "passive “måste lämnas”"),
        ("so", " ".join(["erey"] * 21) + ".", "a sentence of 21 words (aim for at most 20)"),
        ("ru", "Обратитесь в ВНЖ-отдел.", "the abbreviation ВНЖ is not explained"),
    ],
)
def test_each_hint_kind_triggers(lang: str, text: str, expected: str) -> None:
    assert any(expected in hint.message for hint in hints(text, lang)), hints(text, lang)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fi", "Kela maksaa tuen. Hae tukea netissä. Kela lähettää kortin kotiin."),
        ("fi", "Mene kuntaan tai kotiin. En tiedä mitään. Vie se kenttään."),  # noun lookalikes
        ("fi", "Rekisteröidy DVV:ssä (Digi- ja väestötietovirasto). Käy DVV:ssä pian."),
        ("fi", "Digi- ja väestötietovirasto (DVV) auttaa. EU-kansalainen voi tulla."),
        ("fi", "Digi- ja väestötietovirasto eli DVV rekisteröi sinut."),
        ("fi", "Mene TE-toimistoon (työ- ja elinkeinotoimisto)."),
        ("fi", "Lue lisää: https://www.maahanmuuttovirasto.fi/oleskelulupahakemus-ohjeet"),
        ("en", "Kela sends you the card. You are interested in work."),
        ("sv", "Du får kortet per post. Det finns hjälp."),
        ("ar", "كيلا ترسل لك البطاقة."),
    ],
)
def test_a_plain_answer_gets_no_hints(lang: str, text: str) -> None:
    assert hints(text, lang) == []


def test_hints_point_at_the_line_of_the_sentence_in_every_yaml_style(tmp_path: Path) -> None:
    folder = make(tmp_path, a=entry("a", """\
        fi:
          question: Miten saan Kela-kortin?
          answer: |
            Kela antaa kortin.
            Kela antaa kortin.
            Hakemus käsitellään Kelassa.
        en:
          question: How do I get a Kela card?
          answer: >
            Kela gives you the card.
            The card is sent by post.
        sv:
          question: Hur får jag FPA-kort?
          answer: Kortet skickas per post.
        """))
    assert hint_lines(folder, "fi") == [
        "entries/a.yaml:12: hint: fi: passive “käsitellään”: say who does it "
        "(Kela maksaa …, Sinä haet …)"
    ]
    assert [h.split(": hint:")[0] for h in hint_lines(folder, "en")] == ["entries/a.yaml:17"]
    assert [h.split(": hint:")[0] for h in hint_lines(folder, "sv")] == ["entries/a.yaml:20"]


def test_near_duplicate_questions_across_files_name_both_places(tmp_path: Path) -> None:
    folder = make(
        tmp_path,
        card=entry("card", FI_EN),
        lost=entry("lost", """\
            fi:
              question: Kadotin korttini
              alternates:
                - Kela-kortti hukassa
                - miten saan kela kortin
              answer: Tilaa uusi kortti.
            """),
    )
    found = warnings_for(folder)
    assert found == [
        "entries/card.yaml:8: warning: fi: “Miten saan Kela-kortin?” is 100% like “miten saan "
        "kela kortin” of 'lost' (entries/lost.yaml:11); the bot may mix the two entries up: "
        "reword one, or merge the entries"
    ]


#: An entry about another thing than FI_EN's Kela card, in other words.
TAX_ENTRY = entry("tax", """\
        fi:
          question: Miten saan verokortin?
          answer: Vero antaa kortin.
        en:
          question: Where do I pay taxes?
          answer: Vero collects taxes.
        """)


def test_different_questions_are_not_near_duplicates(tmp_path: Path) -> None:
    folder = make(tmp_path, card=entry("card", FI_EN), tax=TAX_ENTRY)
    assert warnings_for(folder) == []


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://www.kela.fi/kela-card?x=1#top", None),
        ("http://migri.fi/a_(b)", None),
        ("www.infofinland.fi", None),
        ("htps://kela.fi", "must start with https://"),
        ("https//kela.fi", "lacks the ':'"),
        ("https:/kela.fi", "exactly two slashes"),
        ("https://kela", "needs a host name"),
        ("https://kela..fi", "needs a host name"),
        ("https://kela.fi:80a/", "malformed host or port"),
        ("https://kela.123", "does not end its host name"),
        ("https://kela.fi/kela card", "contains a space"),
    ],
)
def test_link_syntax(url: str, problem: str | None) -> None:
    found = url_problem(url)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_urls_in_text_leave_sentence_punctuation_out() -> None:
    text = "Katso https://kela.fi. Tai (www.migri.fi), tai https://x.fi/A_(b)."
    assert [url for _, url in find_urls(text)] == [
        "https://kela.fi", "www.migri.fi", "https://x.fi/A_(b)"]


def test_broken_links_in_source_and_answers_are_warned_at_their_line(tmp_path: Path) -> None:
    folder = make(tmp_path, a=entry("a", FI_EN.replace(
        "Kela gives you the card.", "Kela gives you the card. See https//kela.fi or kela.fi.",
    )).replace("https://www.kela.fi/kela-card", "https://kela"))
    # The addresses are only in the English: that difference is another warning.
    found = [w for w in warnings_for(folder) if "differ from the Finnish" not in w]
    assert found[0].startswith("entries/a.yaml:5: warning: source: the address 'https://kela'")
    assert found[1].startswith("entries/a.yaml:12: warning: en: the address 'https//kela.fi'")
    assert len(found) == 2


def test_print_review_lists_coverage_warnings_and_chosen_hints(tmp_path: Path) -> None:
    folder = make(tmp_path, a=entry("a", """\
        fi:
          question: Miten saan Kela-kortin?
          answer: Hakemus käsitellään nopeasti.
        en:
          question: How do I get a Kela card?
          answer: The card is sent to you.
        """, reviewed="2020-01-01"))
    parser = argparse.ArgumentParser()
    add_review_arguments(parser)

    def output(*argv: str) -> str:
        out = io.StringIO()
        print_review(folder, load_content(folder), parser.parse_args(argv), out)
        return out.getvalue()

    default = output()
    assert default.splitlines()[1].startswith("translations: fi 100% · sv 0% · en 100%")
    assert "entries/a.yaml:6: warning: last reviewed 2020-01-01" in default
    # Hints are only counted unless asked for, so that warnings stand out.
    assert ": hint:" not in default
    assert default.rstrip().endswith(
        "1 warnings, 0 hints; not listed: fi 1, en 1 (--hints fi,en lists them)")
    finnish = output("--hints")
    assert "entries/a.yaml:9: hint: fi: passive “käsitellään”" in finnish
    assert "hint: en:" not in finnish
    assert finnish.rstrip().endswith(
        "1 warnings, 1 hints; not listed: en 1 (--hints en lists them)")
    everything = output("--coverage", "--hints", "all", "--stale-months", "0")
    assert "Translations of 1 entries:" in everything
    assert "entries/a.yaml:12: hint: en: passive “is sent”" in everything
    assert ": warning:" not in everything
    assert everything.rstrip().endswith("0 warnings, 2 hints")
    assert ": hint:" not in output("--hints", "none")
    with pytest.raises(SystemExit):
        parser.parse_args(["--hints", "fi,xx"])


def test_bundled_content_review_points_every_problem_at_a_line() -> None:
    review = review_content(FAQ, load_content(FAQ), today=TODAY)
    problems = review.warnings + [p for found in review.hints.values() for p in found]
    assert problems and all(p.line is not None and p.line > 1 for p in problems)


def test_validate_prints_one_line_for_a_warning_many_files_share_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.tools.cli import main

    folder = make(tmp_path, **{name: entry(name, """\
        fi:
          question: Miten saan Kela-kortin {name}?
          answer: Kela-kortti tulee postissa.
        en:
          question: How do I get a Kela card {name}?
          answer: The card comes by post.
        """.replace("{name}", name)) for name in ("a", "b", "c")})
    shutil.copy(FAQ / "crisis.yaml", folder)  # the bot refuses content without crisis help
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.count("no translation yet in:") == 1
    assert "warning: no translation yet in: sv, ru, uk, ar, fa, ckb, so — 3 files: " in out
    assert "entries/a.yaml:1:" not in out
    # 7 missing names of the topic, the shared "no translation yet" (3 files) and the three
    # entries asked in nearly the same words, each confusable with another.
    assert out.rstrip().endswith(f"{folder}: 3 entries checked: 0 errors, 13 warnings — OK")
    assert "users asking like this may get the" in out


def test_translation_with_other_numbers_or_addresses_is_reported_at_its_answer(
    tmp_path: Path,
) -> None:
    folder = make(tmp_path, a=entry("a", """\
        fi:
          question: Mikä on Päivystysavun numero?
          answer: Soita numeroon 116117 tai katso 116117.fi.
        en:
          question: What is the medical helpline number?
          answer: Call 116 117 or see https://www.116117.fi/.
        sv:
          question: Vilket är Jourhjälpens nummer?
          translated: 2026-11-02
          answer: |
            Ring numret 116118.
            Se 116117.fi.
        """))
    assert warnings_for(folder) == [
        "entries/a.yaml:16: warning: sv: numbers or addresses differ from the Finnish answer "
        "(numbers missing: 116117; numbers not in the Finnish: 116118): copy them exactly from "
        "the Finnish"
    ]


def test_a_source_that_is_a_front_page_is_reported(tmp_path: Path) -> None:
    (tmp_path / "front").mkdir()
    front = make(tmp_path / "front", a=entry("a", FI_EN).replace(
        "https://www.kela.fi/kela-card", "https://mieli.fi/en/"))
    assert warnings_for(front) == [
        "entries/a.yaml:5: warning: source: https://mieli.fi/en/ is a front page: link the "
        "page that states the facts, so that they can be checked again"
    ]
    (tmp_path / "page").mkdir()
    page = make(tmp_path / "page", a=entry("a", FI_EN).replace(
        "https://www.kela.fi/kela-card", "https://www.kela.fi/en/kela-card"))
    assert warnings_for(page) == []


def confusables(folder: Path) -> list[str]:
    content = load_content(folder)
    matcher = Matcher.from_content(content, VECTORS)
    problems = confusable_entries(folder, content, matcher)
    assert all(p.severity == WARNING for p in problems)
    return [str(p) for p in problems]


def test_entries_users_cannot_tell_apart_are_warned(tmp_path: Path) -> None:
    folder = make(tmp_path, card=entry("card", FI_EN), new=entry("new", """\
        fi:
          question: Miten haen Kelan korttia?
          answer: Hae OmaKelassa.
        en:
          question: How do I get my Kela card?
          answer: Apply in OmaKela.
        """), tax=entry("tax", """\
        fi:
          question: Miten saan verokortin?
          answer: Vero antaa kortin.
        """))
    found = confusables(folder)
    assert found and all("'new'" in p or "'card'" in p for p in found)
    assert not any("'tax'" in p for p in found)
    assert "may get the wrong entry" in found[0]


def test_distinct_entries_are_not_confusable(tmp_path: Path) -> None:
    folder = make(tmp_path, card=entry("card", FI_EN), tax=TAX_ENTRY)
    assert confusables(folder) == []
