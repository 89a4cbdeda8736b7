"""Reading adviser-edited YAML so that every problem can be reported by file and line.

Shared by the FAQ loader and any other content kind (the directory): parse once, keep the
node tree to look up line numbers, collect all problems of a run in one `Report`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.i18n.languages import LANGUAGES

#: Ids advisers write: lower case letters, digits and single dashes (kela-card).
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: libyaml's reader where PyYAML was built with it: it reads nodes and their positions 20
#: times faster than the pure-Python one.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str
    severity: str  # "error" | "warning" | "hint" (writing help, bot/tools/review.py)
    #: The thing a "does not exist" problem names, as "kind:id" ("entry:kela-card"): when
    #: the file that may define it could not be read, the problem is only a knock-on of
    #: that file's error and is left out, so the adviser sees the one real cause.
    refers_to: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    #: Files that could not be read at all (YAML syntax, encoding, tabs).
    unreadable: list[str] = field(default_factory=list)
    #: What unreadable files may have defined ("entry:kela-card", or "topic:*" for a whole
    #: kind): problems that refer to these are knock-on problems and are not reported.
    unknown: set[str] = field(default_factory=set)
    #: How many items of each kind were read and checked ("entries": 34), for the summary.
    checked: dict[str, int] = field(default_factory=dict)

    def _shown(self, severity: str) -> list[Problem]:
        return [p for p in self.problems if p.severity == severity and not self.knock_on(p)]

    def knock_on(self, problem: Problem) -> bool:
        """A problem caused only by another file that could not be read."""
        if problem.refers_to is None:
            return False
        kind = problem.refers_to.partition(":")[0]
        return problem.refers_to in self.unknown or f"{kind}:*" in self.unknown

    @property
    def errors(self) -> list[Problem]:
        return self._shown("error")

    @property
    def warnings(self) -> list[Problem]:
        return self._shown("warning")

    def error(self, file: str, line: int | None, message: str,
              refers_to: str | None = None) -> None:
        self.problems.append(Problem(file, line, message, "error", refers_to))

    def warn(self, file: str, line: int | None, message: str,
             refers_to: str | None = None) -> None:
        self.problems.append(Problem(file, line, message, "warning", refers_to))

    def merge(self, other: Report) -> None:
        """Add another part's report (the directory's to the FAQ's) as one run."""
        self.problems.extend(other.problems)
        self.unreadable.extend(other.unreadable)
        self.unknown |= other.unknown
        for kind, count in other.checked.items():
            self.checked[kind] = self.checked.get(kind, 0) + count

    def summary(self) -> str:
        """One line for the end of a run: what could be read and checked, what was found."""
        parts = []
        if self.unreadable:
            parts.append(_count(len(self.unreadable), "file") + " could not be read")
        parts += [f"{count} {kind} checked" for kind, count in self.checked.items()]
        found = (f"{_count(len(self.errors), 'error')}, "
                 f"{_count(len(self.warnings), 'warning')}")
        return ", ".join(parts) + f": {found}" + ("" if self.errors else " — OK")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


