"""Load and validate the directory files in `<content>/directory/`.

The same promise as the FAQ loader: every problem names the file, the line and what to
change, all problems of a run are collected, and a directory with errors is never
returned, so the running bot keeps the last good one. Invented sample records
(`example: true`) are allowed but reported once per file, so that nobody takes them
live by mistake. A content folder without `directory/` simply has no directory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content.yamlfile import (
    ID_RE,
    ContentInvalid,
    Report,
    YamlDoc,
    clean_text,
    parse_yaml,
    text_list,
)
from bot.i18n.finnish_time import HELSINKI
from bot.i18n.languages import LANGUAGES
from bot.local_guide.directory import fields as f
from bot.local_guide.directory.directory import Directory
from bot.local_guide.directory.model import (
    Activity,
    AdvisingPoint,
    Association,
    Interest,
    Municipality,
    Texts,
)

DIRECTORY_DIR = "directory"
MUNICIPALITIES_FILE = "municipalities.yaml"
INTERESTS_FILE = "interests.yaml"
ASSOCIATIONS_DIR = "associations"
#: Ids go into Telegram callback data (at most 64 bytes) with a short prefix.
MAX_ID_LENGTH = 40
#: "checked" dates older than this are reported, so facts get re-checked yearly.
STALE_AFTER = dt.timedelta(days=365)

_MUNICIPALITY_FIELDS = ("names", "centre", "neighbours")
_INTEREST_FIELDS = ("names", "icon")
_ASSOCIATION_FIELDS = ("id", "example", "name", "description", "municipalities", "languages",
                       "interests", "contact", "checked", "activities", "advising")
_ACTIVITY_FIELDS = ("id", "example", "title", "description", "municipality", "place",
                    "address", "online", "url", "schedule", "languages", "interests", "for",
                    "cost", "registration")
_ADVISING_FIELDS = ("id", "example", "title", "municipality", "place", "address", "hours",
                    "languages", "phone", "notes")
#: Finland lies within these bounds; a point outside usually has lat and lon swapped.
_LAT_RANGE, _LON_RANGE = (59.0, 70.5), (19.0, 32.0)


@dataclass
class _Run:
    """What one validation run knows so far, shared by the per-file readers."""

    report: Report
    today: dt.date
    municipalities: dict[str, Municipality] = field(default_factory=dict)
    interests: dict[str, Interest] = field(default_factory=dict)
    associations: dict[str, Association] = field(default_factory=dict)
    activities: dict[str, Activity] = field(default_factory=dict)
    advising: dict[str, AdvisingPoint] = field(default_factory=dict)


def validate_directory(
    folder: Path, today: dt.date | None = None
) -> tuple[Directory | None, Report]:
    """Read `folder/directory/`; the directory is None when any error was found.

    `folder` is the content folder (`faq/`). Without a `directory/` inside it the result
    is an empty Directory (`is_empty`), not an error. `today` (default: the date in
    Helsinki) decides which "checked" dates are stale and which schedules have ended.
    """
    run = _Run(Report(), today or dt.datetime.now(HELSINKI).date())
    root = folder / DIRECTORY_DIR
    if not root.is_dir():
        return Directory(), run.report
    _load_interests(folder, root, run)
    _load_municipalities(folder, root, run)
    for path in _association_files(root):
        parsed = parse_yaml(path, path.relative_to(folder).as_posix(), run.report)
        if parsed is not None:
            _load_association_file(*parsed, run)
    run.report.checked["activities"] = len(run.activities)
    if run.report.errors:
        return None, run.report
    directory = Directory(
        municipalities=run.municipalities,
        interests=run.interests,
        associations=run.associations,
        activities=run.activities,
        advising_points=run.advising,
        warnings=tuple(str(w) for w in run.report.warnings),
    )
    return directory, run.report


def load_directory(folder: Path) -> Directory:
    """The directory of the content folder `folder`; ContentInvalid carries all errors."""
    directory, report = validate_directory(folder)
    if directory is None:
        raise ContentInvalid(report)
    return directory


def _association_files(root: Path) -> Iterator[Path]:
    folder = root / ASSOCIATIONS_DIR
    if folder.is_dir():
        yield from sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml"))


def _parse_top(folder: Path, root: Path, name: str, run: _Run,
               kind: str) -> tuple[YamlDoc, dict[Any, Any]] | None:
    path = root / name
    shown = path.relative_to(folder).as_posix()
    if not path.is_file():
        run.report.error(shown, None, f"the file is missing; the directory needs {name}")
        return None
    parsed = parse_yaml(path, shown, run.report, defines=(f"{kind}:*",))
    if parsed is None:
        return None
    doc, data = parsed
    if not isinstance(data, dict):
        run.report.error(shown, 1, "the file must be a list of 'id:' blocks")
        return None
    return doc, data


def _load_interests(folder: Path, root: Path, run: _Run) -> None:
    parsed = _parse_top(folder, root, INTERESTS_FILE, run, "interest")
    if parsed is None:
        return
    doc, data = parsed
    report = run.report
    for key, body in data.items():
        if not _valid_id(doc, key, (key,), "interest", report):
            continue
        if not isinstance(body, dict) or "names" not in body:
            report.error(doc.file, doc.line(key), f"interest '{key}' needs a 'names:' block")
            continue
        f.check_fields(doc, body, (key,), _INTEREST_FIELDS, f"interest '{key}'", report)
        names = f.texts(doc, body["names"], (key, "names"), report)
        missing = [lang for lang in LANGUAGES if lang not in names]
        if missing:
            report.warn(doc.file, doc.line(key),
                        f"interest '{key}' has no name yet in: {', '.join(missing)}")
        run.interests[key] = Interest(key, names, clean_text(body.get("icon")) or "")


def _load_municipalities(folder: Path, root: Path, run: _Run) -> None:
    parsed = _parse_top(folder, root, MUNICIPALITIES_FILE, run, "municipality")
    if parsed is None:
        return
    doc, data = parsed
    report = run.report
    neighbours: dict[str, tuple[str, ...]] = {}
    for key, body in data.items():
        if not _valid_id(doc, key, (key,), "municipality", report):
            continue
        if not isinstance(body, dict):
            report.error(doc.file, doc.line(key),
                         f"municipality '{key}' needs 'names:', 'centre:' and 'neighbours:'")
            continue
        f.check_fields(doc, body, (key,), _MUNICIPALITY_FIELDS, f"municipality '{key}'", report)
        names = f.texts(doc, body.get("names"), (key, "names"), report)
        missing = [lang for lang in ("sv", "en") if lang not in names]
        if names and missing:
            report.warn(doc.file, doc.line(key, "names"),
                        f"municipality '{key}' has no name in: {', '.join(missing)}")
        centre = _centre(doc, body.get("centre"), (key, "centre"), report)
        neighbours[key] = text_list(doc, body.get("neighbours"), (key, "neighbours"), report)
        if names and centre is not None:
            run.municipalities[key] = Municipality(key, names, *centre)
    _link_neighbours(doc, neighbours, run)


def _centre(doc: YamlDoc, value: Any, path: f.Path, report: Report) -> tuple[float, float] | None:
    lat = _number(value.get("lat")) if isinstance(value, dict) else None
    lon = _number(value.get("lon")) if isinstance(value, dict) else None
    if lat is None or lon is None:
        report.error(doc.file, doc.line(*path),
                     "'centre' needs 'lat:' and 'lon:' in decimal degrees, e.g. "
                     "centre: {lat: 63.5667, lon: 27.1833}")
        return None
    if not (_LAT_RANGE[0] <= lat <= _LAT_RANGE[1] and _LON_RANGE[0] <= lon <= _LON_RANGE[1]):
        report.error(doc.file, doc.line(*path),
                     f"({lat}, {lon}) is not in Finland; 'lat' is north (about 60–70) and "
                     "'lon' east (about 20–31): check that they are not swapped")
        return None
    return lat, lon


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _link_neighbours(doc: YamlDoc, listed: Mapping[str, tuple[str, ...]], run: _Run) -> None:
    """Check the neighbour lists and make them mutual (a border has two sides)."""
    report = run.report
    mutual: dict[str, set[str]] = {key: set() for key in listed}
    for key, others in listed.items():
        for i, other in enumerate(others):
            line = doc.line(key, "neighbours", i)
            if other == key:
                report.error(doc.file, line, f"'{key}' cannot be its own neighbour")
            elif other not in listed:
                report.error(doc.file, line,
                             f"unknown municipality '{other}' in the neighbours of '{key}'; "
                             "list only municipalities defined in this file")
            else:
                mutual[key].add(other)
                mutual[other].add(key)
                if key not in listed[other]:
                    report.warn(doc.file, line,
                                f"'{key}' lists '{other}' as a neighbour but '{other}' does "
                                f"not list '{key}'; add it there too")
    for key, municipality in list(run.municipalities.items()):
        run.municipalities[key] = Municipality(
            key, municipality.names, municipality.lat, municipality.lon,
            tuple(sorted(mutual[key])),
        )


def _valid_id(doc: YamlDoc, value: Any, path: f.Path, what: str, report: Report) -> bool:
    if isinstance(value, str) and ID_RE.match(value) and len(value) <= MAX_ID_LENGTH:
        return True
    report.error(doc.file, doc.line(*path),
                 f"{what} id '{value}' must be at most {MAX_ID_LENGTH} lower case letters, "
                 "digits and '-' (e.g. iisalmi-language-cafe)")
    return False


def _record_id(doc: YamlDoc, data: Mapping[str, Any], path: f.Path, what: str,
               report: Report) -> str | None:
    if "id" not in data:
        report.error(doc.file, doc.line(*path),
                     f"this {what} has no 'id:'; add a short stable id such as "
                     "iisalmi-language-cafe")
        return None
    ident = data["id"]
    return ident if _valid_id(doc, ident, (*path, "id"), what, report) else None


def _missing(doc: YamlDoc, path: f.Path, label: str, name: str, hint: str,
             report: Report) -> None:
    report.error(doc.file, doc.line(*path), f"{label} has no '{name}:'; {hint}")


def _required_texts(doc: YamlDoc, data: Mapping[str, Any], path: f.Path, name: str,
                    label: str, hint: str, report: Report, plain_ok: bool = False) -> Texts:
    if name not in data:
        _missing(doc, path, label, name, hint, report)
        return {}
    return f.texts(doc, data[name], (*path, name), report, plain_ok=plain_ok)


def _required_languages(doc: YamlDoc, data: Mapping[str, Any], path: f.Path, label: str,
                        report: Report) -> tuple[str, ...]:
    if not data.get("languages"):
        _missing(doc, path, label, "languages",
                 "list the languages spoken there, e.g. languages: [fi, en, so]", report)
        return ()
    return f.languages(doc, data["languages"], (*path, "languages"), report)


def _municipality_ref(doc: YamlDoc, data: Mapping[str, Any], path: f.Path, run: _Run) -> str | None:
    value = data["municipality"]
    if not isinstance(value, str):
        run.report.error(doc.file, doc.line(*path, "municipality"),
                         "'municipality' must be one municipality id, e.g. municipality: iisalmi")
        return None
    found = f.refs(doc, value, (*path, "municipality"), run.municipalities, "municipality",
                   run.report)
    return found[0] if found else None


def _load_association_file(doc: YamlDoc, data: Any, run: _Run) -> None:
    report = run.report
    if not isinstance(data, dict):
        report.error(doc.file, 1, "an association file must be a block of 'name: value' fields")
        return
    f.check_fields(doc, data, (), _ASSOCIATION_FIELDS, "an association", report)
    example_lines: list[int] = []
    association = _association(doc, data, run, example_lines)
    parent_example = data.get("example") is True
    for key, reader in (("activities", _activity), ("advising", _advising_point)):
        items = data.get(key) or []
        if not isinstance(items, list):
            report.error(doc.file, doc.line(key), f"'{key}' must be a list of '- id: …' blocks")
            continue
        for i, item in enumerate(items):
            if isinstance(item, dict) and (parent_example or item.get("example") is True):
                example_lines.append(doc.line(key, i))
            reader(doc, item, (key, i), association, parent_example, run)
    if example_lines:
        count, plural = len(example_lines), "s" if len(example_lines) > 1 else ""
        report.warn(doc.file, example_lines[0],
                    f"example data: {count} invented record{plural} marked 'example: true' "
                    f"(line{plural} {', '.join(map(str, example_lines))}); replace with "
                    "real, checked information before going live")


def _association(doc: YamlDoc, data: Mapping[str, Any], run: _Run,
                 example_lines: list[int]) -> Association | None:
    report = run.report
    before = len(report.errors)
    ident = _record_id(doc, data, (), "association", report)
    label = f"association '{ident}'" if ident else "the association"
    if ident is not None and Path(doc.file).stem != ident:
        report.warn(doc.file, doc.line("id"), f"name the file '{ident}.yaml' after its id")
    example = f.flag(doc, data, ("example",), report) or False
    if example:
        example_lines.append(doc.line("example"))
    names = _required_texts(doc, data, (), "name", label,
                            "add its name, e.g. name: Iisalmen kaupunginkirjasto", report,
                            plain_ok=True)
    descriptions = _required_texts(doc, data, (), "description", label,
                                   "add what it does in a sentence, in fi and en", report)
    municipalities: tuple[str, ...] = ()
    if data.get("municipalities"):
        municipalities = f.refs(doc, data["municipalities"], ("municipalities",),
                                run.municipalities, "municipality", report)
    else:
        _missing(doc, (), label, "municipalities",
                 "list where it works, e.g. municipalities: [iisalmi]", report)
    languages = _required_languages(doc, data, (), label, report)
    interests = f.refs(doc, data.get("interests"), ("interests",), run.interests, "interest",
                       report)
    contact = f.contact(doc, data.get("contact"), ("contact",), report)
    if not contact and "contact" not in data:
        report.warn(doc.file, 1, f"{label} has no 'contact:'; add a website, email, phone or "
                    "telegram so that people can reach it")
    checked = None
    if "checked" in data:
        checked = f.date_field(doc, data["checked"], ("checked",), report)
    else:
        _missing(doc, (), label, "checked",
                 "add the date you last checked these facts, e.g. checked: 2026-11-20", report)
    if checked is not None and run.today - checked > STALE_AFTER:
        report.warn(doc.file, doc.line("checked"),
                    f"{label} was last checked on {checked}, over a year ago; check the facts "
                    "and update 'checked:'")
    if len(report.errors) > before or ident is None or checked is None:
        return None
    if ident in run.associations:
        report.error(doc.file, doc.line("id"), f"the id '{ident}' is already used by "
                     f"{run.associations[ident].file}; give this association its own id")
        return None
    association = Association(ident, names, descriptions, municipalities, languages, interests,
                              contact, checked, example, doc.file)
    run.associations[ident] = association
    return association


def _activity(doc: YamlDoc, item: Any, path: f.Path, organiser: Association | None,
              parent_example: bool, run: _Run) -> None:
    report = run.report
    if not isinstance(item, dict):
        report.error(doc.file, doc.line(*path),
                     "each activity must be a block of 'name: value' fields starting with '- id:'")
        return
    f.check_fields(doc, item, path, _ACTIVITY_FIELDS, "an activity", report)
    before = len(report.errors)
    ident = _record_id(doc, item, path, "activity", report)
    label = f"activity '{ident}'" if ident else "this activity"
    example = (f.flag(doc, item, (*path, "example"), report) or False) or parent_example
    online = f.flag(doc, item, (*path, "online"), report) or False
    titles = _required_texts(doc, item, path, "title", label,
                             "add its name, e.g. 'fi: Kielikahvila' and 'en: Language café'",
                             report)
    descriptions = (f.texts(doc, item["description"], (*path, "description"), report)
                    if "description" in item else {})
    municipality = None
    if "municipality" in item:
        municipality = _municipality_ref(doc, item, path, run)
        if (municipality and organiser is not None
                and municipality not in organiser.municipalities):
            report.warn(doc.file, doc.line(*path, "municipality"),
                        f"{label} is in '{municipality}' but the association lists only "
                        f"{', '.join(organiser.municipalities)}; add it to 'municipalities'")
    elif not online:
        _missing(doc, path, label, "municipality",
                 "add where it takes place (or 'online: true')", report)
    place: Texts = {}
    if "place" in item:
        place = f.texts(doc, item["place"], (*path, "place"), report, plain_ok=True)
    elif not online:
        _missing(doc, path, label, "place", "add where people go, e.g. place: Iisalmen "
                 "kaupunginkirjasto", report)
    address = clean_text(item.get("address"))
    link = f.url(doc, item["url"], (*path, "url"), report) if "url" in item else None
    schedule = None
    if "schedule" in item:
        schedule = f.schedule(doc, item["schedule"], (*path, "schedule"), report)
    else:
        _missing(doc, path, label, "schedule",
                 "add when it meets, e.g. 'every: tue' and 'time: 17:00-18:30'", report)
    languages = _required_languages(doc, item, path, label, report)
    interests: tuple[str, ...] = ()
    if item.get("interests"):
        interests = f.refs(doc, item["interests"], (*path, "interests"), run.interests,
                           "interest", report)
    else:
        _missing(doc, path, label, "interests",
                 f"add at least one of: {', '.join(run.interests)}", report)
    target = f.texts(doc, item["for"], (*path, "for"), report) if "for" in item else {}
    cost = f.cost(doc, item["cost"], (*path, "cost"), report) if "cost" in item else None
    registration = f.flag(doc, item, (*path, "registration"), report)
    _warn_missing_titles(doc, path, label, titles, languages, report)
    if schedule is not None:
        _warn_if_over(doc, path, label, schedule.last_day, run)
    if len(report.errors) > before or ident is None or schedule is None or organiser is None:
        return
    if ident in run.activities:
        report.error(doc.file, doc.line(*path, "id"), f"the id '{ident}' is already used by "
                     f"{run.activities[ident].file}; give this activity its own id")
        return
    run.activities[ident] = Activity(
        ident, organiser, titles, schedule, languages, interests, descriptions,
        municipality, place, address, online, link, target, cost, registration, example,
        doc.file,
    )


def _advising_point(doc: YamlDoc, item: Any, path: f.Path, organiser: Association | None,
                    parent_example: bool, run: _Run) -> None:
    report = run.report
    if not isinstance(item, dict):
        report.error(doc.file, doc.line(*path), "each advising point must be a block of "
                     "'name: value' fields starting with '- id:'")
        return
    f.check_fields(doc, item, path, _ADVISING_FIELDS, "an advising point", report)
    before = len(report.errors)
    ident = _record_id(doc, item, path, "advising point", report)
    label = f"advising point '{ident}'" if ident else "this advising point"
    example = (f.flag(doc, item, (*path, "example"), report) or False) or parent_example
    titles = _required_texts(doc, item, path, "title", label,
                             "add a name, e.g. 'fi: Neuvonta kirjastolla'", report)
    municipality = None
    if "municipality" in item:
        municipality = _municipality_ref(doc, item, path, run)
    else:
        _missing(doc, path, label, "municipality", "add where it is", report)
    place = _required_texts(doc, item, path, "place", label,
                            "add where people go, e.g. place: Iisalmen kaupunginkirjasto",
                            report, plain_ok=True)
    hours = None
    if "hours" in item:
        hours = f.schedule(doc, item["hours"], (*path, "hours"), report)
    else:
        _missing(doc, path, label, "hours",
                 "add the opening hours, e.g. 'every: wed' and 'time: 10:00-14:00'", report)
    languages = _required_languages(doc, item, path, label, report)
    phone = f.phone(doc, item["phone"], (*path, "phone"), report) if "phone" in item else None
    notes = f.texts(doc, item["notes"], (*path, "notes"), report) if "notes" in item else {}
    if hours is not None:
        _warn_if_over(doc, path, label, hours.last_day, run)
    if (len(report.errors) > before or ident is None or hours is None or organiser is None
            or municipality is None):
        return
    if ident in run.advising:
        report.error(doc.file, doc.line(*path, "id"), f"the id '{ident}' is already used by "
                     f"{run.advising[ident].file}; give this advising point its own id")
        return
    run.advising[ident] = AdvisingPoint(
        ident, organiser, titles, municipality, place, hours, languages,
        clean_text(item.get("address")), phone, notes, example, doc.file,
    )


def _warn_missing_titles(doc: YamlDoc, path: f.Path, label: str, titles: Texts,
                         languages: tuple[str, ...], report: Report) -> None:
    """People find an activity held in Somali by its Somali title: ask for one."""
    wanted = dict.fromkeys(lang for lang in ("en", *languages) if lang in LANGUAGES)
    missing = [lang for lang in wanted if lang not in titles]
    if titles and missing:
        report.warn(doc.file, doc.line(*path, "title"),
                    f"{label} has no title yet in: {', '.join(missing)} (English, and the "
                    "languages it is held in)")


def _warn_if_over(doc: YamlDoc, path: f.Path, label: str, last_day: dt.date | None,
                  run: _Run) -> None:
    if last_day is not None and last_day < run.today:
        run.report.warn(doc.file, doc.line(*path),
                        f"{label} has no sessions after {last_day}; update its dates or "
                        "remove it")
