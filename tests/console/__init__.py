"""Tests of `bot.console`."""
