"""The language layer every other package builds on: the nine languages and their names,
UI strings (`texts`) and their gettext catalogs, right-to-left layout, the reply model the
front ends render (`replies`), and the Helsinki clock.

Imports nothing else from `bot`.
"""
