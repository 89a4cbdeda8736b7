"""Load benchmark: Neuvo's Telegram Application next to minimal echo bots, on the stand-in.

Not a test (the numbers depend on the machine). Run from the repository root:

    .venv/bin/python benchmarks/load.py [--quick] [--rounds N] [--json results.json]
                                        [--py-spy neuvo.txt]

In one run, for each of (a) python-telegram-bot's echo bot as the library's defaults make
it (its echobot example: sequential updates, httpx, no rate limiter), (b) the same echo
bot with Neuvo's framework settings, and (c) Neuvo's real Application from
`bot.telegram.frontend.build_application` (bundled content in faq/, a temporary SQLite
database, an advisers' group configured), it starts a fresh Bot API stand-in
(tests/botapi.py) on 127.0.0.1 and simulated users send realistic traffic — questions in
nine languages (written for this benchmark), /start and presses of the "menu:topics"
button — at rising offered rates and then as one burst. For each rate it reports updates
handled per second, p50/p95/p99 reply latency, the bot process's peak memory and CPU use.
Last, the matcher's throughput on a synthetic 2,000-entry content set.

(a) is the issue's yardstick, "a minimal python-telegram-bot echo bot". (b) shows how much
of Neuvo's time is its own work: it has everything Neuvo's build changes in the framework
(the aiohttp transport, rate limiter, update processor and queue) and does nothing else.

How it is measured:

* Each bot runs in its own child process (this script with the hidden `--serve` option); the
  stand-in and the load generator run in this process. On a 2-core machine that gives the bot
  one core to itself, as on a server where Telegram is somewhere else, and the bot's memory
  and CPU (read from /proc) are its own, not the stand-in's.
* Bot (b) gets the framework settings of Neuvo's build, copied from the Application that
  `build_application` returns: the same rate limiter (AIORateLimiter with its max_retries),
  the same update processor (concurrency), update queue and HTTP request class. The
  limiter's Telegram quotas (30 messages/s overall, 20/min per group) are lifted for the
  rate phases — the stand-in is not Telegram, and the point is to find what the code can do,
  not Telegram's cap. A last short phase per bot turns the quotas back on to show that then
  Telegram's limit caps both (bot (a) has no limiter, so nothing caps it).
* The stand-in answers getUpdates with at most `limit` (100) updates, like Telegram.
* A simulated person sends the next message only after the bot answered the previous one
  (the whole reply: nothing more came for REPLY_QUIET), as people do; arrivals are
  open-loop (update k is sent at k/rate whatever the bot does) and are spread over a pool
  of users that grows when everyone is waiting. So each chat has at most
  one update in flight, and the bot's first sendMessage (or editMessageText) to that chat after
  the update was pushed is its reply: latency is from pushing the update into the stand-in to
  the stand-in receiving that request. Further messages of the same reply are counted, not
  timed.
* Handled per second = replies received / (last reply − first push) of the phase.
* Sends that answer no waiting update are counted; those repeating the chat's previous text
  are messages sent twice. The bot's logged errors and warnings are counted too.
* The machine may be shared: the CPU that other processes used during each phase is reported
  (from /proc/stat), since it lowers both bots' numbers. On the shared development machine
  one bot's best rate moved by up to 40 % between runs, more than the differences being
  measured, so the full run repeats all three bots three times (`--rounds`) and reports
  each figure's median, with each round's verdict beside it.
* `--py-spy FILE` samples the Neuvo process (all threads) during the rate phases and prints
  where its time goes; `pip install py-spy` first.

The stand-in is `tests.botapi.BotApiStandIn`, subclassed here (LoadStandIn) rather than changed:
the tests keep theirs as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import json
import logging
import os
import platform
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: The matcher's vector cache, as NEUVO_VECTORS (default: the repository's data/vectors).
VECTORS = Path(os.environ.get("NEUVO_VECTORS") or ROOT / "data" / "vectors")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from aiohttp import web  # noqa: E402

from tests.botapi import BotApiStandIn  # noqa: E402

TOKEN = "123456:LOAD-TEST-TOKEN"
ADVISERS = -100777
FIRST_USER_ID = 70_000_000
#: Telegram's overall limit for one bot, in messages per second.
TELEGRAM_BOT_LIMIT = 30
TARGET = 10 * TELEGRAM_BOT_LIMIT
TARGET_SHARE = 0.8
SYNTHETIC_ENTRIES = 2000
#: The bots of a run, in the order they run: python-telegram-bot's echo bot as its
#: defaults make it, the same echo bot with Neuvo's framework settings, and Neuvo.
BOTS = ("ptb-echo", "echo", "neuvo")
LABELS = {"ptb-echo": "echo (library defaults)", "echo": "echo (Neuvo's settings)",
          "neuvo": "Neuvo"}

# -- the traffic -------------------------------------------------------------------------

#: Questions as people type them, written for this benchmark (not from the bench set): some
#: the bundled content answers, some it half-knows, some it cannot know; typos, no capitals,
#: emoji and run-on sentences included.
QUESTIONS: dict[str, tuple[str, ...]] = {
    "fi": (
        "mistä saa kela kortin kun on just muuttanut suomeen",
        "Tarvitsen verokortin uuteen työpaikkaan, mitä teen?",
        "miten haen oleskelulupaa lisää kun vanha loppuu kuukauden päästä",
        "Lapsi pitää saada päiväkotiin syksyllä, miten haetaan?",
        "Missä voin opiskella suomen kieltä ilmaiseksi?",
        "hammas on tosi kipeä mihin soitan",
        "Työnantaja ei ole maksanut palkkaa kahteen kuukauteen. Mitä voin tehdä?",
        "paljonko maksaa bussilippu helsingissä",
        "Tarviinko pankkitunnukset että voin kirjautua omakelaan?",
    ),
    "sv": (
        "Hur ansöker jag om skattekort när jag börjar jobba?",
        "Var kan jag lära mig finska på kvällarna?",
        "Jag behöver en tolk när jag går till läkaren",
        "hur öppnar man bankkonto utan personbeteckning",
        "Hyresvärden vill ha tre månaders hyra i deposition, är det lagligt?",
    ),
    "en": (
        "how do i register my address after moving",
        "I lost my job last week, can I get unemployment money?",
        "Where do I get a Finnish personal identity code?",
        "my kid needs a school place, who do I contact??",
        "Can my wife and two children come to live with me in Finland?",
        "is there free legal advice for immigrants",
        "what's the weather in Oulu tomorrow",
        "need help with housing allowance 🙏",
        "how long does it take to get citizenship",
    ),
    "ru": (
        "Как получить карточку Кела?",
        "Где можно бесплатно выучить финский язык?",
        "как продлить вид на жительство",
        "Нужна ли налоговая карточка, если я работаю на полставки?",
        "Как найти квартиру в аренду в Тампере без поручителя?",
    ),
    "uk": (
        "Як відкрити банківський рахунок у Фінляндії?",
        "Де записатися до лікаря в медичному центрі?",
        "Як подати заяву на дитячий садок для доньки?",
        "мені потрібна податкова картка для роботи що робити",
        "Чи можу я отримати допомогу на житло?",
    ),
    "ar": (
        "كيف أحصل على بطاقة كيلا؟",
        "أين أتعلم اللغة الفنلندية مجانا؟",
        "كيف أجدد تصريح الإقامة قبل أن ينتهي؟",
        "أحتاج مترجم عند الطبيب، هل هذا ممكن؟",
        "كيف أفتح حساب بنكي في فنلندا",
    ),
    "fa": (
        "چطور کارت کلا بگیرم؟",
        "برای تمدید اجازه اقامت چه کار کنم؟",
        "کجا می‌توانم زبان فنلاندی یاد بگیرم؟",
        "کارت مالیاتی را از کجا بگیرم",
    ),
    "ckb": (
        "چۆن کارتی کێلا وەربگرم؟",
        "لە کوێ فێری زمانی فینلەندی ببم؟",
        "چۆن مۆڵەتی نیشتەجێبوون درێژ بکەمەوە؟",
    ),
    "so": (
        "Sideen ku helayaa kaarka Kela?",
        "Halkee ka baran karaa luqadda finnishka?",
        "Sidee loo cusboonaysiiyaa sharciga deganaanshaha?",
        "Carruurtayda iskuul ma u heli karaan?",
    ),
}
#: How people open and close a question, per language of the question: with these, and with
#: case and punctuation varied, the same question rarely arrives as exactly the same text.
OPENERS: dict[str, tuple[str, ...]] = {
    "fi": ("Hei!", "Moi,", "Anteeksi,"), "sv": ("Hej!", "Hejsan,"), "en": ("Hi,", "Hello!", "pls"),
    "ru": ("Здравствуйте!", "Привет,"), "uk": ("Добрий день!", "Привіт,"),
    "ar": ("مرحبا،", "السلام عليكم"), "fa": ("سلام،",), "ckb": ("سڵاو،",), "so": ("Salaan,",),
}
CLOSERS = ("", "", "?", "??", " 🙏", " kiitos", " thanks", "...")
#: Share of users per language (Telegram's language_code; Sorani users' apps say nothing).
USER_LANGUAGES = (("fi", 20), ("en", 20), ("ar", 12), ("ru", 12), ("uk", 10), ("so", 8),
                  ("fa", 6), ("sv", 6), ("ckb", 6))
_NO_LANGUAGE_CODE = {"ckb"}
#: The mix of updates (whether the person wrote before or not: Neuvo needs no /start first).
MIX = (("question", 0.70), ("menu:topics", 0.15), ("/start", 0.15))


@dataclass
class SimUser:
    uid: int
    lang: str
    updates: int = 0


class Users:
    """Simulated people: a FIFO of those not waiting for an answer, grown on demand."""

    def __init__(self, count: int, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.by_id: dict[int, SimUser] = {}
        self.free: deque[SimUser] = deque()
        langs = [lang for lang, _ in USER_LANGUAGES]
        self._weights = [w for _, w in USER_LANGUAGES]
        self._langs = langs
        for _ in range(count):
            self.free.append(self._new())

    def _new(self) -> SimUser:
        uid = FIRST_USER_ID + len(self.by_id)
        user = SimUser(uid, self.rng.choices(self._langs, self._weights)[0])
        self.by_id[uid] = user
        return user

    def take(self) -> SimUser:
        return self.free.popleft() if self.free else self._new()

    def answered(self, uid: int) -> None:
        user = self.by_id.get(uid)
        if user is not None:
            self.free.append(user)

    def question(self, lang: str) -> str:
        rng = self.rng
        text = rng.choice(QUESTIONS[lang])
        if rng.random() < 0.3:
            text = text.lower()
        if rng.random() < 0.3:
            text = f"{rng.choice(OPENERS[lang])} {text}"
        return text + rng.choice(CLOSERS)

    def send_next(self, standin: LoadStandIn, user: SimUser) -> str:
        """Push the user's next update into the stand-in; returns its kind."""
        code = None if user.lang in _NO_LANGUAGE_CODE else user.lang
        r = self.rng.random()
        kind = "question"
        for candidate, share in MIX:
            if r < share:
                kind = candidate
                break
            r -= share
        user.updates += 1
        if kind == "menu:topics":
            standin.push_button(user.uid, "menu:topics",
                                message_id=standin.last_message.get(user.uid, 1),
                                language_code=code)
        elif kind == "/start":
            standin.push_message(user.uid, "/start", language_code=code)
        else:
            # Mostly in the user's language, sometimes in English or Finnish as people do.
            lang = user.lang if self.rng.random() < 0.85 else self.rng.choice(("en", "fi"))
            standin.push_message(user.uid, self.question(lang), language_code=code)
        return kind


