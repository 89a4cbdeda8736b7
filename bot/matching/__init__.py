"""Matching a question to FAQ entries: script-aware normalisation, stems and the concept
lexicon, language identification, scoring and the answer / suggest / none decision. Its
data files (lexicon, stop words, language profiles) are in `data/`.

May import `bot.content` (the entry model) only; knows nothing of users or transports.
"""
