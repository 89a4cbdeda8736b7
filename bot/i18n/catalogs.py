"""UI strings per user language, read from the `.po` catalogs in `locales/` at start-up.

Catalogs are parsed with Babel and compiled in memory, so an adviser or translator who
edits a `.po` file only restarts the bot; there is no compile step to forget.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.i18n.languages import LANGUAGES, babel_locale, localize_digits, native_name

DEFAULT_LOCALES = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "messages"


def load_catalogs(folder: Path = DEFAULT_LOCALES) -> dict[str, Translations]:
    """Read every supported language's catalog; a missing one falls back to the msgids."""
    catalogs: dict[str, Translations] = {}
    for lang in LANGUAGES:
        path = folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not path.is_file():
            catalogs[lang] = Translations()
            continue
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain=DOMAIN)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)  # fuzzy entries are left out, as gettext would
        buffer.seek(0)
        catalogs[lang] = Translations(buffer, domain=DOMAIN)
    return catalogs


@dataclass(frozen=True)
class Translator:
    """Everything language-dependent the conversation needs, bound to one language."""

    lang: str
    translations: Translations

    def __call__(self, message: str, **values: object) -> str:
        """The plain-text translation, with `values` filled in."""
        text = self.translations.gettext(message)
        return text.format(**values) if values else text

    def html(self, message: str, **html_values: str) -> str:
        """The translation as HTML: the text is escaped, the values go in as given."""
        return escape(self.translations.gettext(message), quote=False).format(**html_values)

    def date(self, value: dt.date) -> str:
        text = format_date(value, format="medium", locale=babel_locale(self.lang))
        return localize_digits(text, self.lang)

    def language_name(self, lang: str) -> str:
        return native_name(lang)


class I18n:
    def __init__(self, catalogs: Mapping[str, Translations]) -> None:
        self._catalogs = catalogs

    @classmethod
    def load(cls, folder: Path = DEFAULT_LOCALES) -> I18n:
        return cls(load_catalogs(folder))

    def __call__(self, lang: str) -> Translator:
        return Translator(lang, self._catalogs.get(lang) or Translations())
