"""Sending to Telegram so that nothing is lost and nothing is sent twice.

Every outgoing message is first written to the outbox (bot/telegram/outbox.py), then sent; only
Telegram's confirmation removes it. Network errors, timeouts, 5xx answers and flood
limits (429 with retry_after) leave the row for a later attempt with back-off, and the
flush job — also run at start-up — delivers what an outage or a crash left behind, in
order per chat. Permanent refusals from a user's chat (the user blocked the bot, the chat
is gone) are logged and dropped: retrying them can never succeed. The advisers' group is
different: a 403 or 400 there (the bot was removed, its rights changed) is something the
operator can fix, so those messages stay queued, the log says so at error level, and once
the group takes messages again the advisers are told that delayed ones follow.

All replies to one update are stored before any of them is sent, and storing the last one
marks the update handled in the inbox (bot/telegram/inbox.py) in the same statement: a
crash before that handles the update again, after it finds every reply queued.
"""

from __future__ import annotations

import asyncio
import logging
import os
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, TypeVar

from cachetools import LRUCache
from telegram import Bot, ReplyParameters
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBUserWarning

from bot.i18n.replies import AdviserPost, Message
from bot.telegram.inbox import Inbox
from bot.telegram.outbox import Outbox, Parcel
from bot.telegram.splitting import split_html

# Opt in to python-telegram-bot's timedelta durations (the documented path to v23), so that
# reading RetryAfter.retry_after does not warn on every flood-control answer.
os.environ.setdefault("PTB_TIMEDELTA", "1")

log = logging.getLogger(__name__)

#: Quick retries inside one attempt, for a blip; longer outages go to the outbox back-off.
QUICK_RETRIES = 2
QUICK_PAUSE = 0.5
#: Tickets whose forum topic is remembered (a long first post sends parts in a row).
TOPICS_REMEMBERED = 1000
#: Longest flood-control wait taken inline; longer ones are left to the outbox.
MAX_INLINE_RETRY_AFTER = 5.0
Posted = Callable[[AdviserPost, int, int | None], Awaitable[None]]
GroupBack = Callable[[], Awaitable[None]]
#: Stored parcels: (outbox row, parcel, whether an older row of its chat still waits).
Stored = list[tuple[int, Parcel, bool]]
#: Refusals that say the message itself is wrong, which no change in the group can fix.
_BAD_MESSAGE = ("can't parse", "too long", "text must be non-empty", "button_data_invalid",
                "reply markup")
#: Telegram's answer to an edit that changes nothing: the message already shows it.
NOT_MODIFIED = "message is not modified"
T = TypeVar("T")


def reply_markup(message: Message) -> dict[str, Any] | None:
    """The message's keyboard, as the Bot API's JSON."""
    if message.location_button is not None:
        return {"keyboard": [[{"text": message.location_button, "request_location": True}]],
                "resize_keyboard": True, "one_time_keyboard": True}
    if message.remove_keyboard and not message.buttons:
        return {"remove_keyboard": True}
    if not message.buttons:
        return None
    return {"inline_keyboard": [[{"text": b.label, "callback_data": b.data} for b in row]
                                for row in message.buttons]}


def _html(message: Message, keyboard: dict[str, Any] | None) -> dict[str, Any]:
    return {"text": message.html, "parse_mode": "HTML", "reply_markup": keyboard,
            "link_preview_options": {"is_disabled": True}}


def parcels(chat_id: int, message: Message, reply_to: int | None = None,
            thread_id: int | None = None, post: AdviserPost | None = None) -> list[Parcel]:
    """One parcel per Telegram message: long texts are split, buttons go on the last part.

    Splitting before storing means a failure after the first part never re-sends it. Every
    part of a post to the advisers carries the post, so that each maps to its ticket (the
    buttons and "reply to this" are on the last); a user's file is copied after the last.
    """
    parts = split_html(message.html)
    result = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        shown = Message(part, message.buttons, message.location_button,
                        message.remove_keyboard) if last else Message(part)
        shown_post = post if post is None or last else replace(post, copy_from=None)
        result.append(Parcel(chat_id, shown, reply_to if i == 0 else None, thread_id,
                             shown_post))
    return result