# -- the stand-in, with bookkeeping for load ---------------------------------------------

_REPLIES = frozenset({"sendMessage", "editMessageText"})
#: Seconds without another message to a chat after which its reply counts as complete.
REPLY_QUIET = 0.2
_FAST = _REPLIES | {"answerCallbackQuery", "getUpdates"}


@dataclass
class Phase:
    name: str
    rate: float | None
    count: int
    pushed: int = 0
    pushing_done: bool = False
    first_push: float = 0.0
    last_push: float = 0.0
    last_reply: float = 0.0
    latencies: list[float] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    extra_sends: int = 0
    #: Extra sends with the same text as the chat's previous message: sent twice.
    duplicates: int = 0
    #: A few of the sends that answered no waiting update, to see what they were.
    extra_samples: list[str] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def replied(self, latency: float, now: float) -> None:
        self.latencies.append(latency)
        self.last_reply = now
        self.check()

    def check(self) -> None:
        if self.pushing_done and len(self.latencies) >= self.pushed:
            self.done.set()


@dataclass
class LoadStandIn(BotApiStandIn):
    """The tests' stand-in with a Telegram-like getUpdates (at most `limit` updates, an
    offset confirms what came before) and cheap bookkeeping of replies per chat: the calls
    list and per-call notifications of the base class would grow and cost more than the
    bot under test at thousands of messages."""

    users: Users | None = None
    phase: Phase | None = None
    queue: deque[dict[str, Any]] = field(default_factory=deque)
    #: chat id → (push time, phase) of the update waiting for its reply.
    inflight: dict[int, tuple[float, Phase]] = field(default_factory=dict)
    last_message: dict[int, int] = field(default_factory=dict)
    last_text: dict[int, tuple[str, float]] = field(default_factory=dict)
    #: chat id → the timer that lets its user go on once the reply is complete.
    releases: dict[int, asyncio.TimerHandle] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    batches: list[int] = field(default_factory=list)
    #: When the bot last fetched updates or sent something (perf_counter).
    last_activity: float = 0.0
    _new: asyncio.Event = field(default_factory=asyncio.Event)

    def track(self, chat_id: int, phase: Phase) -> None:
        self.inflight[chat_id] = (time.perf_counter(), phase)

    def _push(self, update: dict[str, Any]) -> None:
        update["update_id"] = next(self._ids)
        self.queue.append(update)
        self._new.set()

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset", 0))
        limit = max(1, min(int(params.get("limit", 100)), 100))
        timeout = min(float(params.get("timeout", 0)), 1.0)
        queue = self.queue
        while queue and queue[0]["update_id"] < offset:  # confirmed for good, as on Telegram
            queue.popleft()
        if not queue and timeout > 0:
            self._new.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), timeout)
        batch = list(itertools.islice(queue, limit))
        if batch:
            self.batches.append(len(batch))
            self.last_activity = time.perf_counter()
        return batch

    async def settle(self, quiet: float = 0.5, limit: float = 120.0) -> None:
        """Wait until the bot has nothing left to do: no update waiting, nothing sent lately."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            if not self.queue and time.perf_counter() - self.last_activity > quiet:
                return
            await asyncio.sleep(0.1)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method not in _FAST or request.match_info["token"] != self.token:
            return await super()._handle(request)
        params = await self._params(request)
        result = await getattr(self, f"_m_{method}")(params)
        if method != "getUpdates":
            self.counts[method] += 1
            if method in _REPLIES:
                self._reply(int(params["chat_id"]), method, params)
        return web.json_response({"ok": True, "result": result})

    def _reply(self, chat_id: int, method: str, params: dict[str, Any]) -> None:
        now = self.last_activity = time.perf_counter()
        text = str(params.get("text", ""))
        previous, previous_at = self.last_text.get(chat_id, ("", 0.0))
        repeated = previous == text
        if method == "sendMessage":
            self.last_message[chat_id] = params["message_id"]
            self.last_text[chat_id] = (text, now)
        pending = self.releases.pop(chat_id, None)
        if pending is not None:  # the reply goes on: its user waits for the rest
            pending.cancel()
            self._release_later(chat_id)
        waiting = self.inflight.pop(chat_id, None)
        if waiting is None:
            if self.phase is not None:
                self.phase.extra_sends += 1
                self.phase.duplicates += repeated
                if len(self.phase.extra_samples) < 5:
                    again = f" (again, {now - previous_at:.1f} s later)" if repeated else ""
                    self.phase.extra_samples.append(f"{method} to {chat_id}{again}: {text[:60]}")
            return
        pushed_at, phase = waiting
        phase.replied(now - pushed_at, now)
        self._release_later(chat_id)

    def _release_later(self, chat_id: int) -> None:
        """Let the user write again once the reply has been quiet for REPLY_QUIET seconds: a
        reply may be several messages (a crisis card, then the answer), and a user who went
        on after the first would have the second taken for the reply to their next message."""
        self.releases[chat_id] = asyncio.get_running_loop().call_later(
            REPLY_QUIET, self._release, chat_id)

    def _release(self, chat_id: int) -> None:
        del self.releases[chat_id]
        if self.users is not None:
            self.users.answered(chat_id)


# -- the bots (child processes) ----------------------------------------------------------


def neuvo_settings(base_url: str, workdir: Path) -> Any:
    """Neuvo's settings as production reads them, from the environment."""
    from bot.config import Settings

    os.environ.update({
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": base_url,
        "NEUVO_CONTENT": str(ROOT / "faq"),
        "NEUVO_DB": str(workdir / "neuvo.sqlite3"),
        "NEUVO_KEY_FILE": str(workdir / "neuvo.key"),
        "NEUVO_DRAFTS": str(workdir / "drafts"),
        "ADVISER_CHAT_ID": str(ADVISERS),
        # The entry vectors of faq/ are encoded once, not at every bot start.
        "NEUVO_VECTORS": str(VECTORS),
    })
    return Settings.from_env(env_file=None)


