"""`python -m bot <command>`: tools for advisers and operators.

Each command is a small function over the same modules the bot uses, so what an adviser
checks here is what users get.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from bot.config import Settings
from bot.content.loader import validate_content
from bot.content.yamlfile import ContentInvalid, Problem
from bot.i18n.languages import LANGUAGES, normalise_code
from bot.knowledge.knowledge import Knowledge, validate_all
from bot.safety.detector import Route
from bot.tools.backup import add_parser as add_backup_parser
from bot.tools.directory import add_parser as add_directory_parser
from bot.tools.preview import add_parser as add_preview_parser
from bot.tools.report import add_parser as add_report_parser
from bot.tools.review import add_review_arguments, confusable_entries, print_review
from bot.tools.unanswered import add_parser as add_unanswered_parser


def _content_dir(value: str | None) -> Path:
    return Path(value) if value else Settings.from_env().content_dir


def cmd_validate(args: argparse.Namespace) -> int:
    folder = _content_dir(args.dir)
    content, _, report = validate_all(folder)
    if content is not None:
        from bot.matching.matcher import Matcher

        matcher = Matcher.from_content(content, Settings.from_env().vectors_dir)
        report.problems.extend(confusable_entries(folder, content, matcher))
    for line in grouped(report.errors + report.warnings):
        print(line)
    if content is not None:
        print_review(folder, content, args)
    print(f"{folder}: {report.summary()}")
    return 1 if report.errors else 0


#: The same message in at least this many files is printed once, with the files listed.
GROUP_FROM = 3


def grouped(problems: Sequence[Problem]) -> list[str]:
    """Problems as printed: the same warning in many files (a language not translated yet)
    becomes one line, so that the few problems that need a decision stand out."""
    files: dict[tuple[str, str], list[str]] = {}
    for problem in problems:
        files.setdefault((problem.severity, problem.message), []).append(problem.file)
    lines: list[str] = []
    for problem in problems:
        names = files.get((problem.severity, problem.message), [])
        if len(names) < GROUP_FROM:
            lines.append(str(problem))
        elif names[0] == problem.file:
            lines.extend(textwrap.wrap(
                f"{problem.severity}: {problem.message} — {len(names)} files: "
                + ", ".join(names), width=100, subsequent_indent="    ",
                break_on_hyphens=False))
    return lines


def _safety_step(route: Route) -> str:
    """What the safety step does with the question, before (or instead of) the FAQ reply."""
    if route.crisis is not None:
        return (f"the {route.crisis} crisis card comes first (faq/crisis.yaml), then the "
                "answer if the decision is answer")
    if route.name == "human":
        return "the question asks for a person: an adviser is offered, no FAQ reply"
    if route.name == "smalltalk":
        return f"small talk ({route.kind}): a short reply, no FAQ reply"
    return "nothing before the FAQ reply"


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.matching import matcher as matching
    from bot.matching.langid import detect_language

    folder = _content_dir(args.content)
    if args.all_languages:
        from bot.tools.preview import ask_everywhere

        content, report = validate_content(folder)
        if content is None:
            for problem in report.errors:
                print(problem, file=sys.stderr)
            return 1
        ask_everywhere(args.text, content, vectors_dir=Settings.from_env().vectors_dir)
        return 0
    try:
        knowledge = Knowledge.load(folder, Settings.from_env().vectors_dir)
    except ContentInvalid as error:
        print(error, file=sys.stderr)
        return 1
    content = knowledge.content
    matcher = knowledge.matcher
    vector = matcher.query_vector(args.text)
    assessment = matcher.assess(args.text, normalise_code(args.lang), vector=vector)
    result = assessment.result
    print(f"decision: {result.decision} (confidence {assessment.confidence:.2f}; answer at "
          f"{matching.ANSWER_CONFIDENCE} if two words support the entry and the meaning margin "
          f"is at least {matching.SEMANTIC_MARGIN_MIN}, or at least "
          f"-{matching.SEMANTIC_DISSENT_MAX} when they are what the entry is about, or with "
          f"three words the passage margin at least {matching.PASSAGE_MARGIN_MIN}, or if one "
          f"word is all the question says that the content knows, both signals agree and the "
          f"entry weighs the word at least {matching.ONE_WORD_CENTRAL}; always the entry "
          f"weighing one of the shared words at least {matching.STRONGEST_MIN} and the "
          f"words preferring no other entry by more than {matching.LEXICAL_DISSENT_MAX}; "
          f"or whatever the confidence, if the question says just what one of the entry's "
          f"ways of asking says; suggest at {matching.SUGGEST_CONFIDENCE})")
    if assessment.inputs.get("repeats") == 1.0:
        print("the question is one of the best entry's ways of asking: answered with it")
    print(f"shown: {', '.join(result.ids) or '-'}")
    print(f"safety step: {_safety_step(knowledge.safety.route(args.text, lambda: vector))}")
    print(f"detected language: {detect_language(args.text) or '-'}")
    share, passage_share = matching.SEMANTIC_SHARE, matching.PASSAGE_SHARE
    print(f"score = {share} × meaning (semantic) + {1 - share - passage_share:.2f} × words "
          f"(lexical)" + (f" + {passage_share} × passage (what the entry says)"
                          if passage_share else ""))
    for rank, signals in enumerate(assessment.candidates, start=1):
        entry = content.entries.get(signals.id)
        title = entry.texts["fi"].question if entry else ""
        meaning = share * min(max(signals.semantic, 0.0), 1.0)
        said = passage_share * min(max(signals.passage, 0.0), 1.0)
        print(f"  {rank}. {signals.score:6.3f} = meaning {meaning:5.3f}"
              f" + words {(1 - share - passage_share) * signals.lexical:5.3f}"
              + (f" + passage {said:5.3f}" if passage_share else "")
              + f"  {signals.id:28} {title}")
        print(f"       similarity to its ways of asking {signals.semantic:.3f}, to what it says "
              f"(passage) {signals.passage:.3f}")
        words = ", ".join(f.split(":", 1)[1] + (" (concept)" if f.startswith("c:") else "")
                          for f in signals.shared)
        print(f"       shared words: {words or '-'}")
    print("why the best entry is (not) answered — input × weight:")
    for name, weight in matching.CONFIDENCE_WEIGHTS.items():
        value = assessment.inputs.get(name, 0.0)
        print(f"  {name:<16}{value:7.3f} × {weight:5.2f} = {value * weight:6.2f}")
    print(f"  confidence = 1 / (1 + e^-(sum {matching.CONFIDENCE_BIAS:+.2f}))")
    print("also read by the answer rule: passage_margin "
          f"{assessment.inputs.get('passage_margin', 0.0):.3f} (what the entry says, against "
          f"the next entry); central {assessment.inputs.get('central', 0.0):.3f} (the entry's "
          "least weight of the shared words: 1 when every way of asking has them); strongest "
          f"{assessment.inputs.get('strongest', 0.0):.3f} (its greatest: under "
          f"{matching.STRONGEST_MIN} the words are not what the entry is about, as with a "
          f"homograph); support {assessment.inputs.get('support', 0.0):.3f} and of it about "
          f"{assessment.inputs.get('support_about', 0.0):.3f} (evidence and about without "
          "function words: of three, the share that counts)")
    print("also read by the answer rule: unreliable "
          f"{assessment.inputs.get('unreliable', 0.0):.3f} (how much worse the encoder tells "
          "this content's entries apart in the question's language than in its languages on "
          "average: with three words the entry is about, the meaning may prefer another "
          f"entry by {matching.SEMANTIC_DISSENT_UNRELIABLE} × this more when the confidence "
          f"is at least {matching.UNRELIABLE_CONFIDENCE})")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.content.loader import load_content
    from bot.tools.evaluation import run_eval

    glossary = load_content(_content_dir(args.content)).glossary
    print(run_eval(Path(args.corpus), Path(args.queries),
                   Path(args.predictions) if args.predictions else None, glossary,
                   Settings.from_env().vectors_dir))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check the content files; exit 1 on errors")
    p.add_argument("dir", nargs="?", help="content folder (default: $NEUVO_CONTENT or faq)")
    add_review_arguments(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("ask", help="show how the bot decides on a question")
    p.add_argument("text", help="the question, in any language")
    p.add_argument("--lang", choices=LANGUAGES, help="the user's language, if known")
    p.add_argument("--content", help="content folder (default: $NEUVO_CONTENT or faq)")
    p.add_argument("--all-languages", action="store_true",
                   help="show the reply a user of each of the nine languages gets")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="measure matching on a benchmark (see DESIGN.md)")
    p.add_argument("--corpus", required=True, help="corpus.jsonl in the benchmark format")
    p.add_argument("--queries", required=True, help="queries .jsonl (text, lang, expected)")
    p.add_argument("--predictions", help="write one JSON line per query here")
    p.add_argument("--content", help="content folder whose glossary to use (default: faq)")
    p.set_defaults(func=cmd_eval)

    add_directory_parser(sub)
    add_preview_parser(sub)
    add_report_parser(sub)
    add_unanswered_parser(sub)
    add_backup_parser(sub)

    args = parser.parse_args(argv)
    return int(args.func(args))
