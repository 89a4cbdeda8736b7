"""Adviser-edited content: the FAQ, topics and glossary, loaded and validated from YAML
in `faq/`, with file-and-line errors and plain-language writing checks.

May import `bot.i18n` only.
"""

from bot.content.model import ContentSet, Entry, EntryText, GlossaryTerm, Topic

__all__ = ["ContentSet", "Entry", "EntryText", "GlossaryTerm", "Topic"]
