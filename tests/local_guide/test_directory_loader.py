"""Directory validation: file, line and what to fix; example data flagged; sample valid."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from bot.content.yamlfile import ContentInvalid
from bot.i18n.languages import LANGUAGES
from bot.local_guide.directory import HELSINKI, load_directory, validate_directory
from tests.paths import FAQ

TODAY = dt.date(2026, 11, 22)

MUNICIPALITIES = """\
iisalmi:
  names: {fi: Iisalmi, sv: Idensalmi, en: Iisalmi}
  centre: {lat: 63.5667, lon: 27.1833}
  neighbours: [sonkajarvi]
sonkajarvi:
  names: {fi: Sonkajärvi, sv: Sonkajärvi, en: Sonkajärvi}
  centre: {lat: 63.6694, lon: 27.5222}
  neighbours: [iisalmi]
"""

INTERESTS = """\
language-cafe:
  icon: "☕"
  names: {fi: Kielikahvila, sv: Språkcafé, en: Language café, ru: Языковое кафе,
          uk: Мовне кафе, ar: مقهى اللغة, fa: کافه زبان, ckb: کافێی زمان, so: Kafeega luqadda}
peer-support:
  names: {fi: Vertaistuki, sv: Kamratstöd, en: Peer support, ru: Взаимная поддержка,
          uk: Взаємна підтримка, ar: دعم الأقران, fa: حمایت همتایان, ckb: پاڵپشتیی هاوتایان,
          so: Taageerada asaagga}
"""

ASSOCIATION = """\
id: test-association
name: Testiyhdistys
description:
  fi: Yhdistys testejä varten.
  en: An association for tests.
municipalities: [iisalmi]
languages: [fi, en]
contact:
  website: https://www.example.org/
  telegram: "https://t.me/example_group"
checked: 2026-11-01
activities:
  - id: test-cafe
    title:
      fi: Kielikahvila
      en: Language café
      so: Kafeega luqadda
    municipality: iisalmi
    place: Kirjasto
    schedule:
      every: [ti, thu]
      time: 17.00-18.30
      from: 2026-08-18
      except: [2026-12-22]
    languages: [fi, so]
    interests: [language-cafe]
    cost: 0
    registration: false
advising:
  - id: test-advising
    title:
      fi: Neuvonta
      en: Advising
    municipality: iisalmi
    place: Kirjasto
    hours:
      - every: wed
        time: 12:00-15:00
      - dates: [2026-12-05]
        time: 10-12
    languages: [fi, so, ar]
    phone: "+358 40 000 0000"
