"""Tests of `bot.tools`."""
