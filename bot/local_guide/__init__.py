"""The way into local life: the directory of associations, activities and in-person
advising (`directory/`, loaded from `faq/directory/`) and the conversation steps that show
it (`guide`).

May import `bot.content` (YAML loading), `bot.storage` and `bot.i18n`.
"""
