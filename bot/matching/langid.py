"""Which of the nine languages a message is written in, so the bot replies in it.

Off-the-shelf detectors know neither Sorani nor the way our users write (Persian on an Arabic
keyboard, Sorani without its own letters, Russian in Latin letters, Finnish official words in
every language), so this is a small classifier of our own:

1. Script first. Arabic-script and Cyrillic words count double against Latin ones, because
   Latin words inside such a message are nearly always Finnish names of offices and benefits.
2. Within the script, a character n-gram (1–4) model per language, trained on the short texts
   in ``bot/matching/data/langid/`` and on the lexicon's words of that language, each also in a
   "degraded" spelling (no ä/ö, Sorani without ە ێ ۆ ڵ ڕ, Persian with Arabic ي ك, Arabic
   without hamza) so that careless typing does not change the answer.
3. Function words of each language add evidence; letters only one language in the script
   uses (ە ێ ۆ ڵ ڕ for Sorani, ة for Arabic, і ї є for Ukrainian, ы э ъ for Russian) add
   more. Romanised Russian, Ukrainian, Arabic, Persian and Sorani are their own classes and
   map to their language.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from bot.content.plain_language import sentences
from bot.matching.lexicon import builtin_forms_by_language
from bot.matching.normalize import Script, clean, fold_word, script_of, tokens

_MAX_N = 4
_ALPHA = 0.5
#: Weight of one function word, relative to the mean n-gram log-probability per word.
_WORD_WEIGHT = 1.2
#: Romanised classes are trained on little text; they must win clearly.
_ROMANISED_PENALTY = 0.6
_NON_LATIN_WEIGHT = 2.0

_LABELS: dict[Script, tuple[str, ...]] = {
    "latin": ("fi", "sv", "en", "so", "ru-latn", "uk-latn", "ar-latn", "fa-latn", "ckb-latn"),
    "cyrillic": ("ru", "uk"),
    "arabic": ("ar", "fa", "ckb"),
}
_SCRIPT_OF_LABEL = {label: script for script, labels in _LABELS.items() for label in labels}
#: The languages, each with its own samples (:func:`samples`).
LANGUAGES = tuple(label for label in _SCRIPT_OF_LABEL if not label.endswith("-latn"))

#: Letters that, within their script, only one language uses; weight per occurrence.
_DISTINCTIVE: dict[str, dict[str, float]] = {
    "ckb": dict.fromkeys("ەێۆڵڕڤ", 1.5),
    "ar": {"ة": 1.0, "ى": 0.5, "أ": 0.4, "إ": 0.5, "ؤ": 0.5, "ذ": 0.3, "ض": 0.3, "ظ": 0.3},
    "fa": {"ی": 0.15, "ک": 0.15, "پ": 0.4, "چ": 0.4, "ژ": 0.4, "گ": 0.4},
    "uk": {"і": 1.0, "ї": 1.5, "є": 1.5, "ґ": 1.5},
    "ru": {"ы": 1.5, "э": 1.5, "ъ": 1.5, "ё": 1.0},
    "fi": {"ä": 0.3, "ö": 0.3},
    "sv": {"å": 1.0},
}
#: Degraded spellings to train on as well (what people type without the right keyboard).
_DEGRADE: dict[str, dict[str, str]] = {
    "fi": {"ä": "a", "ö": "o"},
    "sv": {"ä": "a", "ö": "o", "å": "a"},
    "ckb": {"ە": "ه", "ێ": "ی", "ۆ": "و", "ڵ": "ل", "ڕ": "ر", "ک": "ك"},
    "fa": {"ی": "ي", "ک": "ك"},
    "ar": {"أ": "ا", "إ": "ا", "ة": "ه", "ى": "ي", "ي": "ی", "ك": "ک"},
    "uk": {"ї": "і", "є": "е", "ґ": "г"},
    "ru": {"ё": "е", "ъ": "ь"},
}

_WORD = re.compile(r"[^\W\d_]+")
_LATIN_IN_CYRILLIC = str.maketrans("aceiopxy", "асеіорху")


def _words(text: str) -> list[str]:
    words = []
    for word in _WORD.findall(clean(text)):
        if re.search("[\u0400-\u04ff]", word) and re.search("[a-z]", word):
            word = word.translate(_LATIN_IN_CYRILLIC)
        words.append(word)
    return words


def _grams(word: str) -> list[str]:
    padded = f" {word} "
    return [padded[i : i + n] for n in range(1, _MAX_N + 1) for i in range(len(padded) - n + 1)]


@dataclass(frozen=True)
class _Model:
    """The n-gram models of one script's labels. A gram is looked up by its hash in a
    sorted array, not in a dict of strings: the 41,000 grams of the nine languages' models
    took 7 MB as dicts and take 1.6 MB so. With 64-bit hashes two grams share one about once
    in 10^10 models, and then one gram's estimate stands for the other's."""

    labels: tuple[str, ...]
    #: Hashes of the grams any of the labels saw, sorted.
    hashes: npt.NDArray[np.int64]
    #: (grams + 1, labels): each label's log probability of each gram; the last row is that
    #: of a gram the label never saw.
    logp: npt.NDArray[np.float64]


def _counts(text: str, script: Script) -> Counter[str]:
    counts: Counter[str] = Counter()
    for word in _words(text):
        if script_of(word) == script:
            counts.update(_grams(word))
    return counts


def _model(script: Script) -> _Model:
    """Add-alpha estimates of each label's gram probabilities, trained on its texts."""
    labels = _LABELS[script]
    counts = {label: _counts(_training_text(label), script) for label in labels}
    grams = sorted({gram for c in counts.values() for gram in c}, key=hash)
    row = {gram: i for i, gram in enumerate(grams)}
    logp = np.empty((len(grams) + 1, len(labels)))
    for j, label in enumerate(labels):
        total = sum(counts[label].values())
        denom = total + _ALPHA * (len(counts[label]) + 1)
        logp[:, j] = math.log(_ALPHA / denom)
        for gram, count in counts[label].items():
            logp[row[gram], j] = math.log((count + _ALPHA) / denom)
    hashes = np.fromiter((hash(gram) for gram in grams), np.int64, len(grams))
    return _Model(labels, hashes, logp)


