"""The Telegram front end and delivery: handlers, sender, outbox, per-chat update order,
webhook server and the aiohttp transport to the Bot API.

Handlers only translate updates into calls of the conversation and render its replies;
nothing here decides what to answer. May import `bot.app`, `bot.config`, the conversation,
`bot.storage` (the outbox's table) and `bot.i18n`.
"""
