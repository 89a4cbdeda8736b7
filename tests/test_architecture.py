"""The package layering the README's "Architecture" section describes, checked on the code.

Front ends and tools → wiring (`app`, `config`) → conversation → capabilities →
storage and i18n, one way only: a package may import only the packages listed for it, so
an import that would turn the layering around (a capability reaching into a front end, a
tool or the conversation) fails here with the line to move.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.paths import ROOT

BOT = ROOT / "bot"

#: What each top-level package or module of `bot` may import from the others.
ALLOWED: dict[str, set[str]] = {
    "i18n": set(),
    "process": set(),
    "storage": {"i18n"},
    "content": {"i18n"},
    "matching": {"content", "process"},
    "local_guide": {"content", "storage", "i18n"},
    "knowledge": {"content", "matching", "local_guide", "safety", "process"},
    "handoff": {"storage", "i18n"},
    "safety": {"matching", "i18n"},
    "conversation": {"knowledge", "matching", "local_guide", "handoff", "content", "storage",
                     "i18n", "safety"},
    "config": {"handoff", "storage", "i18n"},
    "app": {"config", "conversation", "knowledge", "handoff", "storage", "i18n", "tools",
            "process"},
    "console": {"conversation", "i18n"},
    "telegram": {"app", "config", "conversation", "storage", "i18n"},
    "tools": {"config", "conversation", "knowledge", "matching", "local_guide", "content",
              "storage", "i18n", "safety"},
    "__main__": {"tools"},
    "__init__": set(),
}


def unit(path: Path) -> str:
    """The package (or top-level module) of `bot` that a file belongs to."""
    return path.relative_to(BOT).with_suffix("").parts[0]


def imports() -> dict[str, dict[str, str]]:
    """unit -> imported unit -> the first "file:line" that imports it."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for path in sorted(BOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module else
                     [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                parts = name.split(".")
                if parts[0] == "bot" and len(parts) > 1 and parts[1] != unit(path):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found[unit(path)].setdefault(parts[1], where)
    return found


def test_every_package_imports_only_the_layers_below_it() -> None:
    wrong = [f"{where}: bot.{source} may not import bot.{target}"
             for source, targets in imports().items()
             for target, where in targets.items() if target not in ALLOWED[source]]
    assert not wrong, "\n".join(wrong)


def test_the_allowed_imports_have_no_cycle() -> None:
    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
                   for nxt in ALLOWED[start])

    assert not [name for name in ALLOWED if reaches(name, name, set())]


def test_every_package_says_what_it_holds_and_may_import() -> None:
    for init in BOT.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc.lower(), f"{init.relative_to(ROOT)} needs a docstring"
    assert {p.stem for p in BOT.glob("*.py")} <= {"__init__", "__main__", "app", "config"}
