"""Tests of `bot.knowledge`."""
