"""Storage in SQLite: the shared connection with transactions and group commit, users and
question logs, anonymous usage counters, deletion and expiry, and masking of personal data
before anything is stored.

May import `bot.i18n` (the Helsinki clock) only.
"""
