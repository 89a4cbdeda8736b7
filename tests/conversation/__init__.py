"""Tests of `bot.conversation`."""
