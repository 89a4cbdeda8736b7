"""Everything the bot knows, loaded and checked together, swapped as one.

The FAQ, the matcher built from it and the local directory must always agree (an entry's
directory links name interests that exist), so they are validated as one set and the
conversation replaces the whole set at once, never a part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content import ContentSet
from bot.content.crisis import CrisisHelp, load_crisis, validate_crisis
from bot.content.loader import validate_content
from bot.content.yamlfile import ContentInvalid, Report
from bot.local_guide.directory import Directory, validate_directory
from bot.matching.embedding import shared_encoder
from bot.matching.matcher import Matcher
from bot.process.memory import return_freed_memory
from bot.safety.detector import Detector


@dataclass(frozen=True)
class Knowledge:
    content: ContentSet
    matcher: Matcher
    directory: Directory
    #: Crisis help (`crisis.yaml`), reloaded with the rest so advisers' fixes go live.
    crisis: CrisisHelp
    #: The safety step, knowing this content's questions as ordinary ones.
    safety: Detector

    @classmethod
    def load(cls, folder: Path, vectors_dir: Path | None = None) -> Knowledge:
        """Load the content folder; raise ContentInvalid with every problem found.
        ``vectors_dir`` caches the matcher's entry vectors (only changed texts are encoded)."""
        content, directory, report = validate_all(folder)
        if content is None or directory is None:
            raise ContentInvalid(report)
        # The model before the matcher: its load's passing copies of the weights (about 30
        # MB) are then gone before the content's build takes its own passing memory, and
        # the two peaks do not add up (a no-op when the model is loaded already).
        shared_encoder().load()
        questions = [text.question for entry in content.entries.values()
                     for text in entry.texts.values()]
        matcher = Matcher.from_content(content, vectors_dir)
        knowledge = cls(content, matcher, directory, load_crisis(folder),
                        Detector(matcher.query_vector, questions, vectors_dir,
                                 matcher.ways_of_asking.values()))
        # The build's temporaries (every text's analysis, the vector store's read) are
        # freed by now; without this glibc keeps their pages for the process's life.
        return_freed_memory()
        return knowledge


def validate_all(folder: Path) -> tuple[ContentSet | None, Directory | None, Report]:
    """The FAQ and the directory with one report; None for a part that has errors."""
    content, report = validate_content(folder)
    directory, directory_report = validate_directory(folder)
    report.merge(directory_report)
    validate_crisis(folder, report)
    if content is not None and directory is not None:
        for entry in content.entries.values():
            for tag in entry.directory:
                if tag not in directory.interests:
                    known = ", ".join(directory.interests) or "none defined"
                    report.error(entry.file, None,
                                 f"directory link '{tag}' is not an interest; use one of: {known}")
    if report.errors:
        return None, None, report
    return content, directory, report
