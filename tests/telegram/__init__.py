"""Tests of `bot.telegram`."""