def build_neuvo(base_url: str, workdir: Path) -> Any:
    from bot.app import Neuvo
    from bot.telegram.frontend import build_application

    settings = neuvo_settings(base_url, workdir)
    neuvo = Neuvo(settings, handoff=settings.adviser_chat_id is not None)
    return build_application(neuvo, settings)


def framework_of(app: Any) -> dict[str, Any]:
    """The rate limiter and update processor an Application was built with."""
    from telegram.ext import AIORateLimiter
    from telegram.request import HTTPXRequest

    limiter = app.bot.rate_limiter
    described: dict[str, Any] = {"rate_limiter": None}
    if isinstance(limiter, AIORateLimiter):
        base = limiter._base_limiter
        described["rate_limiter"] = {
            "class": "AIORateLimiter",
            "overall_max_rate": base.max_rate if base else 0,
            "overall_time_period": base.time_period if base else 0,
            "group_max_rate": limiter._group_max_rate,
            "group_time_period": limiter._group_time_period,
            "max_retries": limiter._max_retries,
        }
    elif limiter is not None:
        described["rate_limiter"] = {"class": f"{type(limiter).__module__}."
                                              f"{type(limiter).__qualname__}"}
    processor = app.update_processor
    described["update_processor"] = {
        "class": f"{type(processor).__module__}.{type(processor).__qualname__}",
        # Neuvo's processor runs `running_limit` updates at once; the library's attribute
        # bounds its tasks.
        "max_concurrent_updates": getattr(processor, "running_limit",
                                          processor.max_concurrent_updates),
    }
    queue = app.update_queue
    described["update_queue"] = {"class": f"{type(queue).__module__}.{type(queue).__qualname__}",
                                 "limit": getattr(queue, "limit", None)}
    for name, request in zip(("get_updates_request", "request"), app.bot._request, strict=True):
        info: dict[str, Any] = {"class": f"{type(request).__module__}.{type(request).__qualname__}"}
        if isinstance(request, HTTPXRequest):
            info["connection_pool_size"] = request._client_kwargs["limits"].max_connections
            info["http_version"] = request.http_version
        elif hasattr(request, "connection_pool_size"):
            info["connection_pool_size"] = request.connection_pool_size
        described[name] = info
    return described


