"""What a message needs before any FAQ answer: crisis help, a human adviser, a friendly
word, or the FAQ (`detector.Detector.route`).

Its word patterns and example messages are data files in `data/`; a message typed in Latin
letters in a language with its own script is also read written back in it (`romanised`).
May import `bot.matching` (normalisation, language identification, its Cyrillic
transliteration, the shared multilingual encoder and what of a text it encodes) and
`bot.i18n` only;
knows nothing of users, content files or transports.
"""
