"""Tests of `bot.local_guide`."""
