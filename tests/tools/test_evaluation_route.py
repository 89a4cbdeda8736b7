"""`python -m bot eval` writes the route of every query and scores route-labelled files."""

from __future__ import annotations

import json
from pathlib import Path

from bot.tools.evaluation import run_eval

CORPUS = [
    {"id": "kela-card", "lang": "en", "question": "How do I get a Kela card?",
     "alternates": ["Kela card", "health insurance card", "apply for Kela card"],
     "answer": "Apply for the Kela card from Kela."},
    {"id": "tax-card", "lang": "en", "question": "How do I get a tax card?",
     "alternates": ["tax card", "verokortti", "tax percentage"],
     "answer": "Order a tax card from the Tax Administration."},
]


def write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_faq_queries_get_a_route_and_the_faq_table(tmp_path: Path) -> None:
    corpus = write(tmp_path / "corpus.jsonl", CORPUS)
    queries = write(tmp_path / "q.jsonl", [
        {"text": "how to get kela card", "lang": "en", "expected": "kela-card", "kind": "plain"},
        {"text": "hello", "lang": "en", "expected": None, "kind": "oos"},
    ])
    out = tmp_path / "p.jsonl"
    summary = run_eval(corpus, queries, out)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["route"] for r in rows] == ["faq", "smalltalk"]
    assert summary.splitlines()[0].split()[:3] == ["lang", "n", "correct"]
    assert summary.splitlines()[-1] == "routed away from the FAQ: 1 of 2"


def test_route_labelled_queries_get_the_safety_table(tmp_path: Path) -> None:
    corpus = write(tmp_path / "corpus.jsonl", CORPUS)
    queries = write(tmp_path / "q.jsonl", [
        {"text": "I keep thinking about suicide", "lang": "en", "expected": "suicide",
         "kind": "direct"},
        {"text": "can I talk to a real person", "lang": "en", "expected": "human",
         "kind": "plain"},
        {"text": "thanks a lot!", "lang": "en", "expected": "smalltalk", "kind": "plain"},
        {"text": "how do I get a tax card", "lang": "en", "expected": "none", "kind": "plain"},
    ])
    summary = run_eval(corpus, queries, None)
    header, en, overall = summary.splitlines()
    assert header.split() == ["lang", "n", "crisis", "false_cr", "human", "smalltalk",
                              "none_faq"]
    assert overall.split() == ["all", "4", "1.000", "0.000", "1.000", "1.000", "1.000"]
    assert en.split()[0] == "en"
