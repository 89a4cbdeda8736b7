"""Adviser-edited content: the FAQ, topics and glossary, loaded from YAML in `faq/`."""

from bot.content.model import ContentSet, Entry, EntryText, GlossaryTerm, Topic

__all__ = ["ContentSet", "Entry", "EntryText", "GlossaryTerm", "Topic"]