def build_echo(base_url: str, framework: dict[str, Any] | None) -> Any:
    """A minimal echo bot: with `framework` None exactly as python-telegram-bot's defaults
    make it (its echobot example), else with the same rate limiter, update processor and
    HTTP settings (request class, connection pool sizes, HTTP version) as Neuvo's build.

    One MessageHandler echoes the text; a CallbackQueryHandler answers a button press and
    sends its data, so that the same update mix gets a reply from every bot.
    """
    import importlib

    from telegram import Update
    from telegram.ext import (
        AIORateLimiter,
        ApplicationBuilder,
        CallbackQueryHandler,
        ContextTypes,
        MessageHandler,
        SimpleUpdateProcessor,
        filters,
    )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.message is not None
        await context.bot.send_message(update.effective_chat.id, update.message.text or "…")

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and update.effective_chat is not None
        await query.answer()
        await context.bot.send_message(update.effective_chat.id, query.data or "…")

    builder: Any = ApplicationBuilder().token(TOKEN).base_url(base_url)
    if framework is None:
        app = builder.build()
        app.add_handler(MessageHandler(filters.TEXT, echo))
        app.add_handler(CallbackQueryHandler(press))
        return app
    for prefix, key in (("", "request"), ("get_updates_", "get_updates_request")):
        request = framework.get(key)
        if request is None:
            continue
        if request["class"] == "telegram.request._httpxrequest.HTTPXRequest":
            builder = getattr(builder, f"{prefix}connection_pool_size")(
                request["connection_pool_size"])
            builder = getattr(builder, f"{prefix}http_version")(request["http_version"])
        else:
            module, _, name = request["class"].rpartition(".")
            request_class = getattr(importlib.import_module(module), name)
            pool = request.get("connection_pool_size")
            builder = getattr(builder, f"{prefix}request")(
                request_class() if pool is None else request_class(pool))
    limiter = framework["rate_limiter"]
    if limiter is not None:
        if limiter["class"] == "AIORateLimiter":
            builder = builder.rate_limiter(AIORateLimiter(
                overall_max_rate=limiter["overall_max_rate"],
                overall_time_period=limiter["overall_time_period"],
                group_max_rate=limiter["group_max_rate"],
                group_time_period=limiter["group_time_period"],
                max_retries=limiter["max_retries"]))
        else:
            module, _, name = limiter["class"].rpartition(".")
            builder = builder.rate_limiter(getattr(importlib.import_module(module), name)())
    queue = framework["update_queue"]
    if queue["limit"] is not None:
        module, _, name = queue["class"].rpartition(".")
        builder = builder.update_queue(getattr(importlib.import_module(module), name)(
            queue["limit"]))
    processor = framework["update_processor"]
    module, _, name = processor["class"].rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    if cls is SimpleUpdateProcessor:
        builder = builder.concurrent_updates(processor["max_concurrent_updates"])
    else:
        try:
            builder = builder.concurrent_updates(cls(processor["max_concurrent_updates"]))
        except TypeError:
            builder = builder.concurrent_updates(cls())
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(press))
    return app


class Quotas:
    """Switches the AIORateLimiter's Telegram quotas off (for the stand-in) and on again."""

    def __init__(self, app: Any) -> None:
        from telegram.ext import AIORateLimiter

        self.limiter = app.bot.rate_limiter
        self.active = isinstance(self.limiter, AIORateLimiter)
        if self.active:
            self.saved = (self.limiter._base_limiter, self.limiter._group_max_rate,
                          self.limiter._group_time_period)

    def set(self, on: bool) -> None:
        if not self.active:
            return
        if on:
            (self.limiter._base_limiter, self.limiter._group_max_rate,
             self.limiter._group_time_period) = self.saved
        else:
            self.limiter._base_limiter = None
            self.limiter._group_max_rate = 0
            self.limiter._group_time_period = 0


async def serve(kind: str, base_url: str, workdir: Path, framework: dict[str, Any]) -> None:
    """The child process: run one bot against the stand-in until told to stop on stdin."""
    from telegram import Update

    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s", level=logging.WARNING,
                        stream=sys.stderr)
    app = (build_neuvo(base_url, workdir) if kind == "neuvo"
           else build_echo(base_url, framework if kind == "echo" else None))
    built = framework_of(app)
    quotas = Quotas(app)
    quotas.set(False)
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    assert app.updater is not None
    # As run_bot.py does it (the stand-in shortens the long poll to at most a second).
    await app.updater.start_polling(poll_interval=0.0, timeout=dt.timedelta(seconds=10),
                                    allowed_updates=framework.get("allowed_updates",
                                                                  Update.ALL_TYPES))
    await app.start()
    print(json.dumps({"ready": True, "framework": built}), flush=True)

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode().strip():
        if line == "stop":
            break
        if line in ("quotas on", "quotas off"):
            quotas.set(line == "quotas on")
            print(json.dumps({"ok": line}), flush=True)
    await app.updater.stop()
    await app.stop()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
    await app.shutdown()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"stopped": True, "ru_maxrss_mb": usage.ru_maxrss / 1024,
                      "cpu_s": usage.ru_utime + usage.ru_stime}), flush=True)


# -- the driver --------------------------------------------------------------------------


