"""What a message needs before any FAQ answer: crisis help, a human adviser, a friendly
word, or the FAQ (`detector.Detector.route`).

Its word patterns and example messages are data files in `data/`. May import
`bot.matching` (normalisation, the shared multilingual encoder and what of a text it
encodes) and `bot.i18n` only;
knows nothing of users, content files or transports.
"""
