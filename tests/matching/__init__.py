"""Tests of `bot.matching`."""