class BotProcess:
    def __init__(self, kind: str, base_url: str, workdir: Path,
                 framework: dict[str, Any]) -> None:
        self.kind = kind
        self.stderr_path = workdir / f"{kind}.stderr"
        self._stderr = open(self.stderr_path, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", kind,
             "--base-url", base_url, "--workdir", str(workdir),
             "--framework", json.dumps(framework)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            cwd=str(ROOT), env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.pid = self.proc.pid
        self._ticks = os.sysconf("SC_CLK_TCK")

    async def message(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(self.proc.stdout.readline), timeout)
        if not line:
            raise RuntimeError(f"the {self.kind} bot exited; see {self.stderr_path}:\n"
                               + self.stderr_path.read_text()[-3000:])
        return dict(json.loads(line))

    async def command(self, text: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text.encode() + b"\n")
        self.proc.stdin.flush()
        return await self.message(30)

    def rss_mb(self) -> float:
        return self._status("VmRSS")

    def hwm_mb(self) -> float:
        return self._status("VmHWM")

    def _status(self, key: str) -> float:
        try:
            with open(f"/proc/{self.pid}/status") as fh:
                for line in fh:
                    if line.startswith(key + ":"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def cpu_s(self, main_thread: bool = False) -> float:
        """CPU seconds of the process (all threads), or of its main thread (the event loop)."""
        path = f"/proc/{self.pid}/task/{self.pid}/stat" if main_thread else f"/proc/{self.pid}/stat"
        try:
            with open(path) as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / self._ticks
        except OSError:
            return 0.0

    def log_summary(self) -> dict[str, Any]:
        """How many errors and warnings the bot logged, with a few distinct examples."""
        self._stderr.flush()
        lines = self.stderr_path.read_text(errors="replace").splitlines()
        levels = Counter(line.split(" ", 1)[0] for line in lines
                         if line.startswith(("ERROR", "WARNING", "CRITICAL")))
        # The log lines, and the exceptions of tracebacks ("telegram.error.TimedOut: …").
        examples = list(dict.fromkeys(
            line[:160] for line in lines if line.startswith(("ERROR", "WARNING", "CRITICAL"))
            or re.match(r"[\w.]+(Error|Exception|TimedOut|Timeout)\b", line)))
        return {"errors": levels["ERROR"] + levels["CRITICAL"], "warnings": levels["WARNING"],
                "examples": examples[:8]}

    async def stop(self) -> dict[str, Any]:
        try:
            result = await self.command("stop")
        finally:
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self._stderr.close()
        return result


@dataclass
class Plan:
    rates: tuple[float, ...]
    seconds: float
    burst: int
    warmup: int
    users: int
    drain_seconds: float
    quota_rate: float
    quota_seconds: float


FULL = Plan(rates=(50, 100, 200, 400, 800), seconds=6, burst=2000, warmup=400, users=2000,
            drain_seconds=120, quota_rate=100, quota_seconds=4)
QUICK = Plan(rates=(50, 100, 200, 400, 800), seconds=1.0, burst=600, warmup=100, users=1000,
             drain_seconds=40, quota_rate=100, quota_seconds=1.5)


def machine_busy_s() -> float:
    """CPU seconds all processes of the machine have used since boot (from /proc/stat)."""
    try:
        with open("/proc/stat") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
    except OSError:
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


async def run_phase(standin: LoadStandIn, users: Users, bot: BotProcess, name: str,
                    rate: float | None, count: int, drain_seconds: float) -> dict[str, Any]:
    phase = Phase(name, rate, count)
    standin.phase = phase
    batches_before = len(standin.batches)
    calls_before = Counter(standin.counts)
    rss_peak = bot.rss_mb()
    cpu_before, main_before = bot.cpu_s(), bot.cpu_s(main_thread=True)
    driver_before, machine_before = time.process_time(), machine_busy_s()

    async def sample() -> None:
        nonlocal rss_peak
        while True:
            rss_peak = max(rss_peak, bot.rss_mb())
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    start = time.perf_counter()
    phase.first_push = start
    for k in range(count):
        if rate is not None:
            delay = start + k / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            elif k % 50 == 0:
                await asyncio.sleep(0)  # behind schedule: still let the stand-in serve
        user = users.take()
        phase.kinds[users.send_next(standin, user)] += 1
        standin.track(user.uid, phase)
        phase.pushed += 1
    phase.last_push = time.perf_counter()
    phase.pushing_done = True
    phase.check()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(phase.done.wait(), drain_seconds)
    sampler.cancel()
    end = phase.last_reply if phase.done.is_set() else time.perf_counter()
    wall = max(end - start, 1e-9)
    cpu = bot.cpu_s() - cpu_before
    main_cpu = bot.cpu_s(main_thread=True) - main_before
    background = machine_busy_s() - machine_before - cpu - (time.process_time() - driver_before)
    driver_cpu = time.process_time() - driver_before
    lat = sorted(x * 1000 for x in phase.latencies)
    batches = standin.batches[batches_before:]
    calls = Counter(standin.counts)
    calls.subtract(calls_before)
    # Whoever is still waiting (a timed-out phase) is forgotten, so the next phase starts clean.
    for chat_id in [c for c, (_, p) in standin.inflight.items() if p is phase]:
        del standin.inflight[chat_id]
    return {
        "phase": name,
        "offered_per_s": rate,
        "pushed_per_s": round(count / max(phase.last_push - start, 1e-9), 1),
        "updates": count,
        "kinds": dict(phase.kinds),
        "replied": len(lat),
        "unanswered": count - len(lat),
        "seconds": round(wall, 3),
        "handled_per_s": round(len(lat) / wall, 1),
        "p50_ms": round(percentile(lat, 0.50), 1),
        "p95_ms": round(percentile(lat, 0.95), 1),
        "p99_ms": round(percentile(lat, 0.99), 1),
        "max_ms": round(lat[-1], 1) if lat else None,
        "peak_rss_mb": round(rss_peak, 1),
        "bot_cpu_pct": round(100 * cpu / wall, 1),
        "bot_main_thread_cpu_pct": round(100 * main_cpu / wall, 1),
        "bot_cpu_ms_per_update": round(1000 * cpu / max(len(lat), 1), 2),
        "driver_cpu_pct": round(100 * driver_cpu / wall, 1),
        "other_processes_cpu_pct": round(max(0.0, 100 * background / wall), 1),
        "api_calls": {k: v for k, v in calls.items() if v},
        "extra_sends": phase.extra_sends,
        "extra_samples": phase.extra_samples,
        "duplicate_sends": phase.duplicates,
        "getupdates_mean_batch": round(statistics.fmean(batches), 1) if batches else 0,
        "distinct_users_so_far": len(users.by_id),
    }


class PySpy:
    """py-spy sampling the bot process (all threads, so aiosqlite's too) to a raw file."""

    def __init__(self, pid: int, output: Path) -> None:
        exe = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which(
            "py-spy")
        if exe is None:
            raise SystemExit("--py-spy needs py-spy: .venv/bin/pip install py-spy")
        self.output = output
        self.proc = subprocess.Popen(
            [exe, "record", "--pid", str(pid), "--rate", "250", "--format", "raw",
             "--output", str(output), "--nonblocking", "--threads"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


#: Where a sample's time goes, by the first frame from the leaf up that is not generic plumbing
#: (the event loop, json, dataclasses…): (category, path prefixes, function names).
_CATEGORIES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("SQLite statements (aiosqlite thread)", (), ("_connection_worker_thread",)),
    ("aiosqlite hand-offs (futures, queue, wake-ups)", ("aiosqlite/",), ()),
    ("language identification", ("bot/langid",), ()),
    ("matcher", ("bot/matching", "bot/analysis", "bot/lexicon", "bot/normalize"), ()),
    ("Neuvo storage and outbox code", ("bot/storage", "bot/outbox", "bot/tickets",
                                       "bot/handoff", "bot/local_guide"), ()),
    ("Neuvo conversation, texts, rendering", ("bot/", "babel/"), ()),
    ("HTTP client (httpx, httpcore, anyio, h11)", ("httpx/", "httpcore/", "anyio/", "h11/",
                                                    "sniffio/"), ()),
    ("python-telegram-bot (objects, JSON, handlers)", ("telegram/",), ()),
    ("failed imports (httpcore without sniffio)", ("<frozen importlib", "_distutils_hack",
                                                   "__editable__"), ()),
)
_GENERIC = ("asyncio/", "selectors", "json/", "dataclasses", "urllib/", "contextlib", "typing",
            "enum", "functools", "threading", "socket", "weakref", "re/", "logging/", "abc",
            "collections/", "copy", "datetime", "ipaddress", "email/", "http/")


def _category(frames: list[str]) -> str:
    for frame in reversed(frames):
        name, _, where = frame.partition(" (")
        if any(name.startswith(f) for _, _, names in _CATEGORIES for f in names):
            return next(c for c, _, names in _CATEGORIES if any(name.startswith(f)
                                                                 for f in names))
        if any(where.startswith(g) for g in _GENERIC):
            continue
        for category, prefixes, _ in _CATEGORIES:
            if prefixes and where.startswith(prefixes):
                return category
        if where.startswith("load.py"):
            continue
        return f"other ({where.split(':')[0]})"
    return "event loop (select, callbacks)" if frames else "no Python frame (C code, GIL)"


def summarise_profile(path: Path, top: int = 25) -> dict[str, list[tuple[str, float]]]:
    """Shares of py-spy samples: per thread, per category, per function (self, inclusive)."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        thread = frames[0].split(": ", 1)[-1]
        threads[thread] += count
        frames = frames[1:]
        categories[f"{'main' if thread == 'MainThread' else 'other'} thread: "
                   f"{_category(frames)}"] += count
        names = [f.split(" (")[0] + " (" + f.split(" (")[1].split(":")[0].rsplit("/", 1)[-1]
                 + ")" if " (" in f else f for f in frames]
        if names:
            own[names[-1]] += count
        for name in set(names):
            inclusive[name] += count
    if not total:
        return {}

    def shares(counter: Counter[str], n: int = top) -> list[tuple[str, float]]:
        return [(name, round(100 * k / total, 1)) for name, k in counter.most_common(n)]

    return {"threads": shares(threads), "categories": shares(categories, 40),
            "self": shares(own), "inclusive": shares(inclusive)}


async def run_bot(kind: str, plan: Plan, framework: dict[str, Any], workdir: Path,
                  py_spy: Path | None) -> dict[str, Any]:
    standin = LoadStandIn(token=TOKEN)
    await standin.start()
    users = Users(plan.users)
    standin.users = users
    bot_dir = workdir / kind
    bot_dir.mkdir()
    started = time.perf_counter()
    bot = BotProcess(kind, standin.base_url, bot_dir, framework)
    try:
        ready = await bot.message(120)
        startup = time.perf_counter() - started
        await asyncio.sleep(0.5)
        idle_rss = bot.rss_mb()
        print(f"  {kind}: ready in {startup:.1f} s, {idle_rss:.0f} MB", file=sys.stderr)
        warm = await run_phase(standin, users, bot, "warm-up", 200, plan.warmup,
                               plan.drain_seconds)
        spy = PySpy(bot.pid, py_spy) if py_spy is not None else None
        phases = []
        for rate in plan.rates:
            await standin.settle()
            count = int(rate * plan.seconds)
            result = await run_phase(standin, users, bot, f"{rate:g}/s", rate, count,
                                     plan.drain_seconds)
            phases.append(result)
            print(f"  {kind} {result['phase']}: {result['handled_per_s']}/s, "
                  f"p95 {result['p95_ms']} ms", file=sys.stderr)
        await standin.settle()
        burst = await run_phase(standin, users, bot, f"burst {plan.burst}", None, plan.burst,
                                plan.drain_seconds)
        phases.append(burst)
        print(f"  {kind} burst: {burst['handled_per_s']}/s, p95 {burst['p95_ms']} ms",
              file=sys.stderr)
        if spy is not None:
            spy.stop()
        await standin.settle()
        await bot.command("quotas on")
        quota = await run_phase(standin, users, bot, f"{plan.quota_rate:g}/s, Telegram quotas on",
                                plan.quota_rate, int(plan.quota_rate * plan.quota_seconds),
                                plan.drain_seconds)
        hwm = bot.hwm_mb()
        logged = bot.log_summary()
        stopped = await bot.stop()
    finally:
        if bot.proc.poll() is None:
            bot.proc.kill()
            bot.proc.wait()
        await standin.stop()
    return {
        "bot": kind,
        "framework": ready["framework"],
        "startup_s": round(startup, 2),
        "idle_rss_mb": round(idle_rss, 1),
        "peak_rss_mb": round(hwm, 1),
        "errors_logged": logged["errors"],
        "warnings_logged": logged["warnings"],
        "log_examples": logged["examples"],
        "cpu_s": stopped.get("cpu_s"),
        "warmup": warm,
        "phases": phases,
        "quotas_on": quota,
        "distinct_users": len(users.by_id),
    }


# -- the matcher -------------------------------------------------------------------------


def matcher_throughput(quick: bool) -> list[dict[str, Any]]:
    from matching_latency import RandomPassages, synthetic_documents

    from bot.knowledge.knowledge import Knowledge
    from bot.matching.matcher import Document, Matcher

    knowledge = Knowledge.load(ROOT / "faq", VECTORS)
    content = knowledge.content
    bundled = [Document(id=entry.id, lang=lang, question=text.question,
                        alternates=text.alternates, answer=text.answer, keywords=entry.keywords)
               for entry in content.entries.values() for lang, text in entry.texts.items()]
    queries = [q for qs in QUESTIONS.values() for q in qs]
    rounds = 3 if quick else 10
    rows = []
    # The synthetic entries get random vectors (see matching_latency.py); queries are encoded.
    for name, docs, encoder in (("bundled faq/", bundled, None),
                                (f"{SYNTHETIC_ENTRIES} synthetic + faq/",
                                 bundled + synthetic_documents(bundled, SYNTHETIC_ENTRIES),
                                 RandomPassages())):
        start = time.perf_counter()
        matcher = Matcher(docs, content.glossary, encoder=encoder,
                          vectors_dir=VECTORS if encoder is None else None)
        build = time.perf_counter() - start
        matcher.match("warm up")
        times = []
        begin = time.perf_counter()
        for _ in range(rounds):
            for query in queries:
                t = time.perf_counter()
                matcher.match(query)
                times.append((time.perf_counter() - t) * 1000)
        elapsed = time.perf_counter() - begin
        # The first round meets every word for the first time; later rounds find them
        # (and their spelling repairs) remembered, as a running bot does for common words.
        first = sorted(times[:len(queries)])
        times.sort()
        rows.append({
            "content": name,
            "entries": len({d.id for d in docs}),
            "documents": len(docs),
            "build_s": round(build, 2),
            "queries": len(times),
            "matches_per_s": round(len(times) / elapsed, 1),
            "p50_ms": round(percentile(times, 0.5), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
            "p99_ms": round(percentile(times, 0.99), 2),
            "first_round_p50_ms": round(percentile(first, 0.5), 2),
            "first_round_p95_ms": round(percentile(first, 0.95), 2),
        })
    return rows


# -- the report --------------------------------------------------------------------------


def fmt(value: Any, digits: int = 0) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def report(results: dict[str, Any]) -> str:
    bots = {b["bot"]: b for b in results["bots"]}
    neuvo = bots["neuvo"]
    order = [bots[kind] for kind in BOTS]
    lines = [
        f"Load benchmark ({results['mode']}), {results['machine']['cpus']} CPUs "
        f"{results['machine']['cpu']}, Python {results['machine']['python']}, "
        f"python-telegram-bot {results['machine']['ptb']}.",
        "",
        "Neuvo's framework settings, which the second echo bot copies: rate limiter "
        f"`{json.dumps(neuvo['framework']['rate_limiter'])}`, with Telegram's quotas lifted "
        "except in the last row; update processor "
        f"`{neuvo['framework']['update_processor']['class']}"
        f"({neuvo['framework']['update_processor']['max_concurrent_updates']})`; update queue "
        f"`{json.dumps(neuvo['framework']['update_queue'])}`; HTTP "
        f"`{json.dumps(neuvo['framework']['request'])}`. The first echo bot is "
        "python-telegram-bot's defaults: "
        f"`{json.dumps(bots['ptb-echo']['framework'])}`.",
        "",
        "Updates handled per second, and reply latency p50 / p95 / p99 in ms:",
        "",
        "| offered | " + " | ".join(LABELS[b["bot"]] for b in order)
        + " | Neuvo / echo (defaults) | Neuvo / echo (Neuvo's settings) | "
        + " | ".join(f"{LABELS[b['bot']]} latency" for b in order) + " |",
        "|---|" + "---:|" * (2 * len(order) + 2),
    ]
    # One tuple per phase: the three bots' results for it, in BOTS order.
    rows = list(zip(*([*b["phases"], b["quotas_on"]] for b in order), strict=True))
    for phases in rows:
        ptb, echo, n = phases
        lines.append(
            f"| {n['phase']} | "
            + " | ".join(fmt(p["handled_per_s"], 0) for p in phases)
            + f" | {_share(n, ptb)} | {_share(n, echo)} | "
            + " | ".join(f"{fmt(p['p50_ms'], 0)} / {fmt(p['p95_ms'], 0)} / "
                         f"{fmt(p['p99_ms'], 0)}" for p in phases) + " |")
    lines += [
        "",
        "CPU of each bot process (% of one CPU, main thread in brackets) and its CPU time per "
        "update:",
        "",
        "| offered | " + " | ".join(LABELS[b["bot"]] for b in order) + " |",
        "|---|" + "---:|" * len(order),
    ]
    for phases in rows:
        lines.append(
            f"| {phases[-1]['phase']} | "
            + " | ".join(f"{fmt(p['bot_cpu_pct'], 0)} ({fmt(p['bot_main_thread_cpu_pct'], 0)})"
                         f", {fmt(p['bot_cpu_ms_per_update'], 2)} ms" for p in phases) + " |")
    lines += ["", " ".join(
        f"{LABELS[b['bot']]}: start-up {b['startup_s']} s, idle RSS {b['idle_rss_mb']} MB, "
        f"peak RSS {b['peak_rss_mb']} MB, errors logged {b['errors_logged']}, warnings "
        f"{b['warnings_logged']}, unanswered {sum(p['unanswered'] for p in b['phases'])}, "
        f"messages sent twice {duplicates(b)}, other processes' CPU {background(b)}."
        for b in order)]
    lines += [
        "",
        "| matcher content | entries | documents | build s | matches/s | p50 ms | p95 ms "
        "| p99 ms | first round p50 / p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["matcher"]:
        lines.append(f"| {row['content']} | {row['entries']:,} | {row['documents']:,} "
                     f"| {row['build_s']} | {row['matches_per_s']:,.0f} | {row['p50_ms']} "
                     f"| {row['p95_ms']} | {row['p99_ms']} "
                     f"| {row['first_round_p50_ms']} / {row['first_round_p95_ms']} |")
    verdict = results["verdict"]
    lines += [
        "",
        f"Done-when: Neuvo's best {verdict['neuvo_best_per_s']:.0f} updates/s (target ≥ "
        f"{TARGET}); {verdict['share_of_echo']:.0%} of the minimal python-telegram-bot echo "
        f"bot's {verdict['echo_best_per_s']:.0f}/s (target ≥ {TARGET_SHARE:.0%}) → "
        f"{'met' if verdict['met'] else 'NOT met'}. Against the echo bot with Neuvo's own "
        f"framework settings ({verdict['same_settings_echo_best_per_s']:.0f}/s), "
        f"{verdict['share_of_same_settings_echo']:.0%}: the rest is Neuvo's own work.",
    ]
    if len(verdict["per_round"]) > 1:
        lines.append(
            f"Figures are medians over {len(verdict['per_round'])} rounds; Neuvo's share of "
            "the library echo bot in each round: "
            + ", ".join(f"{r['share_of_echo']:.0%} ({r['neuvo_best_per_s']:.0f} / "
                        f"{r['echo_best_per_s']:.0f})" for r in verdict["per_round"]) + ".")
    return "\n".join(lines)


def _share(bot: dict[str, Any], other: dict[str, Any]) -> str:
    if not other["handled_per_s"]:
        return "–"
    return f"{_ratio(bot['handled_per_s'], other['handled_per_s']):.0%}"


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def duplicates(bot: dict[str, Any]) -> int:
    return sum(p["duplicate_sends"] for p in [bot["warmup"], *bot["phases"], bot["quotas_on"]])


def background(bot: dict[str, Any]) -> str:
    values = [p["other_processes_cpu_pct"] for p in bot["phases"]]
    return f"{statistics.fmean(values):.0f} % on average (at most {max(values):.0f} %)"


#: Per phase: numbers that are the median over rounds, and counts that are summed.
_MEDIAN = ("offered_per_s", "pushed_per_s", "seconds", "handled_per_s", "p50_ms", "p95_ms",
           "p99_ms", "max_ms", "bot_cpu_pct", "bot_main_thread_cpu_pct",
           "bot_cpu_ms_per_update", "driver_cpu_pct", "other_processes_cpu_pct",
           "getupdates_mean_batch")
_SUMMED = ("updates", "replied", "unanswered", "extra_sends", "duplicate_sends")


def median_run(runs: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    """One bot's rounds as one run: per phase the median of each rate, latency and CPU
    figure (the machine may be shared, and a neighbour's burst of work should not decide
    the verdict), counts of what went wrong summed, memory at its peak."""
    if len(runs) == 1:
        return runs[0]

    def phase(phases: tuple[dict[str, Any], ...]) -> dict[str, Any]:
        merged = dict(phases[0])
        for key in _MEDIAN:
            values = [p[key] for p in phases if p.get(key) is not None]
            merged[key] = statistics.median(values) if values else None
        for key in _SUMMED:
            merged[key] = sum(p[key] for p in phases)
        merged["peak_rss_mb"] = max(p["peak_rss_mb"] for p in phases)
        return merged

    merged = dict(runs[0])
    for key in ("warmup", "quotas_on"):
        merged[key] = phase(tuple(run[key] for run in runs))
    merged["phases"] = [phase(p) for p in zip(*(run["phases"] for run in runs), strict=True)]
    merged["startup_s"] = round(statistics.median(run["startup_s"] for run in runs), 2)
    for key in ("idle_rss_mb", "peak_rss_mb"):
        merged[key] = max(run[key] for run in runs)
    for key in ("errors_logged", "warnings_logged"):
        merged[key] = sum(run[key] for run in runs)
    return merged


def verdict(results: list[dict[str, Any]]) -> dict[str, Any]:
    bots = {b["bot"]: b for b in results}

    def best(bot: dict[str, Any]) -> float:
        return float(max((p["handled_per_s"] for p in bot["phases"] if p["unanswered"] == 0),
                         default=0.0))

    ptb_best, echo_best, neuvo_best = (best(bots[kind]) for kind in BOTS)
    share = _ratio(neuvo_best, ptb_best)
    return {"neuvo_best_per_s": neuvo_best, "echo_best_per_s": ptb_best,
            "share_of_echo": round(share, 3),
            "same_settings_echo_best_per_s": echo_best,
            "share_of_same_settings_echo": round(_ratio(neuvo_best, echo_best), 3),
            "met": neuvo_best >= TARGET and share >= TARGET_SHARE}


def machine() -> dict[str, Any]:
    import telegram

    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "ptb": telegram.__version__}


async def drive(args: argparse.Namespace) -> dict[str, Any]:
    plan = QUICK if args.quick else FULL
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="neuvo-load-") as tmp:
        workdir = Path(tmp)
        # Both bots get the framework settings Neuvo's build has.
        probe = workdir / "probe"
        probe.mkdir()
        framework = framework_of(build_neuvo("http://127.0.0.1:9/bot", probe))
        import bot.telegram.frontend

        allowed = getattr(bot.telegram.frontend, "ALLOWED_UPDATES", None)
        if allowed is not None:
            framework["allowed_updates"] = list(allowed)
        rounds: list[list[dict[str, Any]]] = []
        for number in range(1, args.rounds + 1):
            bots = []
            round_dir = workdir / f"round-{number}"
            round_dir.mkdir()
            for kind in BOTS:
                print(f"round {number}/{args.rounds}: {kind} bot…", file=sys.stderr)
                spy = args.py_spy if kind == "neuvo" and number == 1 else None
                bots.append(await run_bot(kind, plan, framework, round_dir, spy))
            rounds.append(bots)
    print("matcher…", file=sys.stderr)
    matcher = matcher_throughput(args.quick)
    results: dict[str, Any] = {
        "mode": "quick" if args.quick else "full",
        "machine": machine(),
        "plan": plan.__dict__,
        "bots": [median_run(runs) for runs in zip(*rounds, strict=True)],
        "rounds": rounds,
        "matcher": matcher,
    }
    results["verdict"] = verdict(results["bots"])
    results["verdict"]["per_round"] = [verdict(bots) for bots in rounds]
    results["run_seconds"] = round(time.perf_counter() - began, 1)
    if args.py_spy is not None:
        results["profile"] = summarise_profile(args.py_spy)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a shorter run (about a minute)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--rounds", type=int, default=None,
                        help="run all three bots this many times and report medians "
                             "(default 3, with --quick 1)")
    parser.add_argument("--py-spy", type=Path, metavar="FILE",
                        help="profile the Neuvo bot during the rate phases with py-spy "
                             "(collapsed stacks to FILE, a summary printed)")
    parser.add_argument("--serve", choices=BOTS, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--framework", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    if args.serve:
        asyncio.run(serve(args.serve, args.base_url, args.workdir, json.loads(args.framework)))
        return
    results = asyncio.run(drive(args))
    print(report(results))
    if "profile" in results:
        print("\nWhere the Neuvo bot process spends its time (share of py-spy samples):")
        for title in ("threads", "categories", "self", "inclusive"):
            print(f"\n{title}:")
            for name, share in results["profile"][title]:
                print(f"  {share:5.1f} %  {name}")
    print(f"\nRun took {results['run_seconds']} s.")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
