"""Tests of `bot.content`."""
