"""The console front end: the same conversation as on Telegram, one message per line on
stdin, replies and numbered buttons on stdout.

May import the conversation and `bot.i18n`; nothing else.
"""
