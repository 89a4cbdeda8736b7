"""The conversation, independent of Telegram: what the bot says for each thing a user does.

Both front ends (Telegram and the console) translate their input into calls here and
render the returned `Outcome`; neither decides anything on its own, so the console chat
shows exactly what a Telegram user would get.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from typing import TypeVar

from cachetools import LRUCache

from bot.content import Entry
from bot.conversation.answers import (
    answer_html,
    entry_button,
    finnish_answer_html,
    has_finnish_card,
)
from bot.handoff.handoff import Handoff
from bot.i18n import bidi, texts
from bot.i18n.catalogs import I18n, Translator
from bot.i18n.languages import LANGUAGES, REFERENCE_LANGUAGE, normalise_code
from bot.i18n.replies import Button, Message, Outcome, button, escape, number, say
from bot.knowledge.knowledge import Knowledge
from bot.local_guide.guide import LocalGuide
from bot.matching.langid import detect_language
from bot.matching.matcher import MatchResult
from bot.safety.detector import Route
from bot.storage.privacy import mask_personal_data
from bot.storage.retention import DEFAULT_RETENTION_DAYS
from bot.storage.storage import Storage, UserRecord
from bot.storage.usage import Usage

#: Longest message matched in full; the rest of a longer story is cut (with a note).
MAX_QUESTION_CHARS = 2000
LANGUAGE_PAYLOAD_PREFIX = "lang-"
#: People whose message language was detected, remembered (in memory only) so that the
#: next command or button answers in that language too, not in Finnish.
DETECTED_CACHED = 10_000
#: The commands users have, with their descriptions: /help and Telegram's menu list these.
COMMANDS = (
    ("start", texts.CMD_START),
    ("menu", texts.CMD_MENU),
    ("language", texts.CMD_LANGUAGE),
    ("help", texts.CMD_HELP),
    ("privacy", texts.CMD_PRIVACY),
    ("forget", texts.CMD_FORGET),
)
ADVISER_COMMAND = ("adviser", texts.MENU_ADVISER)
#: A message this long that gets only suggestions is a personal story: offer an adviser.
LONG_STORY_WORDS = 30
#: The reply to each kind of small talk (`bot.safety.detector.SMALLTALK_KINDS`).
SMALLTALK_REPLIES = {
    "greeting": texts.SMALLTALK_GREETING,
    "thanks": texts.SMALLTALK_THANKS,
    "goodbye": texts.SMALLTALK_GOODBYE,
    "bot": texts.SMALLTALK_BOT,
    "insult": texts.SMALLTALK_INSULT,
    "ack": texts.SMALLTALK_ACK,
}

T = TypeVar("T")


@dataclass(frozen=True)
class User:
    """A user as a front end knows them: its own id and the app's language, if any."""

    external_id: str
    platform_lang: str | None = None
    #: Where an adviser's answer is delivered later (the user's private chat).
    chat_id: int | None = None
    #: The name shown to advisers, only if the user chooses to share it.
    contact: str | None = None


