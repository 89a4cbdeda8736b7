"""Everything the bot knows, loaded together: the FAQ content, the matcher built from it
and the local directory, validated as one set and swapped as one; and the live reloader
that watches the content folder.

May import `bot.content`, `bot.matching`, `bot.local_guide` and `bot.process` only.
"""
