"""`python -m bot …`: the advisers' and operators' commands (validate with writing help,
ask, preview, directory, unanswered, report, eval, backup).

The top layer beside the front ends: may import any package, and nothing imports it
except `bot.__main__` and the wiring in `bot.app`.
"""
