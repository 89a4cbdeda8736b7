"""Reading adviser-edited YAML so that every problem can be reported by file and line.

Shared by the FAQ loader and any other content kind (the directory): parse once, keep the
node tree to look up line numbers, collect all problems of a run in one `Report`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.i18n.languages import LANGUAGES

#: Ids advisers write: lower case letters, digits and single dashes (kela-card).
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str
    severity: str  # "error" | "warning" | "hint" (writing help, bot/tools/review.py)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def error(self, file: str, line: int | None, message: str) -> None:
        self.problems.append(Problem(file, line, message, "error"))

    def warn(self, file: str, line: int | None, message: str) -> None:
        self.problems.append(Problem(file, line, message, "warning"))


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


def parse_yaml(path: Path, shown: str, report: Report) -> tuple[YamlDoc, Any] | None:
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
