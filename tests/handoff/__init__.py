"""Tests of `bot.handoff`."""