class Sender:
    def __init__(self, bot: Bot, outbox: Outbox, posted: Posted | None,
                 forum: Callable[[], bool], inbox: Inbox | None = None,
                 advisers: int | None = None, group_back: GroupBack | None = None) -> None:
        # Replies are sent with `Bot.do_api_request`, the library's public way to call a
        # Bot API method with JSON parameters and get its result unparsed. `send_message`
        # would build keyboard objects only to turn them into JSON, and parse the sent
        # message Telegram returns (keyboard included) into objects, of which the sender
        # needs only the id: 0.25 ms of CPU per reply, a tenth of all the bot does for a
        # question (benchmarks/load.py). The library warns when `do_api_request` names a
        # method it has; here that is on purpose. (Set here, not on import, so that it
        # holds wherever the sender is made, pytest's per-test warning filters included.)
        warnings.filterwarnings(
            "ignore", message=r"Please use 'Bot\.(sendMessage|editMessageText)'",
            category=PTBUserWarning)
        self.bot = bot
        self.outbox = outbox
        #: Maps advisers' posts to tickets; None when the bot runs without hand-off.
        self.posted = posted
        self.forum = forum
        self.inbox = inbox
        #: The advisers' group, whose refusals keep messages queued; `group_back` is told
        #: once it takes messages again.
        self.advisers = advisers
        self.group_back = group_back
        self._group_refused = False
        self._flush_lock = asyncio.Lock()
        #: Set while sends fail; the first success after it makes the backlog due at once.
        self._degraded = False
        #: Rows being delivered right now, which the flush must not pick up a second time.
        self._in_flight: set[int] = set()
        #: Forum topics made for tickets, for the later parts of a long first post.
        self._topics: LRUCache[int, int] = LRUCache(TOPICS_REMEMBERED)

    async def recover(self, unposted: list[AdviserPost], advisers: int | None) -> int:
        """At start-up: send what a crash or an outage left behind, right away.

        `unposted` are tickets created just before a crash whose post to the advisers'
        group was never queued; they are queued now, after what was already waiting.
        """
        await self.outbox.wake(after_restart=True)
        for post in unposted:
            if advisers is not None and not await self.outbox.has_ticket_post(post.ticket_id):
                await self.send(advisers, post.message, post.reply_to, post.thread_id, post)
        return await self.flush()

    async def send(self, chat_id: int, message: Message, reply_to: int | None = None,
                   thread_id: int | None = None, post: AdviserPost | None = None) -> None:
        await self.deliver(await self.store(parcels(chat_id, message, reply_to, thread_id,
                                                    post)))

    async def deliver(self, stored: Stored) -> None:
        """Send what `store` stored; every stored row is sent now or left to the flush.

        A chat's parcels go in order; once one fails, its later ones are left to the flush,
        which keeps the order. Other chats' parcels are still sent now.
        """
        try:
            failed: set[int] = set()  # chats whose earlier parcel could not be sent
            for row, parcel, behind in stored:
                if behind or parcel.chat_id in failed:
                    # An earlier message to this chat is pending: the flush sends both.
                    await self.outbox.release(row)
                elif not await self._deliver_once(row, parcel, quick_retries=True):
                    failed.add(parcel.chat_id)
        finally:
            for row, _, _ in stored:
                self._in_flight.discard(row)

    async def store(self, items: list[Parcel], handled: int | None = None) -> Stored:
        """Put parcels in the outbox, in order; the last one also marks update `handled`
        in the inbox, in the same statement (an update with no reply is marked here).

        Each row is written in group commit with other chats' rows. A crash after some of
        an update's rows and before its last one leaves the update unmarked: it is handled
        again after the restart, and those first replies come twice, never not at all.
        Pass the result to `deliver`, also when something fails in between: until then the
        flush leaves these rows alone.
        """
        first: dict[int, bool] = {}
        stored = []
        for i, parcel in enumerate(items):
            last = i == len(items) - 1
            row, behind = await self.outbox.put(parcel, handled if last else None)
            self._in_flight.add(row)  # before any other await: the flush must skip it
            stored.append((row, parcel, first.setdefault(parcel.chat_id, behind)))
        if handled is not None and self.inbox is not None:
            if items:
                self.inbox.handled_by_reply(handled)
            else:
                await self.inbox.mark_handled(handled)
        return stored

    async def flush(self) -> int:
        """Deliver what is due, in order; returns how many rows are still waiting.

        The first failure ends the pass: Telegram is unreachable or limiting us, and each
        row has its own back-off, so trying the rest now would only add load.
        """
        async with self._flush_lock:
            busy: set[int] = set()  # chats with a message in flight: later ones wait
            for row, parcel in await self.outbox.due():
                if row in self._in_flight or parcel.chat_id in busy:
                    busy.add(parcel.chat_id)
                    continue
                if not await self._deliver(row, parcel, quick_retries=False):
                    if parcel.chat_id != self.advisers or not self._group_refused:
                        break
                    busy.add(parcel.chat_id)  # the group refuses; users still get theirs
            return await self.outbox.pending()

    async def _deliver(self, row: int, parcel: Parcel, quick_retries: bool = True) -> bool:
        self._in_flight.add(row)
        try:
            return await self._deliver_once(row, parcel, quick_retries)
        finally:
            self._in_flight.discard(row)

    async def _deliver_once(self, row: int, parcel: Parcel, quick_retries: bool) -> bool:
        retries = QUICK_RETRIES if quick_retries else 0
        try:
            parcel = await self._ensure_topic(row, parcel)
            message_id = await self._with_retries(lambda: self._send_now(parcel), retries)
        except RetryAfter as exc:
            self._degraded = True
            await self.outbox.failed(row, _seconds(exc.retry_after))
            return False
        except (Forbidden, BadRequest) as exc:
            if self._group_can_recover(parcel, exc):
                self._group_refused = True
                log.error("the advisers' group %s refuses messages (%s): they stay queued "
                          "until the bot may post there again", parcel.chat_id, exc)
                await self.outbox.failed(row)
                return False
            log.warning("dropping a message Telegram refuses for good (chat %s): %s",
                        parcel.chat_id, exc)
            await self.outbox.done(row, parcel.chat_id)
            return True
        except (NetworkError, TelegramError) as exc:
            log.warning("sending failed, will retry (chat %s): %s", parcel.chat_id, exc)
            self._degraded = True
            await self.outbox.failed(row)
            return False
        await self.outbox.done(row, parcel.chat_id)
        if self._degraded:
            self._degraded = False
            await self.outbox.wake()
        if self._group_refused and parcel.chat_id == self.advisers:
            self._group_refused = False
            await self.outbox.wake()
            log.warning("the advisers' group takes messages again")
            if self.group_back is not None:
                await self.group_back()
        if parcel.post is not None:
            if self.posted is not None:
                await self.posted(parcel.post, message_id, parcel.thread_id)
            if parcel.post.copy_from is not None:
                await self._copy(parcel, message_id)
        return True

    def _group_can_recover(self, parcel: Parcel, exc: TelegramError) -> bool:
        """A refusal by the advisers' group that the operator can fix (rights, membership)."""
        if self.advisers is None or parcel.chat_id != self.advisers:
            return False
        return not any(reason in str(exc).lower() for reason in _BAD_MESSAGE)

    async def _ensure_topic(self, row: int, parcel: Parcel) -> Parcel:
        """A new ticket in a forum group gets its own topic, created once."""
        post = parcel.post
        if post is None or post.reply_to is not None or parcel.thread_id is not None:
            return parcel
        if not self.forum():
            return parcel
        thread = self._topics.get(post.ticket_id)
        if thread is None:
            topic = await self._with_retries(
                lambda: self.bot.create_forum_topic(parcel.chat_id, f"#{post.ticket_id}"))
            thread = self._topics[post.ticket_id] = topic.message_thread_id
        parcel = Parcel(parcel.chat_id, parcel.message, parcel.reply_to, thread, post)
        await self.outbox.update(row, parcel)
        return parcel

    async def _copy(self, parcel: Parcel, message_id: int) -> None:
        assert parcel.post is not None and parcel.post.copy_from is not None
        from_chat, from_message = parcel.post.copy_from
        try:
            await self._with_retries(lambda: self.bot.copy_message(
                parcel.chat_id, from_chat, from_message, message_thread_id=parcel.thread_id,
                reply_parameters=ReplyParameters(message_id, allow_sending_without_reply=True)))
        except TelegramError as exc:  # the text already tells advisers a file was meant
            log.warning("could not copy a user's file to the advisers: %s", exc)

    async def _send_now(self, parcel: Parcel) -> int:
        sent = await self.bot.do_api_request("sendMessage", {
            "chat_id": parcel.chat_id,
            "message_thread_id": parcel.thread_id,
            "reply_parameters": ({"message_id": parcel.reply_to,
                                  "allow_sending_without_reply": True}
                                 if parcel.reply_to else None),
            **_html(parcel.message, reply_markup(parcel.message)),
        })
        return int(sent["message_id"])

    async def edit(self, chat_id: int, message_id: int, message: Message) -> None:
        """Show `message` in place of one the bot sent (a menu, after a button press).

        Not kept in the outbox: if this fails, the person still has the old menu to press.
        """
        keyboard = reply_markup(message)
        try:
            await self.bot.do_api_request("editMessageText", {
                "chat_id": chat_id,
                "message_id": message_id,
                # An edited message can only have buttons in it, not a keyboard below.
                **_html(message,
                        keyboard if keyboard and "inline_keyboard" in keyboard else None),
            })
        except BadRequest as exc:
            # The same button pressed twice: the message already says this. Not an error.
            if NOT_MODIFIED not in str(exc).lower():
                raise

    async def _with_retries(self, call: Callable[[], Awaitable[T]],
                            retries: int = QUICK_RETRIES) -> T:
        for attempt in range(retries + 1):
            try:
                return await call()
            except RetryAfter as exc:
                wait = _seconds(exc.retry_after)
                if attempt == retries or wait > MAX_INLINE_RETRY_AFTER:
                    raise
                await asyncio.sleep(wait)
            except (Forbidden, BadRequest):
                raise
            except NetworkError:
                if attempt == retries:
                    raise
                await asyncio.sleep(QUICK_PAUSE * (attempt + 1))
        raise AssertionError("unreachable")


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