def samples(label: str) -> list[str]:
    """The sample sentences of one language (or romanised language, ``ar-latn``): everyday
    questions and stories of the bot's users, the same in every language. Besides training
    the classifier, they tell the matcher what the encoder makes of a language as such."""
    return [sentence for _, sentence in sentences(_sample_text(label)) if sentence]


def _sample_text(label: str) -> str:
    return (resources.files("bot.matching") / f"data/langid/{label}.txt").read_text("utf-8")


def _more_text(label: str) -> str:
    """Text for the classifier alone (``data/langid/more/``): where the parallel samples are
    too little to tell a language by (spoken Finnish was taken for Russian or Arabic in Latin
    letters). Not parallel, so the matcher's language means do not use it."""
    more = resources.files("bot.matching") / f"data/langid/more/{label}.txt"
    return more.read_text("utf-8") if more.is_file() else ""


def _training_text(label: str) -> str:
    text = "\n".join([_sample_text(label), _more_text(label),
                      builtin_forms_by_language().get(label, "")])
    degrade = _DEGRADE.get(label)
    if degrade:
        text += "\n" + text.translate({ord(k): v for k, v in degrade.items()})
    return text


@cache
def _models() -> dict[Script, _Model]:
    return {script: _model(script) for script in _LABELS}


@cache
def _function_words() -> dict[str, frozenset[str]]:
    """Function words per language (folded), from the shared stop-word list."""
    text = (resources.files("bot.matching") / "data/stopwords.txt").read_text("utf-8")
    out: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        if line.startswith("#") or ":" not in line:
            continue
        lang, words = line.split(":", 1)
        out[lang.strip()] = frozenset(tokens(words))
    return out


def _dominant_script(words: list[str]) -> Script | None:
    weight: dict[Script, float] = {}
    for word in words:
        script = script_of(word)
        if script != "other":
            weight[script] = weight.get(script, 0.0) + (
                1.0 if script == "latin" else _NON_LATIN_WEIGHT
            )
    if not weight:
        return None
    return max(weight, key=lambda script: weight[script])


def scores(text: str) -> dict[str, float]:
    """Per-label scores (higher is likelier); empty when the text has no letters."""
    words = _words(text)
    script = _dominant_script(words)
    if script is None:
        return {}
    words = [w for w in words if script_of(w) == script]
    model = _models()[script]
    function_words = _function_words()
    folded = [fold_word(w) for w in words]
    letters = Counter("".join(words))
    grams_of = [_grams(word) for word in words]
    # Each word's mean log probability per label, then their sum: every gram looked up at once.
    wanted = np.fromiter((hash(g) for grams in grams_of for g in grams), np.int64)
    at = np.minimum(np.searchsorted(model.hashes, wanted), len(model.hashes) - 1)
    rows = np.where(model.hashes[at] == wanted, at, len(model.hashes))
    lengths = np.array([len(grams) for grams in grams_of])
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    totals = (np.add.reduceat(model.logp[rows], starts, axis=0) / lengths[:, None]).sum(axis=0)
    result: dict[str, float] = {}
    for label, total in zip(model.labels, totals.tolist(), strict=True):
        score = total / len(words)
        lang = label.split("-")[0]
        if not label.endswith("-latn"):
            hits = sum(1 for w in folded if w in function_words.get(lang, frozenset()))
            score += _WORD_WEIGHT * hits / len(words)
        else:
            score -= _ROMANISED_PENALTY
        for letter, weight in _DISTINCTIVE.get(label, {}).items():
            score += weight * min(letters[letter], 3) / max(len(words), 3) * 3
        result[label] = score
    return result


def load_models() -> None:
    """Build the language models now rather than on the first message."""
    _models()
    _function_words()


@lru_cache(maxsize=64)
def best_label(text: str) -> str | None:
    """The likeliest label of ``text``: a language, or one typed in Latin letters
    ("ru-latn"); None without letters. Remembered for the last few texts: the safety step
    asks it about a message just before the matcher asks :func:`detect_language`, and one
    identification serves both."""
    ranked = scores(text)
    if not ranked:
        return None
    return max(ranked, key=lambda label: ranked[label])


def detect_language(text: str) -> str | None:
    """The language code (one of bot.i18n.languages.LANGUAGES) of ``text``; None without letters."""
    best = best_label(text)
    return best.split("-")[0] if best else None