"""


def make(tmp_path: Path, association: str = ASSOCIATION, *, municipalities: str = MUNICIPALITIES,
         interests: str = INTERESTS, name: str = "test-association.yaml") -> Path:
    folder = tmp_path / "directory"
    (folder / "associations").mkdir(parents=True)
    (folder / "municipalities.yaml").write_text(municipalities, encoding="utf-8")
    (folder / "interests.yaml").write_text(interests, encoding="utf-8")
    (folder / "associations" / name).write_text(textwrap.dedent(association), encoding="utf-8")
    return tmp_path


def problems(folder: Path) -> tuple[list[str], list[str]]:
    _, report = validate_directory(folder, today=TODAY)
    return [str(p) for p in report.errors], [str(p) for p in report.warnings]


def errors(folder: Path) -> list[str]:
    directory, report = validate_directory(folder, today=TODAY)
    assert directory is None
    return [str(p) for p in report.errors]


FILE = "directory/associations/test-association.yaml"


def test_good_files_load_with_all_fields(tmp_path: Path) -> None:
    directory, report = validate_directory(make(tmp_path), today=TODAY)
    assert directory is not None, report.errors
    assert report.warnings == []
    cafe = directory.activities["test-cafe"]
    assert cafe.organiser.id == "test-association" and cafe.place == {"fi": "Kirjasto"}
    assert cafe.cost is not None and cafe.cost.euros == 0 and cafe.registration is False
    start = dt.datetime(2026, 12, 21, tzinfo=HELSINKI)
    days = [o.start.date() for o in directory.upcoming("iisalmi", start=start, days=7)]
    assert days == [dt.date(2026, 12, 24)]  # Tuesday the 22nd is an exception
    hours = directory.advising("iisalmi", start=dt.datetime(2026, 12, 1, tzinfo=HELSINKI),
                               days=5)
    assert [(s.start.day, s.start.hour, s.end.hour) for s in hours] == [(2, 12, 15), (5, 10, 12)]
    association = directory.associations["test-association"]
    assert association.contact.telegram == "@example_group"
    assert directory.advising_points["test-advising"].phone == "+358 40 000 0000"
    assert directory.municipalities["iisalmi"].neighbours == ("sonkajarvi",)


def test_missing_required_field_names_file_line_and_field(tmp_path: Path) -> None:
    without = ASSOCIATION.replace(
        "    schedule:\n      every: [ti, thu]\n      time: 17.00-18.30\n"
        "      from: 2026-08-18\n      except: [2026-12-22]\n", "")
    assert errors(make(tmp_path, without)) == [
        f"{FILE}:13: error: activity 'test-cafe' has no 'schedule:'; add when it meets, "
        "e.g. 'every: tue' and 'time: 17:00-18:30'"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("time: 17.00-18.30", "time: 18:30-17:00",
         ":22: error: the end time must be after the start time"),
        ("time: 17.00-18.30", "time: '17'",
         ":22: error: 'time' must be a start and an end time, e.g. time: 17:00-18:30"),
        ("every: [ti, thu]", "every: [ti, thurs]", ":21: error: unknown weekday 'thurs'"),
        ("interests: [language-cafe]", "interests: [language-caffe]",
         ":26: error: unknown interest 'language-caffe'; use one of: language-cafe, "
         "peer-support"),
        ("municipality: iisalmi\n    place", "municipality: kuopio\n    place",
         ":18: error: unknown municipality 'kuopio'; use one of: iisalmi, sonkajarvi"),
        ("languages: [fi, so]", "languages: [fi, xx]", ":25: error: unknown language code 'xx'"),
        ("from: 2026-08-18", "from: 18.8.2026",
         ":23: error: 'from' must be a date written as YYYY-MM-DD"),
        ("cost: 0", "cost: free", ":27: error: 'cost' must be a number of euros"),
        ('phone: "+358 40 000 0000"', "phone: 0401234567",
         ":42: error: put the phone number in quotes"),
        ("    place: Kirjasto\n    schedule", "    plcae: Kirjasto\n    schedule",
         ":19: error: unknown field 'plcae' in an activity; use: id, example, title"),
        ("      so: Kafeega luqadda\n", "      de: Sprachcafé\n",
         ":17: error: unknown language code 'de'"),
        ("checked: 2026-11-01", "checked: yesterday",
         ":11: error: 'checked' must be a date written as YYYY-MM-DD"),
        ("- id: test-cafe", "- id: Test Cafe", ":13: error: activity id 'Test Cafe' must be"),
    ],
)
def test_each_problem_is_reported_at_its_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    assert old in ASSOCIATION
    found = errors(make(tmp_path, ASSOCIATION.replace(old, new, 1)))
    assert any(e.startswith(FILE + expected) for e in found), found


def test_all_problems_are_collected(tmp_path: Path) -> None:
    bad = (ASSOCIATION.replace("time: 17.00-18.30", "time: soon")
           .replace("interests: [language-cafe]", "interests: [nope]")
           .replace("languages: [fi, so, ar]", "languages: []"))
    found = errors(make(tmp_path, bad))
    assert len(found) == 3, found
    assert any("advising point 'test-advising' has no 'languages:'" in e for e in found)


def test_yaml_errors_use_the_shared_reader(tmp_path: Path) -> None:
    bad = ASSOCIATION.replace("  website: https", "\twebsite: https")
    assert errors(make(tmp_path, bad)) == [
        f"{FILE}:9: error: a tab character; indent with spaces only (2 spaces per level)"
    ]


def test_example_data_is_flagged_once_per_file(tmp_path: Path) -> None:
    marked = ASSOCIATION.replace("  - id: test-cafe\n", "  - id: test-cafe\n    example: true\n")
    folder = make(tmp_path, marked)
    (folder / "directory" / "associations" / "invented.yaml").write_text(
        "id: invented\nexample: true\n" + ASSOCIATION.split("\n", 1)[1].replace(
            "test-cafe", "invented-cafe").replace("test-advising", "invented-advising"),
        encoding="utf-8")
    directory, report = validate_directory(folder, today=TODAY)
    assert directory is not None, report.errors
    flagged = [str(w) for w in report.warnings if "example data" in str(w)]
    assert flagged == [
        "directory/associations/invented.yaml:2: warning: example data: 3 invented records "
        "marked 'example: true' (lines 2, 14, 31); replace with real, checked information "
        "before going live",
        f"{FILE}:13: warning: example data: 1 invented record marked 'example: true' (line 13); "
        "replace with real, checked information before going live",
    ]
    assert directory.activities["test-cafe"].example
    assert directory.advising_points["invented-advising"].example  # inherited from the file
    assert not directory.advising_points["test-advising"].example


def test_warnings_do_not_stop_loading(tmp_path: Path) -> None:
    stale = (ASSOCIATION.replace("checked: 2026-11-01", "checked: 2025-01-01")
             .replace("      so: Kafeega luqadda\n", "")
             .replace("except: [2026-12-22]", "except: [2026-12-23]"))
    municipalities = MUNICIPALITIES.replace("  neighbours: [iisalmi]\n", "")
    directory, report = validate_directory(
        make(tmp_path, stale, municipalities=municipalities), today=TODAY)
    assert directory is not None, report.errors
    warnings = [str(w) for w in report.warnings]
    assert any(":11: warning: association 'test-association' was last checked on 2025-01-01"
               in w for w in warnings)
    assert any(":14: warning: activity 'test-cafe' has no title yet in: so" in w
               for w in warnings)
    assert any(":23: warning: 2026-12-23 is a Wednesday, not a day of this schedule" in w
               for w in warnings)
    assert any("municipalities.yaml:4: warning: 'iisalmi' lists 'sonkajarvi' as a neighbour "
               "but 'sonkajarvi' does not list 'iisalmi'" in w for w in warnings)
    # A border has two sides: the neighbour relation is made mutual.
    assert directory.municipalities["sonkajarvi"].neighbours == ("iisalmi",)


def test_ended_schedule_is_a_warning(tmp_path: Path) -> None:
    ended = ASSOCIATION.replace("from: 2026-08-18", "until: 2026-06-01")
    _, warnings = problems(make(tmp_path, ended))
    assert any("activity 'test-cafe' has no sessions after 2026-06-01" in w for w in warnings)


def test_municipality_file_problems(tmp_path: Path) -> None:
    bad = (MUNICIPALITIES.replace("{lat: 63.5667, lon: 27.1833}", "{lat: 27.1833, lon: 63.5667}")
           .replace("neighbours: [iisalmi]", "neighbours: [iisalmi, kuopio]"))
    found = errors(make(tmp_path, municipalities=bad))
    assert any(e.startswith("directory/municipalities.yaml:3: error: (27.1833, 63.5667) is not "
                            "in Finland") for e in found), found
    assert any(e.startswith("directory/municipalities.yaml:8: error: unknown municipality "
                            "'kuopio' in the neighbours of 'sonkajarvi'") for e in found), found


def test_missing_files(tmp_path: Path) -> None:
    folder = make(tmp_path)
    (folder / "directory" / "interests.yaml").unlink()
    found = errors(folder)
    assert found[0] == ("directory/interests.yaml: error: the file is missing; the directory "
                        "needs interests.yaml")


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    folder = make(tmp_path)
    (folder / "directory" / "associations" / "copy.yaml").write_text(
        ASSOCIATION.replace("id: test-association", "id: copy"), encoding="utf-8")
    found = errors(folder)
    assert any(e.startswith("directory/associations/test-association.yaml:13: error: the id "
                            "'test-cafe' is already used by directory/associations/copy.yaml")
               for e in found), found


def test_no_directory_folder_means_no_directory(tmp_path: Path) -> None:
    directory, report = validate_directory(tmp_path)
    assert directory is not None and directory.is_empty and not report.problems


def test_load_directory_raises_with_the_report(tmp_path: Path) -> None:
    with pytest.raises(ContentInvalid) as info:
        load_directory(make(tmp_path, ASSOCIATION.replace("time: 17.00-18.30", "time: x")))
    assert f"{FILE}:22" in str(info.value)


# -- the bundled sample ------------------------------------------------------------------

def test_bundled_sample_validates_and_covers_the_region() -> None:
    directory, report = validate_directory(FAQ, today=TODAY)
    assert directory is not None, [str(e) for e in report.errors]
    for municipality in ("jyvaskyla", "viitasaari", "iisalmi", "lapinlahti", "sonkajarvi",
                         "laukaa", "muurame", "aanekoski", "kiuruvesi", "vierema", "pielavesi",
                         "keitele", "kuopio"):
        assert municipality in directory.municipalities
    for municipality in ("jyvaskyla", "viitasaari", "iisalmi", "lapinlahti", "sonkajarvi"):
        here = [a for a in directory.activities.values() if a.municipality == municipality]
        advising = [p for p in directory.advising_points.values()
                    if p.municipality == municipality]
        assert here or advising, municipality
    assert any(a.online for a in directory.activities.values())
    for interest in directory.interests.values():
        assert set(LANGUAGES) <= set(interest.names), interest.id
    for activity in directory.activities.values():
        assert {"fi", "en"} <= set(activity.titles), activity.id
    iisalmi = directory.municipalities["iisalmi"]
    assert {"kiuruvesi", "lapinlahti", "kuopio", "pielavesi", "sonkajarvi", "vierema"} == set(
        iisalmi.neighbours)


def test_bundled_sample_marks_every_invented_record() -> None:
    directory, report = validate_directory(FAQ, today=TODAY)
    assert directory is not None
    flagged = {str(w).split(":", 1)[0] for w in report.warnings if "example data" in str(w)}
    files = {a.file for a in directory.activities.values() if a.example}
    files |= {p.file for p in directory.advising_points.values() if p.example}
    assert files == flagged
    # Every activity and advising hour in the sample is invented, and says so.
    assert all(a.example for a in directory.activities.values())
    assert all(p.example for p in directory.advising_points.values())


def test_bundled_sample_iisalmi_language_cafe_in_somali() -> None:
    directory = load_directory(FAQ)
    start = dt.datetime(2026, 11, 23, 9, tzinfo=HELSINKI)
    found = directory.upcoming("iisalmi", start=start, interest="language-cafe", lang="so",
                               days=28, limit=20)
    local_cafe = [o for o in found if not o.online]
    assert len(local_cafe) == 4
    assert {o.start.weekday() for o in local_cafe} == {1}
    advising = directory.advising("iisalmi", start=start, lang="so")
    assert advising and all({"so", "ar"} <= set(s.point.languages) for s in advising)
