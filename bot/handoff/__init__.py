"""Hand-off to human advisers: consent, tickets, the advisers' group desk and its
commands, advisers' opening hours.

May import `bot.storage` and `bot.i18n` only; the conversation calls it, never the reverse.
"""
