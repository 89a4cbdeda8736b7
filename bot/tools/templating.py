"""The Jinja2 templates of the pages the tools write (the reach report, the preview).

The templates are files in `templates/` beside this module, so a coordinator or designer
can restyle a page without reading Python. Autoescape is always on: every value a template
prints is HTML-escaped unless the code marks it as already-safe markup (`Markup`), so a
name from a content file or a database can never inject markup by a forgotten escape.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"


def templates() -> jinja2.Environment:
    """The environment all tool pages are rendered with."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
