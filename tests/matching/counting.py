"""An encoder for tests that need to know what reaches the model."""

from __future__ import annotations

from collections.abc import Sequence

from bot.matching.embedding import Encoder, Vectors, shared_encoder


class CountingEncoder(Encoder):
    """The real shared model, recording the content texts (`passages_in`) and the messages
    (`queries_in`) it is asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.passages_in: list[str] = []
        self.queries_in: list[str] = []

    def passages(self, texts: Sequence[str]) -> Vectors:
        self.passages_in.extend(texts)
        return shared_encoder().passages(texts)

    def queries(self, texts: Sequence[str]) -> Vectors:
        self.queries_in.extend(texts)
        return shared_encoder().queries(texts)
