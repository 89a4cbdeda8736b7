"""Load and validate the adviser-edited YAML files in the content folder.

Advisers are not programmers, so every problem is reported with the file, the line and
what to change, and all problems of a run are collected rather than stopping at the first.
Content with errors is never returned: the caller keeps serving the last good content.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.content.model import ContentSet, Entry, EntryText, GlossaryTerm, Topic
from bot.content.yamlfile import (
    ID_RE,
    ContentInvalid,
    Report,
    YamlDoc,
    clean_text,
    parse_date,
    parse_yaml,
    text_list,
    unknown_language,
)
from bot.i18n.languages import LANGUAGES, REFERENCE_LANGUAGE

TOPICS_FILE = "topics.yaml"
GLOSSARY_FILE = "glossary.yaml"
ENTRIES_DIR = "entries"

_LANG_LIKE_RE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")
_ENTRY_FIELDS = ("id", "topic", "source", "reviewed", "keywords", "related", "directory")
_TEXT_FIELDS = ("question", "alternates", "answer", "translated")


def _load_topics(folder: Path, report: Report) -> dict[str, Topic]:
    path = folder / TOPICS_FILE
    if not path.is_file():
        report.error(TOPICS_FILE, None, "the topics file is missing")
        return {}
    parsed = parse_yaml(path, TOPICS_FILE, report, defines=("topic:*",))
    if parsed is None:
        return {}
    doc, data = parsed
    if not isinstance(data, dict):
        report.error(doc.file, 1, "the file must be a list of topics: 'topic-id:' then its names")
        return {}
    topics: dict[str, Topic] = {}
    for topic_id, body in data.items():
        line = doc.line(topic_id)
        if not isinstance(topic_id, str) or not ID_RE.match(topic_id):
            report.error(doc.file, line, f"topic id '{topic_id}' must use a-z, 0-9 and '-'")
            continue
        if not isinstance(body, dict) or not isinstance(body.get("names"), dict):
            report.error(doc.file, line, f"topic '{topic_id}' needs a 'names:' block")
            continue
        names: dict[str, str] = {}
        for lang, name in body["names"].items():
            if lang not in LANGUAGES:
                report.error(doc.file, doc.line(topic_id, "names", lang), unknown_language(lang))
            elif not clean_text(name):
                report.error(doc.file, doc.line(topic_id, "names", lang), "the name is empty")
            else:
                names[lang] = str(name).strip()
        if REFERENCE_LANGUAGE not in names:
            report.error(doc.file, line, f"topic '{topic_id}' needs a Finnish name (fi)")
        for lang in LANGUAGES:
            if lang not in names:
                report.warn(doc.file, line, f"topic '{topic_id}' has no name in '{lang}'")
        icon = body.get("icon")
        topics[topic_id] = Topic(topic_id, names, str(icon).strip() if icon else "")
    return topics


def _load_glossary(folder: Path, report: Report) -> tuple[GlossaryTerm, ...]:
    path = folder / GLOSSARY_FILE
    if not path.is_file():
        return ()
    parsed = parse_yaml(path, GLOSSARY_FILE, report)
    if parsed is None:
        return ()
    doc, data = parsed
    if not isinstance(data, list):
        report.error(doc.file, 1, "the glossary must be a list of '- term: …' items")
        return ()
    terms: list[GlossaryTerm] = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or not clean_text(item.get("term")):
            report.error(doc.file, doc.line(i), "each glossary item needs 'term:'")
            continue
        variants = text_list(doc, item.get("variants"), (i, "variants"), report)
        terms.append(GlossaryTerm(str(item["term"]).strip(), variants))
    return tuple(terms)


def _load_entry(
    doc: YamlDoc, data: Any, topics: dict[str, Topic], report: Report
) -> Entry | None:
    if not isinstance(data, dict):
        report.error(doc.file, 1, "an entry must be a block of 'name: value' fields")
        return None
    before = len(report.errors)
    for key in data:
        if key in _ENTRY_FIELDS or key in LANGUAGES:
            continue
        if isinstance(key, str) and _LANG_LIKE_RE.match(key):
            report.error(doc.file, doc.line(key), unknown_language(key))
        else:
            report.error(
                doc.file,
                doc.line(key),
                f"unknown field '{key}'; an entry has {', '.join(_ENTRY_FIELDS)} and "
                "language blocks (fi, en, …)",
            )
    entry_id = data.get("id")
    if not isinstance(entry_id, str) or not ID_RE.match(entry_id) or len(entry_id) > 40:
        report.error(
            doc.file,
            doc.line("id"),
            "the entry needs 'id:' of at most 40 lower case letters, digits and '-' "
            "(e.g. kela-card)",
        )
        entry_id = None
    topic = data.get("topic")
    if not isinstance(topic, str) or topic not in topics:
        known = ", ".join(topics) or "none defined"
        report.error(
            doc.file, doc.line("topic"), f"unknown topic '{topic}'; use one of: {known}",
            refers_to=f"topic:{topic}",
        )
    source = data.get("source")
    source_name = source_url = ""
    if (isinstance(source, dict) and clean_text(source.get("name"))
            and clean_text(source.get("url"))):
        source_name, source_url = str(source["name"]).strip(), str(source["url"]).strip()
        if not source_url.startswith(("https://", "http://")):
            report.error(doc.file, doc.line("source", "url"), "the url must start https://")
    else:
        report.error(
            doc.file,
            doc.line("source"),
            "the entry needs 'source:' with 'name:' and 'url:' of the official page",
        )
    reviewed = parse_date(doc, data.get("reviewed"), ("reviewed",), report)
    keywords = text_list(doc, data.get("keywords"), ("keywords",), report)
    related = text_list(doc, data.get("related"), ("related",), report)
    directory = text_list(doc, data.get("directory"), ("directory",), report)
    texts: dict[str, EntryText] = {}
    for lang in LANGUAGES:
        if lang in data:
            text = _load_text(doc, lang, data[lang], report)
            if text is not None:
                texts[lang] = text
    if REFERENCE_LANGUAGE not in data:
        report.error(
            doc.file, 1, "the entry has no Finnish text: add an 'fi:' block (plain Finnish)"
        )
    missing = [lang for lang in LANGUAGES if lang not in data]
    if missing:
        report.warn(doc.file, 1, f"no translation yet in: {', '.join(missing)}")
    if len(report.errors) > before or entry_id is None or reviewed is None:
        return None
    return Entry(
        id=entry_id,
        topic=str(topic),
        texts=texts,
        source_name=source_name,
        source_url=source_url,
        reviewed=reviewed,
        keywords=keywords,
        related=related,
        directory=directory,
        file=doc.file,
    )


def _load_text(doc: YamlDoc, lang: str, block: Any, report: Report) -> EntryText | None:
    if not isinstance(block, dict):
        report.error(
            doc.file, doc.line(lang), f"'{lang}:' must contain 'question:' and 'answer:'"
        )
        return None
    for key in block:
        if key not in _TEXT_FIELDS:
            report.error(
                doc.file,
                doc.line(lang, key),
                f"unknown field '{key}' in '{lang}'; use {', '.join(_TEXT_FIELDS)}",
            )
    question, answer = clean_text(block.get("question")), clean_text(block.get("answer"))
    for name, value in (("question", question), ("answer", answer)):
        if value is None:
            report.error(doc.file, doc.line(lang, name), f"'{lang}' needs a non-empty '{name}:'")
    alternates = text_list(doc, block.get("alternates"), (lang, "alternates"), report)
    translated = None
    if "translated" in block:
        translated = parse_date(doc, block["translated"], (lang, "translated"), report)
    if question is None or answer is None:
        return None
    return EntryText(question, answer, alternates, translated)


_ID_LINE_RE = re.compile(r"^id:[ \t]*[\"']?([a-z0-9-]+)", re.MULTILINE)


def _ids_in_unreadable(path: Path) -> set[str]:
    """What an entry file that YAML cannot read probably defines: its name and any
    top-level `id:` line, so other entries' links to it are not reported as missing."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    return {f"entry:{i}" for i in {path.stem, *_ID_LINE_RE.findall(text)}}


