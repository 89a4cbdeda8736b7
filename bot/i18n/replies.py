"""What the conversation asks a front end to do: plain data, no transport.

Telegram and the console render these the same way, so both show exactly the same
conversation.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bot.i18n import bidi
from bot.i18n.catalogs import Translator


@dataclass(frozen=True)
class Button:
    label: str
    #: Opaque to the front end; at most 64 bytes (Telegram's callback_data limit).
    data: str


@dataclass(frozen=True)
class Message:
    html: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    #: A "share my location" keyboard button with this label (Telegram only; it cannot
    #: be combined with `buttons` in one message).
    location_button: str | None = None
    #: Take away a "share my location" keyboard shown earlier.
    remove_keyboard: bool = False


@dataclass(frozen=True)
class AdviserPost:
    """A message for the advisers' group, about one ticket."""

    ticket_id: int
    message: Message
    #: None for a new ticket's first post; otherwise the group message this one answers.
    reply_to: int | None = None
    thread_id: int | None = None
    #: A user's file to copy into the group after the text: (chat id, message id).
    copy_from: tuple[int, int] | None = None
    #: The ticket message row this post shows; set for every post but a ticket's first.
    message_row: int | None = None


@dataclass(frozen=True)
class Delivery:
    """A message for a user other than the one who caused it (an adviser's answer)."""

    chat_id: int
    message: Message


@dataclass
class Outcome:
    """What to do in answer to one action."""

    #: Messages to the chat the action came from.
    messages: list[Message] = field(default_factory=list)
    #: Replaces the message whose button was pressed (text and buttons).
    edit: Message | None = None
    #: A short notice for the button press itself (Telegram shows it as a toast).
    toast: str | None = None
    to_advisers: list[AdviserPost] = field(default_factory=list)
    to_users: list[Delivery] = field(default_factory=list)


#: Numbers in callback data and commands: ticket, question and page numbers. Telegram
#: clients send what our buttons hold, but anyone can craft callback data, so the number
#: must be plain ASCII digits that fit SQLite's 64-bit integers.
_MAX_NUMBER_DIGITS = 18


def number(text: str) -> int | None:
    """The number in `text` if it is one we could have made; None for anything else."""
    if text.isascii() and text.isdigit() and len(text) <= _MAX_NUMBER_DIGITS:
        return int(text)
    return None


def escape(text: str) -> str:
    return html.escape(text, quote=False)


_LINK_RE = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")


def html_to_text(text: str, show_links: bool = True) -> str:
    """A message as a terminal shows it: tags dropped, entities decoded, and links as
    "name (url)" unless `show_links` is off (then only what Telegram itself displays)."""
    if show_links:
        text = _LINK_RE.sub(lambda m: f"{m.group(2)} ({html.unescape(m.group(1))})", text)
    return html.unescape(_TAG_RE.sub("", text))


def button(t: Translator, label: str, data: str) -> Button:
    """A button with a translated label that reads right in right-to-left languages."""
    return Button(bidi.line(t(label), t.lang), data)


def say(t: Translator, message: str, **html_values: str) -> Message:
    """A translated message with no buttons; values must already be HTML-escaped."""
    return Message(bidi.line(t.html(message, **html_values), t.lang))