class Conversation:
    def __init__(
        self,
        knowledge: Knowledge,
        storage: Storage,
        i18n: I18n,
        usage: Usage,
        handoff: Handoff | None = None,
        retention_days: int = DEFAULT_RETENTION_DAYS,
    ) -> None:
        #: Replaced as a whole when advisers change the content; read once per action.
        self.knowledge = knowledge
        self.storage = storage
        self.i18n = i18n
        #: None where no advisers' group is configured: then the bot never offers one.
        self.handoff = handoff
        self.usage = usage
        self.guide = LocalGuide(storage, usage, lambda: self.knowledge.directory,
                                handoff is not None)
        self.retention_days = retention_days
        self._detected: LRUCache[str, str] = LRUCache(DETECTED_CACHED)
        #: One thread for the answer layer (safety step and matcher): it keeps the encoder's
        #: work off the event loop, and one thread at a time in their caches, which are not
        #: made for threads.
        self._answer_thread = ThreadPoolExecutor(1, thread_name_prefix="answers")

    def close(self) -> None:
        self._answer_thread.shutdown(wait=True)

    async def _off_loop(self, work: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._answer_thread, work, *args)

    def commands(self) -> list[tuple[str, str]]:
        """The user commands that work here, with their (untranslated) descriptions."""
        commands = list(COMMANDS)
        if self.handoff is not None:
            commands.insert(3, ADVISER_COMMAND)
        return commands

    # -- entry points used by the front ends -------------------------------------------

    async def start(self, user: User, payload: str = "") -> Outcome:
        pid, record = await self._touch(user)
        preset = payload.strip().lower()
        if preset.startswith(LANGUAGE_PAYLOAD_PREFIX):
            lang = normalise_code(preset.removeprefix(LANGUAGE_PAYLOAD_PREFIX))
            if lang:
                await self._choose_language(pid, record, lang)
                return Outcome([self._welcome(self.i18n(lang))])
        if record.lang:
            return Outcome([self._welcome(self.i18n(record.lang))])
        t = self.i18n(normalise_code(user.platform_lang) or REFERENCE_LANGUAGE)
        return Outcome([self._language_prompt(t, texts.CHOOSE_LANGUAGE)])

    async def command(self, user: User, name: str, args: str = "") -> Outcome:
        if name == "start":
            return await self.start(user, args)
        t = await self._translator(user)
        if name == "help":
            listed = "\n".join(f"/{command} – {t.html(description)}"
                               for command, description in self.commands())
            body = f"{t.html(texts.HELP)}\n\n{t.html(texts.COMMANDS_TITLE)}\n{listed}"
            return Outcome([Message(bidi.line(body, t.lang),
                                    ((button(t, texts.MENU_BUTTON, "menu:main"),),))])
        if name == "menu":
            return Outcome([self._menu(t)])
        if name == "language":
            return Outcome([self._language_prompt(t)])
        if name == "privacy":
            return Outcome([Message(bidi.line(t.html(texts.PRIVACY,
                                                     days=str(self.retention_days)), t.lang),
                                    ((button(t, texts.CMD_FORGET, "fg:ask"),),))])
        if name == "forget":
            return Outcome([self._forget_prompt(t)])
        if name == "adviser" and self.handoff is not None:
            pid = self.storage.pseudonym(user.external_id)
            return await self.handoff.ask(pid, t, args.strip() or None)
        return Outcome([self._plain(t, texts.UNKNOWN_COMMAND)])

    async def flooded(self, user: User) -> Outcome:
        """The user sent more messages at once than the bot reads; the rest were skipped."""
        return Outcome([self._plain(await self._translator(user), texts.FLOODED)])

    async def text(self, user: User, text: str) -> Outcome:
        pid, record = await self._touch(user)
        question = text.strip()
        known = record.lang or normalise_code(user.platform_lang)
        if not any(ch.isalnum() for ch in question):
            t_empty = self.i18n(known or REFERENCE_LANGUAGE)
            if self.knowledge.safety.route(question).name == "smalltalk":
                return Outcome([self._plain(t_empty, texts.SMALLTALK_ACK, with_menu=True)])
            return Outcome([self._plain(t_empty, texts.EMPTY_MESSAGE)])
        t_known = self.i18n(known or REFERENCE_LANGUAGE)
        pending = await self.storage.pending(pid)
        if self.guide.available:
            picked = await self.guide.typed_municipality(pid, t_known, question, pending)
            if picked is not None:
                return picked
        if (self.handoff is not None
                and (holder := await self.handoff.holder(pid, pending)) is not None):
            # Written to an adviser, yet a crisis still gets its card at once (advisers
            # answer only in their hours), and the ticket is marked urgent.
            route = await self._off_loop(self.knowledge.safety.route, question)
            relayed = await self.handoff.intercept_text(pid, user.chat_id, t_known, question,
                                                        holder, urgent=bool(route.crisis))
            if route.crisis is not None:
                t_crisis = self.i18n(known or detect_language(question) or REFERENCE_LANGUAGE)
                relayed.messages.insert(0, await self._crisis_card(t_crisis, route.crisis))
            return relayed
        notes: list[Message] = []
        if len(question) > MAX_QUESTION_CHARS:
            question = question[:MAX_QUESTION_CHARS]
            notes.append(self._plain(self.i18n(known or REFERENCE_LANGUAGE), texts.TOO_LONG))
        knowledge = self.knowledge
        # Encoding the question takes the model tens of ms of CPU (releasing the GIL): on the
        # answer thread, while the event loop keeps serving other chats.
        first, result = await self._off_loop(_route_and_match, knowledge, question, known)
        if first.name != "faq":
            outcome = await self._safety(pid, record, known, question, first, result)
            outcome.messages[:0] = notes
            return outcome
        assert result is not None
        lang = known or result.detected_lang or REFERENCE_LANGUAGE
        if known is None and result.detected_lang:
            self._detected[pid] = result.detected_lang
        t = self.i18n(lang)
        best = result.ranked[0] if result.ranked else None
        question_id = await self.storage.log_question(
            pid,
            mask_personal_data(question),
            lang,
            result.decision,
            result.ids[0] if result.ids else None,
            best.score if best else None,
        )
        top = knowledge.content.entries.get(result.ids[0]) if result.ids else None
        await self.usage.question(lang, record.municipality, result.decision,
                                  top.topic if top else None)
        if self.handoff is not None and result.decision != "answer":
            await self.handoff.remember_unanswered(pid, question)
        reply = self._reply_to_match(t, knowledge, result, question_id, record.municipality)
        if result.decision == "suggest" and len(question.split()) >= LONG_STORY_WORDS:
            # A long personal story the FAQ does not answer for sure: a person may help more.
            reply = Message(reply.html, (*reply.buttons, *self._adviser_offer(t, "adv:ask")))
        return Outcome([*notes, reply])

    async def button(self, user: User, data: str) -> Outcome:
        kind, _, rest = data.partition(":")
        pid, record = await self._touch(user)
        if kind == "lang" and rest in LANGUAGES:
            await self._choose_language(pid, record, rest)
            t = self.i18n(rest)
            confirm = t.html(texts.LANGUAGE_SET, language=escape(t.language_name(rest)))
            return Outcome([self._welcome(t)], edit=Message(bidi.line(confirm, rest)))
        t = self.i18n(self._language(pid, user, record))
        content = self.knowledge.content
        if kind in ("fi", "tr"):
            # The answer card switched to plain Finnish ("fi") or back to the user's language.
            entry_id, _, text_id = rest.partition(":")
            entry, qid = content.entries.get(entry_id), number(text_id)
            if entry is not None and has_finnish_card(t, entry) and (qid or not text_id):
                return Outcome(edit=self._answer(t, entry, qid, finnish=kind == "fi"))
        if kind == "fg":
            return await self._forget(pid, user.chat_id, t, rest)
        if kind == "adv" and self.handoff is not None:
            place = self.guide.municipality(record.municipality)
            return await self.handoff.button(pid, user.chat_id, user.contact,
                                             place.id if place else None,
                                             place.name("fi") if place else None, t, rest)
        if kind in ("mun", "act") and self.guide.available:
            local = await self.guide.button(pid, t, record.municipality, kind, rest)
            if local is not None:
                return local
        if kind == "menu":
            if rest == "ask":
                return Outcome([self._plain(t, texts.ASK_PROMPT)])
            if rest == "topics":
                return Outcome([self._topics(t)])
            if rest == "lang":
                return Outcome([self._language_prompt(t)])
            if rest == "main":
                return Outcome([self._menu(t)])
            if rest in ("act", "meet") and self.guide.available:
                return await self._local_menu(pid, t, record, rest)
            if rest == "meet" and self.handoff is not None:
                return await self.handoff.ask(pid, t)
        if kind == "topic" and rest in content.topics:
            return Outcome([self._topic(t, rest)])
        if kind == "q" and rest in content.entries:
            return Outcome([self._answer(t, content.entries[rest], None)])
        if kind == "s":
            text_id, _, entry_id = rest.partition(":")
            qid, entry = number(text_id), content.entries.get(entry_id)
            if qid is not None and entry is not None:
                await self.storage.resolve_suggestion(qid, pid, entry_id)
                return Outcome([self._answer(t, entry, qid)])
        if kind == "nm" and (qid := number(rest)) is not None:
            await self.storage.set_feedback(qid, pid, helpful=False)
            return Outcome([self._no_answer(t, record.municipality)])
        if kind == "fb":
            text_id, _, value = rest.partition(":")
            qid = number(text_id)
            if qid is not None and value in ("1", "0"):
                helpful = value == "1"
                if await self.storage.set_feedback(qid, pid, helpful):
                    entry = content.entries.get(await self.storage.question_entry(qid, pid)
                                                or "")
                    await self.usage.feedback(t.lang, entry.topic if entry else None, helpful)
                    if helpful:
                        return Outcome(toast=t(texts.FEEDBACK_THANKS))
                    sorry = self._plain(t, texts.FEEDBACK_SORRY, with_menu=True)
                    offer = self._adviser_offer(t, "adv:start")
                    return Outcome([Message(sorry.html, (*offer, *sorry.buttons))],
                                   toast=t(texts.FEEDBACK_THANKS))
        return Outcome([self._menu(t, texts.EXPIRED_BUTTON)])

    async def _safety(self, pid: str, record: UserRecord, known: str | None, question: str,
                      first: Route, result: MatchResult | None) -> Outcome:
        """What a message needs before any FAQ answer (see `bot.safety`).

        A crisis card comes first; if the message also asks something the matcher answers
        confidently, that answer follows, so a false alarm costs one extra message. Crisis
        messages are never logged: they stay out of the question log, the unanswered
        clustering and FAQ drafts.
        """
        knowledge = self.knowledge
        if first.crisis is not None:
            assert result is not None  # _route_and_match matches every crisis message
            t = self.i18n(known or result.detected_lang or REFERENCE_LANGUAGE)
            rows: tuple[tuple[Button, ...], ...] = ()
            if self.handoff is not None:
                # Kept like an unanswered question: the person may send it to an adviser.
                await self.handoff.remember_unanswered(pid, question)
                rows = ((button(t, texts.MENU_ADVISER, "adv:urgent"),),)
            replies = [await self._crisis_card(t, first.crisis, rows)]
            entry = knowledge.content.entries.get(result.ids[0]) if result.ids else None
            if result.decision == "answer" and entry is not None:
                replies.append(self._answer(t, entry, None))
            return Outcome(replies)
        t = self.i18n(known or detect_language(question) or REFERENCE_LANGUAGE)
        if first.name == "human":
            if self.handoff is not None:
                return await self.handoff.ask(pid, t)
            body = bidi.line(t.html(texts.HUMAN_IN_PERSON), t.lang)
            advising = self.guide.next_advising_note(t, record.municipality)
            rows = ()
            if advising is not None:
                body += "\n\n" + advising
            elif self.guide.available:
                rows = ((button(t, texts.MENU_MEET_ADVISER, "menu:meet"),),)
            return Outcome([Message(body, rows)])
        return Outcome([self._plain(t, SMALLTALK_REPLIES[first.kind], with_menu=True)])

    async def _crisis_card(self, t: Translator, kind: str,
                           rows: tuple[tuple[Button, ...], ...] = ()) -> Message:
        """The crisis card of one category in the user's language, counted for the report."""
        await self.usage.crisis_shown(kind)
        card = escape(self.knowledge.crisis.card(kind, t.lang))
        return Message(bidi.line(card, t.lang), rows)

    def _adviser_offer(self, t: Translator, data: str) -> tuple[tuple[Button, ...], ...]:
        """A button to a person: the hand-off if there is one, else the in-person advising."""
        if self.handoff is not None:
            return ((button(t, texts.MENU_ADVISER, data),),)
        if self.guide.available:
            return ((button(t, texts.MENU_MEET_ADVISER, "menu:meet"),),)
        return ()

    def _forget_prompt(self, t: Translator) -> Message:
        return Message(bidi.line(t.html(texts.FORGET_CONFIRM), t.lang),
                       ((button(t, texts.FORGET_YES, "fg:yes"),
                         button(t, texts.FORGET_NO, "fg:no")),))

    async def _forget(self, pid: str, chat_id: int | None, t: Translator,
                      answer: str) -> Outcome:
        if answer == "ask":
            return Outcome([self._forget_prompt(t)])
        if answer == "yes":
            posts = await self.handoff.forget(pid) if self.handoff is not None else []
            await self.storage.forget(pid, chat_id)
            await self.usage.forget(pid)
            self._detected.pop(pid, None)
            return Outcome(edit=say(t, texts.FORGET_DONE), to_advisers=posts)
        return Outcome(edit=say(t, texts.FORGET_CANCELLED))

    async def location(self, user: User, latitude: float, longitude: float) -> Outcome:
        """A shared location: mapped to the nearest municipality; the location is not kept."""
        t = await self._translator(user)
        if not self.guide.available:
            return Outcome([self._plain(t, texts.EMPTY_MESSAGE)])
        pid = self.storage.pseudonym(user.external_id)
        return await self.guide.located(pid, t, latitude, longitude)

    async def _local_menu(self, pid: str, t: Translator, record: UserRecord,
                          item: str) -> Outcome:
        then = "adv" if item == "meet" else "act"
        if self.guide.municipality(record.municipality) is None:
            return await self.guide.ask_municipality(pid, t, then)
        assert record.municipality is not None
        return await self.guide.continue_with(pid, t, record.municipality, then)

    async def set_language(self, user: User, lang: str) -> None:
        await self.storage.set_language(self.storage.pseudonym(user.external_id), lang)

    async def non_text(self, user: User, message_id: int | None = None) -> Outcome:
        """A photo, voice message, file…: offered to the adviser of an open question only."""
        t = await self._translator(user)
        if self.handoff is not None and message_id is not None:
            pid = self.storage.pseudonym(user.external_id)
            offer = await self.handoff.media(pid, t, message_id)
            if offer is not None:
                return offer
        return Outcome([self._plain(t, texts.EMPTY_MESSAGE)])

    def error_message(self, platform_lang: str | None) -> Message:
        t = self.i18n(normalise_code(platform_lang) or REFERENCE_LANGUAGE)
        return self._plain(t, texts.ERROR)

    # -- helpers -----------------------------------------------------------------------

    def _language(self, pid: str, user: User, record: UserRecord) -> str:
        return (record.lang or normalise_code(user.platform_lang) or self._detected.get(pid)
                or REFERENCE_LANGUAGE)

    async def _touch(self, user: User) -> tuple[str, UserRecord]:
        """Note the user's visit (and count it, anonymously); returns pid and record."""
        pid = self.storage.pseudonym(user.external_id)
        record = await self.storage.touch_user(pid)
        await self.usage.seen(pid, self._language(pid, user, record), record.municipality,
                              record.created_at)
        return pid, record

    async def _choose_language(self, pid: str, record: UserRecord, lang: str) -> None:
        record = await self.storage.set_language(pid, lang)
        await self.usage.seen(pid, lang, record.municipality, record.created_at)

    async def _translator(self, user: User) -> Translator:
        pid, record = await self._touch(user)
        return self.i18n(self._language(pid, user, record))

    def _plain(self, t: Translator, message: str, with_menu: bool = False) -> Message:
        plain = say(t, message)
        return Message(plain.html, ((button(t, texts.MENU_BUTTON, "menu:main"),),)
                       if with_menu else ())

    def _language_buttons(self) -> tuple[tuple[Button, ...], ...]:
        buttons = [Button(bidi.line(native_label, lang), f"lang:{lang}")
                   for lang, native_label in ((lg, self.i18n(lg).language_name(lg))
                                              for lg in LANGUAGES)]
        return tuple(tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3))

    def _language_prompt(self, t: Translator, intro: str = texts.LANGUAGE_PROMPT) -> Message:
        return Message(bidi.line(t.html(intro), t.lang), self._language_buttons())

    def _welcome(self, t: Translator) -> Message:
        return self._menu(t, texts.WELCOME)

    def _menu(self, t: Translator, intro: str = texts.MENU_TITLE) -> Message:
        local: list[Button] = []
        if self.guide.available:
            local.append(button(t, texts.MENU_ACTIVITIES, "menu:act"))
        if self.guide.available or self.handoff is not None:
            local.append(button(t, texts.MENU_MEET_ADVISER, "menu:meet"))
        rows = [
            (button(t, texts.MENU_ASK, "menu:ask"), button(t, texts.MENU_TOPICS, "menu:topics")),
            tuple(local),
            (button(t, texts.MENU_LANGUAGE, "menu:lang"),),
        ]
        return Message(bidi.line(t.html(intro), t.lang), tuple(row for row in rows if row))

    def _topics(self, t: Translator) -> Message:
        content = self.knowledge.content
        buttons = [
            Button(bidi.line(f"{topic.icon} {topic.name(t.lang)}".strip(), t.lang),
                   f"topic:{topic.id}")
            for topic in content.topics.values()
            if content.entries_in_topic(topic.id)
        ]
        rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
        return Message(bidi.line(t.html(texts.TOPICS_TITLE), t.lang), rows)

    def _topic(self, t: Translator, topic_id: str) -> Message:
        content = self.knowledge.content
        topic = content.topics[topic_id]
        rows = [(entry_button(t, entry, f"q:{entry.id}"),)
                for entry in content.entries_in_topic(topic_id)]
        rows.append((button(t, texts.BACK_TO_TOPICS, "menu:topics"),))
        title = t.html(texts.TOPIC_TITLE, topic=escape(topic.name(t.lang)))
        return Message(bidi.line(title, t.lang), tuple(rows))

    def _reply_to_match(
        self, t: Translator, knowledge: Knowledge, result: MatchResult, question_id: int,
        municipality: str | None,
    ) -> Message:
        entries = knowledge.content.entries
        shown = [entries[i] for i in result.ids if i in entries]
        if result.decision == "answer" and shown:
            return self._answer(t, shown[0], question_id)
        if result.decision == "suggest" and shown:
            rows = [(entry_button(t, e, f"s:{question_id}:{e.id}"),) for e in shown]
            rows.append((button(t, texts.NONE_OF_THESE, f"nm:{question_id}"),))
            return Message(bidi.line(t.html(texts.DID_YOU_MEAN), t.lang), tuple(rows))
        return self._no_answer(t, municipality)

    def _no_answer(self, t: Translator, municipality: str | None) -> Message:
        rows: list[tuple[Button, ...]] = [(button(t, texts.MENU_TOPICS, "menu:topics"),
                 button(t, texts.MENU_BUTTON, "menu:main"))]
        if self.handoff is not None:
            rows.insert(0, (button(t, texts.MENU_ADVISER, "adv:ask"),))
        body = bidi.line(t.html(texts.NO_ANSWER), t.lang)
        advising = self.guide.next_advising_note(t, municipality)
        if advising is not None:
            body += "\n\n" + advising
        elif self.guide.available:
            rows.insert(0, (button(t, texts.MENU_MEET_ADVISER, "menu:meet"),))
        return Message(body, tuple(rows))

    def _answer(self, t: Translator, entry: Entry, question_id: int | None,
                finnish: bool = False) -> Message:
        """An answer card; `finnish` shows it in plain Finnish, with a button back."""
        rows: list[tuple[Button, ...]] = []
        if has_finnish_card(t, entry):
            # At most 3 + 40 (an id) + 1 + 18 (a number) bytes: within Telegram's 64.
            data = f"{'tr' if finnish else 'fi'}:{entry.id}:{question_id or ''}"
            label = (bidi.line(t.language_name(t.lang), t.lang) if finnish
                     else bidi.line(t(texts.SHOW_IN_FINNISH), t.lang))
            rows.append((Button(label, data),))
        if question_id is not None:
            rows.append((button(t, texts.FEEDBACK_YES, f"fb:{question_id}:1"),
                         button(t, texts.FEEDBACK_NO, f"fb:{question_id}:0")))
        if self.guide.available:
            rows.extend((b,) for b in self.guide.near_you_buttons(t, entry.directory))
        entries = self.knowledge.content.entries
        for rel in entry.related[:3]:
            if rel in entries:
                rows.append((entry_button(t, entries[rel], f"q:{rel}"),))
        rows.append((button(t, texts.MENU_BUTTON, "menu:main"),))
        body = (finnish_answer_html(t, self.i18n(REFERENCE_LANGUAGE), entry) if finnish
                else answer_html(t, entry))
        return Message(body, tuple(rows))


def _route_and_match(knowledge: Knowledge, question: str,
                     lang: str | None) -> tuple[Route, MatchResult | None]:
    """The safety step's route and, unless the message goes to a person or is small talk,
    its match (a crisis card is followed by a confident answer). The two share the
    question's vector: one encoder pass, and none when a pattern sends the message to a
    person or to small talk."""
    vector = cache(partial(knowledge.matcher.query_vector, question))
    route = knowledge.safety.route(question, vector)
    if route.name in ("human", "smalltalk"):
        return route, None
    return route, knowledge.matcher.match(question, lang, vector=vector())
