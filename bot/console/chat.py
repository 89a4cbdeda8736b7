"""The console chat: the same conversation as on Telegram, one message per input line.

Buttons are listed as numbered options; typing `#N` presses one. Used by newcomers to try
the bot without a Telegram token, and by advisers to check how answers look.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

from bot.conversation.conversation import Conversation, User
from bot.i18n.replies import Message, Outcome, html_to_text

CONSOLE_USER = "console"
CONSOLE_CHAT = 0
#: The console has no advisers' group; what would go there is printed with this mark.
ADVISERS_MARK = "[advisers' group]"
_PRESS_RE = re.compile(r"^#(\d+)$")
#: The console's stand-in for Telegram's "share location" button.
_LOCATION_RE = re.compile(r"^/location\s+(-?\d+(?:\.\d+)?)[,\s]+(-?\d+(?:\.\d+)?)$")
LOCATION_HINT = "/location LATITUDE LONGITUDE"
#: Printed once at the start, so that a newcomer knows what to type.
START_HINT = ("Type a question and press Enter. #1 presses button [#1]; /start begins, /help "
              "lists the commands; Ctrl-D quits.")


class ConsoleChat:
    def __init__(self, conversation: Conversation, out: TextIO, lang: str | None = None) -> None:
        self.conversation = conversation
        self.out = out
        self.user = User(CONSOLE_USER, chat_id=CONSOLE_CHAT, contact="Console user")
        self.lang = lang
        #: Callback data of the buttons last shown, by their number.
        self.buttons: dict[int, str] = {}

    async def run(self, lines: Iterable[str]) -> None:
        if self.lang:
            await self.conversation.set_language(self.user, self.lang)
        for raw in lines:
            line = raw.strip()
            if line:
                await self.show(await self.handle(line))

    async def handle(self, line: str) -> Outcome:
        press = _PRESS_RE.match(line)
        if press:
            # An unknown number gets the conversation's own "button no longer valid" reply.
            return await self.conversation.button(self.user,
                                                  self.buttons.get(int(press.group(1)), ""))
        location = _LOCATION_RE.match(line)
        if location:
            return await self.conversation.location(self.user, float(location.group(1)),
                                                    float(location.group(2)))
        if line.startswith("/"):
            word, _, args = line.partition(" ")
            return await self.conversation.command(self.user, word[1:].lower(), args.strip())
        return await self.conversation.text(self.user, line)

    async def show(self, outcome: Outcome) -> None:
        if outcome.toast:
            self.out.write(f"ℹ {outcome.toast}\n")
        numbered: dict[int, str] = {}
        if outcome.edit is not None:
            # The pressed message changed in place (the answer switched to plain Finnish…).
            self._print(outcome.edit, numbered, "✎ ")
        for message in outcome.messages:
            self._print(message, numbered)
        for delivery in outcome.to_users:
            self._print(delivery.message, numbered)
        for post in outcome.to_advisers:
            # Advisers' buttons are not the user's to press, so they get no numbers.
            for line in html_to_text(post.message.html).splitlines():
                self.out.write(f"{ADVISERS_MARK} {line}\n")
        if numbered:
            self.buttons = numbered
        self.out.write("\n")
        self.out.flush()

    def _print(self, message: Message, numbered: dict[int, str], mark: str = "") -> None:
        self.out.write(mark + html_to_text(message.html) + "\n")
        if message.location_button is not None:
            self.out.write(f"   [{message.location_button}: {LOCATION_HINT}]\n")
        for row in message.buttons:
            labels = []
            for button in row:
                number = len(numbered) + 1
                numbered[number] = button.data
                labels.append(f"[#{number}] {button.label}")
            self.out.write("   " + "   ".join(labels) + "\n")
