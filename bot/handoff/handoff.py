"""Hand-off to human advisers: the user's side and the advisers' group side, no Telegram.

A user asks for an adviser, agrees to what is shared, and gets a ticket; the question goes
to the advisers' group with personal data masked, also when the user chose to share their
name (which shows the name, and nothing else). Advisers answer by replying to the ticket's
message; the bot relays both ways using its own stored mapping. Abuse limits and bans act
on pseudonyms, so advisers can stop a user without ever learning who it is.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path

import yaml
from babel.dates import format_timedelta

from bot.handoff.opening_hours import OpeningHours, format_moment
from bot.handoff.tickets import Ticket, TicketStore
from bot.i18n import bidi, texts
from bot.i18n.catalogs import I18n, Translator
from bot.i18n.languages import babel_locale
from bot.i18n.replies import (
    AdviserPost,
    Button,
    Delivery,
    Message,
    Outcome,
    button,
    escape,
    number,
    say,
)
from bot.storage.files import private_file
from bot.storage.privacy import mask_personal_data
from bot.storage.storage import Pending, Storage
from bot.storage.usage import REPLY_BUCKETS, ReachStats, Usage

#: Longest message passed on to advisers; the rest is cut with a note to the user.
MAX_RELAY_CHARS = 1500
MAX_TICKETS_PER_DAY = 3
MAX_MESSAGES_PER_WINDOW = 10
MESSAGE_WINDOW_SECONDS = 600
STATS_DAYS = 30
#: The pending state of a hand-off asked for from a crisis card (ask, then consent).
URGENT = "urgent"
#: Pending kinds of someone writing to an adviser: everything they write goes into it.
DRAFTING = ("ask", "consent", URGENT)


def _cut(text: str) -> tuple[str, bool]:
    """Masked, then cut: a number across the cut is still recognised whole."""
    text = mask_personal_data(text.strip())
    return (text, False) if len(text) <= MAX_RELAY_CHARS else (text[:MAX_RELAY_CHARS] + "…", True)


class Handoff:
    def __init__(
        self,
        storage: Storage,
        store: TicketStore,
        usage: Usage,
        i18n: I18n,
        hours: OpeningHours,
        adviser_lang: str,
        drafts_dir: Path,
        language_name: Callable[[str], str],
        published: Callable[[ReachStats], dict[str, str]],
    ) -> None:
        self.storage = storage
        self.store = store
        self.usage = usage
        self.i18n = i18n
        self.hours = hours
        self.desk = i18n(adviser_lang)
        self.drafts_dir = drafts_dir
        self.language_name = language_name
        #: The reach report's headline numbers, small counts hidden by its rule
        #: (`bot.tools.report.published`); passed in so that hand-off needs no tool.
        self.published = published

    # -- the user's side -----------------------------------------------------------------

    async def ask(self, pid: str, t: Translator, question: str | None = None,
                  urgent: bool = False) -> Outcome:
        """The user wants an adviser; with a known question go straight to consent.

        `urgent`: asked from a crisis card, so the ticket is marked urgent for advisers.
        """
        if await self.store.is_banned(pid):
            return Outcome([say(t, texts.ADVISER_UNAVAILABLE)])
        ticket = await self.store.open_ticket_of(pid)
        if ticket is not None:
            return Outcome([say(t, texts.ADVISER_ALREADY_OPEN, number=str(ticket.id))])
        if question:
            return await self._consent(pid, t, question, urgent)
        await self.storage.set_pending(pid, URGENT if urgent else "ask")
        return Outcome([say(t, texts.ADVISER_INTRO)])

    async def remember_unanswered(self, pid: str, question: str) -> None:
        """Keep the last unanswered question briefly, for "ask an adviser" under it."""
        await self.storage.set_pending(pid, "last", question)

    async def last_unanswered(self, pid: str) -> str | None:
        pending = await self.storage.pending(pid)
        return pending.text if pending and pending.kind == "last" else None

    async def _consent(self, pid: str, t: Translator, question: str,
                       urgent: bool = False) -> Outcome:
        await self.storage.set_pending(pid, URGENT if urgent else "consent", question)
        shown = escape(_cut(question)[0])
        message = Message(
            bidi.line(t.html(texts.ADVISER_CONSENT, question=f"<i>{shown}</i>"), t.lang),
            (
                (button(t, texts.CONSENT_SEND, "adv:send"),),
                (button(t, texts.CONSENT_SEND_NAME, "adv:name"),),
                (button(t, texts.CONSENT_CANCEL, "adv:cancel"),),
            ),
        )
        return Outcome([message])

    async def holder(self, pid: str, pending: Pending | None) -> Ticket | Pending | None:
        """What this person's next text belongs to: their open ticket, or the question they
        are writing to an adviser (`pending`, read once by the caller). `intercept_text`
        takes it; None: the text is for the FAQ."""
        ticket = await self.store.open_ticket_of(pid)
        if ticket is not None:
            return ticket
        if pending is not None and pending.kind in DRAFTING:
            return pending
        return None

    async def intercept_text(
        self, pid: str, chat_id: int | None, t: Translator, text: str,
        holder: Ticket | Pending, urgent: bool = False,
    ) -> Outcome:
        """Text that belongs to a hand-off (see `holder`): a follow-up to the open ticket, or
        more of the question being written. `urgent`: the text is a crisis, so a question
        being written becomes an urgent ticket.
        """
        if isinstance(holder, Ticket):
            if await self.store.is_banned(pid):  # a ban stops the open ticket too
                return Outcome([say(t, texts.ADVISER_UNAVAILABLE)])
            return await self._follow_up(pid, chat_id, t, holder, text)
        # Everything written before Send goes to the adviser, in order.
        question = f"{holder.text}\n\n{text}" if holder.text else text
        return await self._consent(pid, t, question, urgent or holder.kind == URGENT)

    async def _follow_up(
        self, pid: str, chat_id: int | None, t: Translator, ticket: Ticket, text: str
    ) -> Outcome:
        since = self.store.now() - MESSAGE_WINDOW_SECONDS
        if await self.store.user_messages_since(pid, since) >= MAX_MESSAGES_PER_WINDOW:
            return Outcome([say(t, texts.TOO_MANY_MESSAGES)])
        relayed, cut = _cut(text)
        row = await self.store.add_message(ticket.id, "user", relayed)
        post = AdviserPost(
            ticket.id,
            Message(self.desk.html(texts.DESK_FOLLOWUP, number=str(ticket.id),
                                   text=escape(relayed))),
            reply_to=ticket.group_message_id,
            thread_id=ticket.group_thread_id,
            message_row=row,
        )
        replies = [self._followup_ack(t, ticket)]
        if cut:
            replies.insert(0, say(t, texts.MESSAGE_TRUNCATED, limit=str(MAX_RELAY_CHARS)))
        return Outcome(replies, to_advisers=[post])

    def _followup_ack(self, t: Translator, ticket: Ticket) -> Message:
        return Message(
            bidi.line(t.html(texts.FOLLOWUP_SENT, number=str(ticket.id)), t.lang),
            ((button(t, texts.CLOSE_MY_TICKET, f"adv:done:{ticket.id}"),),),
        )

    async def media(self, pid: str, t: Translator, message_id: int) -> Outcome | None:
        """A file from a user with an open ticket: forwarded only if they confirm."""
        if await self.store.open_ticket_of(pid) is None:
            return None
        if await self.store.is_banned(pid):
            return Outcome([say(t, texts.ADVISER_UNAVAILABLE)])
        await self.storage.set_pending(pid, "media", message_id=message_id)
        return Outcome([Message(
            bidi.line(t.html(texts.MEDIA_CONFIRM), t.lang),
            ((button(t, texts.MEDIA_SEND, "adv:file:1"),
              button(t, texts.MEDIA_DONT_SEND, "adv:file:0")),),
        )])

    async def button(
        self, pid: str, chat_id: int | None, contact: str | None,
        municipality_id: str | None, municipality: str | None, t: Translator, action: str,
    ) -> Outcome:
        """A hand-off button; `municipality` is the name advisers see, `_id` is counted."""
        if action in ("send", "name"):
            pending = await self.storage.pending(pid)
            if (pending is None or pending.kind not in ("consent", URGENT) or not pending.text
                    or chat_id is None):
                ticket = await self.store.open_ticket_of(pid)
                if ticket is not None:  # pressed again, or handled again after a crash
                    return Outcome([say(t, texts.ADVISER_ALREADY_OPEN, number=str(ticket.id))])
                return Outcome([say(t, texts.EXPIRED_BUTTON)])
            shared = contact if action == "name" else None
            return await self._create(pid, chat_id, t, municipality_id, municipality, shared,
                                      pending.text, urgent=pending.kind == URGENT)
        if action == "cancel":
            await self.storage.clear_pending(pid)
            return Outcome(edit=say(t, texts.ADVISER_CANCELLED))
        if action.startswith("done:"):
            ticket = await self.store.open_ticket_of(pid)
            if ticket is not None and action == f"done:{ticket.id}":
                return await self._close(ticket, by_user=True)
            return Outcome(toast=t(texts.EXPIRED_BUTTON))
        if action.startswith("file:"):
            pending = await self.storage.pending(pid)
            ticket = await self.store.open_ticket_of(pid)
            await self.storage.clear_pending(pid)
            if (action == "file:1" and ticket is not None and pending is not None
                    and pending.kind == "media" and pending.message_id and chat_id is not None):
                row = await self.store.add_message(ticket.id, "user", "[file]")
                post = AdviserPost(
                    ticket.id,
                    Message(self.desk.html(texts.DESK_FILE, number=str(ticket.id))),
                    reply_to=ticket.group_message_id,
                    thread_id=ticket.group_thread_id,
                    copy_from=(chat_id, pending.message_id),
                    message_row=row,
                )
                return Outcome(edit=say(t, texts.MEDIA_SENT), to_advisers=[post])
            return Outcome(edit=say(t, texts.MEDIA_NOT_SENT))
        if action == "ask":
            return await self.ask(pid, t, await self.last_unanswered(pid))
        if action == URGENT:
            return await self.ask(pid, t, await self.last_unanswered(pid), urgent=True)
        if action == "start":
            return await self.ask(pid, t)
        return Outcome([say(t, texts.EXPIRED_BUTTON)])

    async def _create(
        self, pid: str, chat_id: int, t: Translator, municipality_id: str | None,
        municipality: str | None, contact: str | None, question: str, urgent: bool = False,
    ) -> Outcome:
        # The question waiting for consent is cleared only afterwards: if the bot dies in
        # between, the press is handled again after the restart and finds the ticket.
        try:
            if await self.store.is_banned(pid):
                return Outcome(edit=say(t, texts.ADVISER_UNAVAILABLE))
            existing = await self.store.open_ticket_of(pid)
            if existing is not None:
                return Outcome([say(t, texts.ADVISER_ALREADY_OPEN, number=str(existing.id))])
            day_ago = self.store.now() - 86400
            if await self.store.created_since(pid, day_ago) >= MAX_TICKETS_PER_DAY:
                return Outcome(edit=say(t, texts.TOO_MANY_TICKETS))
            relayed, cut = _cut(question)
            ticket = await self.store.create(pid, chat_id, t.lang, municipality, contact, relayed,
                                             urgent)
            await self.usage.ticket_created(t.lang, municipality_id)
            post = self._ticket_post(ticket, relayed)
            replies = [Message(
                bidi.line(t.html(texts.ADVISER_SENT, number=str(ticket.id)), t.lang),
                ((button(t, texts.CLOSE_MY_TICKET, f"adv:done:{ticket.id}"),),),
            )]
            now = dt.datetime.fromtimestamp(self.store.now(), dt.UTC)
            if not self.hours.is_open(now):
                replies.append(say(
                    t, texts.ADVISER_HOURS,
                    hours=escape(self.hours.describe(t.lang)),
                    next=escape(format_moment(self.hours.next_opening(now), t.lang)),
                ))
                if urgent:
                    replies.append(say(t, texts.URGENT_AFTER_HOURS))
            if cut:
                replies.insert(0, say(t, texts.MESSAGE_TRUNCATED, limit=str(MAX_RELAY_CHARS)))
            return Outcome(replies, edit=None, to_advisers=[post])
        finally:
            await self.storage.clear_pending(pid)

    def _ticket_post(self, ticket: Ticket, question: str) -> AdviserPost:
        """A new ticket's first message in the advisers' group; an urgent one says so first."""
        d = self.desk
        html = d.html(
            texts.DESK_NEW_TICKET,
            number=str(ticket.id),
            language=escape(f"{self.language_name(ticket.lang)} ({ticket.lang})"),
            municipality=escape(ticket.municipality or d(texts.DESK_UNKNOWN)),
            contact=escape(ticket.contact or d(texts.DESK_NOT_SHARED)),
            question=escape(question),
        )
        if ticket.urgent:
            html = d.html(texts.DESK_URGENT) + "\n" + html
        return AdviserPost(ticket.id, Message(html, self._desk_buttons(ticket.id)))

    async def unposted(self) -> list[AdviserPost]:
        """Open tickets whose first post never reached the group (the bot died between).

        The sender re-sends these at start-up unless one is already waiting to be sent.
        """
        posts = []
        for ticket in await self.store.open_tickets():
            if ticket.group_message_id is None:
                messages = await self.store.messages(ticket.id)
                question = next((text for who, text in messages if who == "user"), "")
                posts.append(self._ticket_post(ticket, question))
        return posts

    def _desk_buttons(self, ticket_id: int) -> tuple[tuple[Button, ...], ...]:
        d = self.desk
        return (
            (Button(d(texts.DESK_TAKE), f"tk:take:{ticket_id}"),
             Button(d(texts.DESK_CLOSE), f"tk:close:{ticket_id}")),
            (Button(d(texts.DESK_FAQ), f"tk:faq:{ticket_id}"),),
        )

    async def forget(self, pid: str) -> list[AdviserPost]:
        """/forget, before the person's rows go (`Storage.forget`): the FAQ drafts written
        from their tickets are deleted, and the advisers get a post saying that the open
        question is gone, so nobody writes an answer that cannot be delivered."""
        for ticket_id in await self.store.ids_of(pid):
            self._draft_path(ticket_id).unlink(missing_ok=True)
        ticket = await self.store.open_ticket_of(pid)
        if ticket is None:
            return []
        return [AdviserPost(
            ticket.id,
            Message(self.desk.html(texts.DESK_FORGOTTEN, number=str(ticket.id))),
            reply_to=ticket.group_message_id,
            thread_id=ticket.group_thread_id,
        )]

    async def _close(self, ticket: Ticket, by_user: bool) -> Outcome:
        await self.store.set_status(ticket.id, "closed")
        t = self.i18n(ticket.lang)
        note = say(t, texts.TICKET_CLOSED_USER, number=str(ticket.id))
        desk_note = AdviserPost(
            ticket.id,
            Message(self.desk.html(texts.DESK_CLOSED, number=str(ticket.id))),
            reply_to=ticket.group_message_id,
            thread_id=ticket.group_thread_id,
        )
        if by_user:
            return Outcome([note], to_advisers=[desk_note])
        deliveries = [Delivery(ticket.chat_id, note)] if ticket.chat_id is not None else []
        return Outcome([desk_note.message], to_users=deliveries)

    async def posted(self, post: AdviserPost, message_id: int, thread_id: int | None) -> None:
        """The front end sent `post` (or a part of it) to the group as `message_id`: map
        replies to it."""
        await self.store.map_post(post.ticket_id, message_id)
        if post.message_row is None and post.reply_to is None:
            await self.store.record_post(post.ticket_id, message_id, thread_id)

    def _draft_path(self, ticket_id: int) -> Path:
        return self.drafts_dir / f"ticket-{ticket_id}.yaml"

    # -- the advisers' group -------------------------------------------------------------

    async def adviser_reply(
        self, reply_to: int | None, thread_id: int | None, text: str
    ) -> Outcome:
        """An adviser's message in the group: relay it if it belongs to an open ticket."""
        ticket = await self.store.by_group_message(reply_to) if reply_to else None
        if ticket is None and thread_id is not None:
            ticket = await self.store.by_thread(thread_id)
        if ticket is None or not ticket.is_open or ticket.chat_id is None:
            if reply_to is None and thread_id is None:
                return Outcome()  # ordinary chat between advisers
            return Outcome([Message(self.desk.html(texts.DESK_NOT_A_TICKET))])
        if ticket.first_reply_at is None:
            await self.usage.ticket_replied(ticket.lang, self.store.now() - ticket.created_at)
        await self.store.add_message(ticket.id, "adviser", text)
        t = self.i18n(ticket.lang)
        header = t.html(texts.ADVISER_REPLY_HEADER, number=str(ticket.id))
        message = Message(
            bidi.line(f"<b>{header}</b>", t.lang) + "\n\n" + escape(text),
            ((button(t, texts.CLOSE_MY_TICKET, f"adv:done:{ticket.id}"),),),
        )
        return Outcome(to_users=[Delivery(ticket.chat_id, message)])

    async def desk_command(self, name: str, args: str) -> Outcome | None:
        d = self.desk
        if name == "tickets":
            return Outcome([await self._ticket_list()])
        if name == "stats":
            return Outcome([await self._stats()])
        if name not in ("close", "ban", "unban", "faq"):
            return None
        ticket_id = number(args.strip().lstrip("#"))
        if ticket_id is None:
            return Outcome([Message(d.html(texts.DESK_USAGE, command=name))])
        return await self._ticket_action(name, ticket_id)

    async def desk_button(self, data: str) -> Outcome:
        _, action, text_id = [*data.split(":"), "", ""][:3]
        ticket_id = number(text_id)
        if action not in ("take", "close", "faq") or ticket_id is None:
            return Outcome()
        outcome = await self._ticket_action(action, ticket_id)
        # A toast is plain text: the desk messages are escaped templates without tags.
        toast = html.unescape(outcome.messages[0].html) if outcome.messages else None
        return Outcome(outcome.messages if action == "faq" else [], toast=toast,
                       to_users=outcome.to_users)

    async def _ticket_action(self, action: str, number: int) -> Outcome:
        d = self.desk
        ticket = await self.store.get(number)
        if ticket is None or (action in ("take", "close") and not ticket.is_open):
            return Outcome([Message(d.html(texts.DESK_NO_SUCH_TICKET, number=str(number)))])
        if action == "take":
            await self.store.set_status(ticket.id, "taken")
            return Outcome([Message(d.html(texts.DESK_TAKEN, number=str(number)))])
        if action == "close":
            return await self._close(ticket, by_user=False)
        if action == "ban":
            await self.store.ban(ticket.pid)
            return Outcome([Message(d.html(texts.DESK_BANNED, number=str(number)))])
        if action == "unban":
            await self.store.unban(ticket.pid)
            return Outcome([Message(d.html(texts.DESK_UNBANNED, number=str(number)))])
        return Outcome([Message(await self._write_faq_draft(ticket))])

    async def _ticket_list(self) -> Message:
        d = self.desk
        tickets = await self.store.open_tickets()
        if not tickets:
            return Message(d.html(texts.DESK_NO_TICKETS))
        lines = [d.html(texts.DESK_TICKETS_TITLE)]
        for ticket in tickets:
            since = dt.datetime.fromtimestamp(ticket.created_at, dt.UTC)
            status = texts.DESK_STATUS_TAKEN if ticket.status == "taken" else texts.DESK_STATUS_OPEN
            lines.append(d.html(
                texts.DESK_TICKET_LINE,
                number=str(ticket.id),
                language=escape(self.language_name(ticket.lang)),
                municipality=escape(ticket.municipality or d(texts.DESK_UNKNOWN)),
                status=escape(d(status)),
                since=escape(format_moment(since, d.lang)),
            ))
        return Message("\n".join(lines))

    async def _stats(self) -> Message:
        """The same anonymous numbers as the reach report, small counts hidden alike."""
        d = self.desk
        stats = await self.usage.recent(STATS_DAYS)
        numbers = self.published(stats)
        shown = {key: escape(value) for key, value in numbers.items()}
        if stats.median_reply is not None and numbers["median_reply"] == stats.median_reply.label:
            shown["median_reply"] = escape(self._within(stats.median_reply.upper))
        open_now = len(await self.store.open_tickets())
        period = f"{d.date(stats.period_start)}–{d.date(stats.period_end)}"
        return Message(d.html(
            texts.DESK_STATS, period=escape(period), questions=shown["questions"],
            answered=shown["answered"], suggested=shown["suggested"], none=shown["no_answer"],
            up=shown["helpful"], down=shown["not_helpful"], tickets=shown["tickets"],
            open=str(open_now), reply=shown["median_reply"],
        ) + "\n" + d.html(texts.DESK_STATS_CRISIS, count=shown["crisis_cards"]))

    def _within(self, upper: int | None) -> str:
        """A reply-time bucket's bound in the advisers' language ("4 tuntia")."""
        locale = babel_locale(self.desk.lang)
        if upper is None:  # the last bucket: slower than the longest bound
            longest = max(b.upper for b in REPLY_BUCKETS if b.upper is not None)
            return "> " + format_timedelta(dt.timedelta(seconds=longest), locale=locale)
        return format_timedelta(dt.timedelta(seconds=upper), locale=locale)

    async def _write_faq_draft(self, ticket: Ticket) -> str:
        """A draft entry from a ticket: the question and the adviser's answer, masked."""
        d = self.desk
        messages = await self.store.messages(ticket.id)
        question = next((text for who, text in messages if who == "user"), "")
        answers = [text for who, text in messages if who == "adviser"]
        if not answers:
            return d.html(texts.DESK_FAQ_NOTHING, number=str(ticket.id))
        created = dt.datetime.fromtimestamp(ticket.created_at, dt.UTC).date()
        draft = {
            "id": f"draft-ticket-{ticket.id}",
            "topic": "choose-a-topic",
            "source": {"name": "add the official source", "url": "https://"},
            "reviewed": created.isoformat(),
            ticket.lang: {
                "question": mask_personal_data(question),
                "alternates": [],
                "answer": mask_personal_data(answers[-1]),
            },
        }
        path = self._draft_path(ticket.id)
        header = (
            f"# FAQ draft from adviser question #{ticket.id} ({created.isoformat()}).\n"
            "# Edit it: choose the topic and source, write the plain Finnish (fi) text and\n"
            "# translations, check that no personal detail is left, then move it to\n"
            "# faq/entries/ with a new id and run `python -m bot validate`.\n"
        )
        text = header + yaml.safe_dump(draft, allow_unicode=True, sort_keys=False)
        with private_file(path) as fh:  # it holds a person's question
            fh.write(text)
        return d.html(texts.DESK_FAQ_WRITTEN, path=escape(str(path)))