def _keeps_id(entry: Entry, folder: Path) -> tuple[bool, float]:
    """Sort key of the entry that keeps a shared id: a file named after the id first, then
    the older file. Advisers copy a file to start a new entry, and the published one keeps
    its id (users' links and the question log refer to it)."""
    try:
        modified = (folder / entry.file).stat().st_mtime
    except OSError:
        modified = float("inf")
    return Path(entry.file).stem != entry.id, modified


def _entry_files(folder: Path) -> Iterator[Path]:
    entries = folder / ENTRIES_DIR
    if entries.is_dir():
        yield from sorted(p for p in entries.rglob("*") if p.suffix in (".yaml", ".yml"))


def validate_content(folder: Path) -> tuple[ContentSet | None, Report]:
    """Read the whole folder; the content is None when any error was found."""
    report = Report()
    if not folder.is_dir():
        report.error(str(folder), None, "the content folder does not exist")
        return None, report
    topics = _load_topics(folder, report)
    glossary = _load_glossary(folder, report)
    entries: dict[str, Entry] = {}
    id_lines: dict[str, int] = {}
    checked = 0
    for path in _entry_files(folder):
        shown = path.relative_to(folder).as_posix()
        parsed = parse_yaml(path, shown, report, defines=_ids_in_unreadable(path))
        if parsed is None:
            continue
        checked += 1
        entry = _load_entry(*parsed, topics, report)
        if entry is None:
            continue
        id_lines[entry.file] = parsed[0].line("id")
        first = entries.get(entry.id)
        if first is not None:
            keeper, copy = sorted((first, entry), key=lambda e: _keeps_id(e, folder))
            entries[entry.id] = keeper
            report.error(
                copy.file,
                id_lines[copy.file],
                f"the id '{entry.id}' is already used by {keeper.file}, which keeps it: if this "
                "file is a copy for a new question, give it a new id and rename the file to "
                f"match (e.g. id: {entry.id}-2 in {entry.id}-2.yaml)",
            )
            continue
        entries[entry.id] = entry
    report.checked["entries"] = checked
    for entry in entries.values():
        if Path(entry.file).stem != entry.id:
            report.warn(entry.file, id_lines[entry.file],
                        f"name the file '{entry.id}.yaml' after its id")
    if not entries and not report.errors:
        report.error(ENTRIES_DIR, None, "no entries found: add files to the entries folder")
    for entry in entries.values():
        for rel in entry.related:
            if rel not in entries:
                report.warn(entry.file, None, f"related entry '{rel}' does not exist",
                            refers_to=f"entry:{rel}")
    if report.errors:
        return None, report
    content = ContentSet(
        entries=entries,
        topics=topics,
        glossary=glossary,
        warnings=tuple(str(w) for w in report.warnings),
    )
    return content, report


def load_content(folder: Path) -> ContentSet:
    content, report = validate_content(folder)
    if content is None:
        raise ContentInvalid(report)
    return content
