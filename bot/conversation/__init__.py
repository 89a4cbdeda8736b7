"""The transport-free conversation core: what the bot says to a message, a button or a
command, whoever delivers it (Telegram or the console).

Routes each message to the capabilities (knowledge and matching, local guide, hand-off)
and turns their results into replies. May import those capabilities, `bot.content`,
`bot.storage` and `bot.i18n`; never a front end, a tool, `bot.app` or `bot.config`.
"""