class ContentInvalid(Exception):
    """Raised by `load_content` when the folder has errors; carries the full report."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__("\n".join(str(p) for p in report.errors))


class YamlDoc:
    """A parsed YAML document that still knows on which line each value stood."""

    def __init__(self, file: str, node: yaml.Node) -> None:
        self.file = file
        self.node = node

    def line(self, *path: str | int) -> int:
        """The line of the value at `path`; for a mapping key, the line of the key itself."""
        node, line = self.node, self.node.start_mark.line + 1
        for key in path:
            found = _child(node, key)
            if found is None:
                break
            key_node, node = found
            line = (key_node or node).start_mark.line + 1
        return line


def _child(node: yaml.Node, key: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return k, v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return None, node.value[key]
    return None


def parse_yaml(path: Path, shown: str, report: Report,
               defines: Iterable[str] = ()) -> tuple[YamlDoc, Any] | None:
    """The file's node tree and data; None (with an error) when it cannot be read.

    `defines` names what the file would define ("topic:*"): problems elsewhere that refer
    to those are knock-on problems of this file's error and are left out of the report.
    """
    parsed = _parse_yaml(path, shown, report)
    if parsed is None:
        report.unreadable.append(shown)
        report.unknown.update(defines)
    return parsed


def _parse_yaml(path: Path, shown: str, report: Report) -> tuple[YamlDoc, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        report.error(shown, None, f"the file is not UTF-8 text ({exc.reason}); save it as UTF-8")
        return None
    ok = True
    for number, raw in enumerate(text.splitlines(), start=1):
        if "\t" in raw:
            report.error(
                shown, number, "a tab character; indent with spaces only (2 spaces per level)"
            )
            ok = False
    if not ok:
        return None
    fast = _fast_parse(text)
    if fast is not None:
        _check_duplicate_keys(fast[0], shown, report)
        return YamlDoc(shown, fast[0]), fast[1]
    node: yaml.Node | None = None
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                report.error(shown, 1, "the file is empty")
                return None
            _check_duplicate_keys(node, shown, report)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        opened = _unclosed(exc)
        if opened is not None:
            report.error(shown, *opened)
        else:
            report.error(shown, _mark_line(exc), _explain_yaml_error(exc))
        return None
    except yaml.YAMLError as exc:
        report.error(shown, None, f"this is not valid YAML: {exc}")
        return None
    except RecursionError:
        report.error(shown, None, "blocks or brackets are nested too deeply to read; "
                     "check that every '[' and '{' is closed")
        return None
    except ValueError as exc:
        # YAML reads 2026-02-30 as a date or `!!int x` as a number, which Python refuses.
        report.error(shown, _unreadable_line(node), f"a value that cannot be read ({exc}); "
                     "write dates as real dates YYYY-MM-DD, or put the text in quotes")
        return None
    return YamlDoc(shown, node), data


def _fast_parse(text: str) -> tuple[yaml.Node, Any] | None:
    """The node tree and data as libyaml reads them, 20 times faster than PyYAML's own reader
    (content is read at every start and reload); None when the file has any problem, which
    the slower reader then reads again for its more helpful messages."""
    try:
        loader = FAST_LOADER(text)
        try:
            node = loader.get_single_node()
            return None if node is None else (node, loader.construct_document(node))
        finally:
            loader.dispose()
    except (yaml.YAMLError, ValueError, RecursionError):
        return None


def _scalars(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(key)
            yield from _scalars(value)


def _unreadable_line(node: yaml.Node | None) -> int | None:
    """The line of the first value in `node` that cannot be constructed."""
    if node is None:
        return None
    loader = yaml.SafeLoader("")
    try:
        for scalar in _scalars(node):
            try:
                loader.construct_object(scalar)
            except (ValueError, yaml.YAMLError):
                return scalar.start_mark.line + 1
    finally:
        loader.dispose()
    return None


def _mark_line(exc: yaml.MarkedYAMLError) -> int | None:
    mark = exc.problem_mark or exc.context_mark
    return mark.line + 1 if mark is not None else None


#: What YAML was reading when a quote or bracket ran on too far, and what to tell.
_OPENERS = {
    "while scanning a quoted scalar": "a quote opened on this line is never closed: add the "
                                      "closing quote (\" or ') at the end of the text",
    "while parsing a flow sequence": "a '[' opened on this line is never closed: add ']' at "
                                     "the end of the list",
    "while parsing a flow mapping": "a '{' opened on this line is never closed: add '}' at "
                                    "the end of the block",
}


def _unclosed(exc: yaml.MarkedYAMLError) -> tuple[int, str] | None:
    """A quote or bracket left open: the line where it opened, which YAML reports only as
    its context (the problem itself is noticed lines later, often at the end of the file)."""
    message = _OPENERS.get(exc.context or "")
    if message is None or exc.context_mark is None:
        return None
    noticed = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
    line = exc.context_mark.line + 1
    also = f" (YAML noticed it on line {noticed})" if noticed and noticed != line else ""
    return line, message + also


def _explain_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    if "mapping values are not allowed" in problem:
        return (
            "a ':' where YAML did not expect one: check the indentation of this line against "
            "the line above, or put a text that contains ': ' in quotes"
        )
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return (
            "the indentation here does not match the lines above: fields of the same block "
            "must start in the same column (use 2 spaces per level)"
        )
    if "could not find expected ':'" in problem:
        return "a line without 'name: value' where one was expected; check for a missing ':'"
    if "found undefined alias" in problem or "found character" in problem:
        return f"a character YAML cannot read here ({problem}); put the text in quotes"
    return f"this is not valid YAML: {problem or exc}"


def _check_duplicate_keys(node: yaml.Node, file: str, report: Report) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                line = key.start_mark.line + 1
                if key.value in seen:
                    report.error(
                        file,
                        line,
                        f"'{key.value}' appears twice in the same block "
                        f"(first on line {seen[key.value]}); keep one",
                    )
                else:
                    seen[key.value] = line
            _check_duplicate_keys(value, file, report)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item, file, report)


def clean_text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def text_list(
    doc: YamlDoc, value: Any, path: tuple[str | int, ...], report: Report
) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        report.error(doc.file, doc.line(*path), f"'{path[-1]}' must be a list of texts")
        return ()
    items: list[str] = []
    for i, item in enumerate(value):
        if isinstance(item, (str, int, float)) and str(item).strip():
            items.append(str(item).strip())
        else:
            report.error(
                doc.file, doc.line(*path, i), f"item {i + 1} of '{path[-1]}' must be a text"
            )
    return tuple(items)


def as_date(value: Any) -> dt.date | None:
    """A YAML date (PyYAML reads 2026-11-20 as a date) or an ISO text; None otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def parse_date(doc: YamlDoc, value: Any, path: tuple[str, ...], report: Report) -> dt.date | None:
    parsed = as_date(value)
    if parsed is not None:
        return parsed
    report.error(
        doc.file, doc.line(*path), f"'{path[-1]}' must be a date written as YYYY-MM-DD"
    )
    return None


def unknown_language(code: Any) -> str:
    return f"unknown language code '{code}'; use one of: {', '.join(LANGUAGES)}"
