"""The Telegram front end: thin handlers that turn updates into conversation calls.

Nothing here decides what to say; it only reads updates, calls `Conversation` (private
chats) or `Handoff` (the advisers' group), and sends the resulting messages with
python-telegram-bot. The Bot API base URL is configurable, so the same code path serves
real Telegram, a self-hosted Bot API server, or the test stand-in.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    Update,
)
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.app import Neuvo
from bot.config import Settings
from bot.conversation.conversation import Conversation, User
from bot.i18n import texts
from bot.i18n.finnish_time import HELSINKI
from bot.i18n.languages import LANGUAGES
from bot.i18n.replies import Message, Outcome
from bot.telegram.inbox import Inbox, InboxBot
from bot.telegram.outbox import Outbox, Parcel
from bot.telegram.sender import Sender, parcels
from bot.telegram.transport import AiohttpRequest
from bot.telegram.update_order import PerChatUpdateProcessor, UpdateBacklog

log = logging.getLogger(__name__)

DESK_COMMANDS = ("tickets", "close", "ban", "unban", "stats", "faq", "reload")
#: Connections for sending: python-telegram-bot's default, more than the updates handled at
#: once (bot/telegram/update_order.py) plus the outbox flush ever use.
SEND_CONNECTIONS = 256
#: How often undelivered messages are tried again (each row also backs off on its own).
FLUSH_SECONDS = 5
#: When old question logs are deleted each night (Helsinki time).
EXPIRY_TIME = dt.time(3, 30, tzinfo=HELSINKI)
#: The only update types the bot handles. Asking for no others also keeps an update type
#: this library version cannot parse (a newer Bot API's) from blocking the queue.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
#: Telegram takes two-letter ISO 639-1 codes for per-language commands.
_TELEGRAM_LANGUAGE_CODE = {"ckb": "ku"}
_PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE

Context = ContextTypes.DEFAULT_TYPE
App = Application[Any, Any, Any, Any, Any, Any]


def build_application(neuvo: Neuvo, settings: Settings) -> App:
    """The bot as a python-telegram-bot Application; `neuvo` opens and closes with it."""
    assert settings.token is not None

    async def post_init(app: App) -> None:
        await neuvo.initialize()
        await _register_commands(app, neuvo)
        if settings.adviser_chat_id is not None:
            try:
                chat = await app.bot.get_chat(settings.adviser_chat_id)
                app.bot_data["adviser_forum"] = bool(chat.is_forum)
            except TelegramError as exc:  # users are still served; posts wait in the outbox
                log.error("the advisers' group %s cannot be read (%s): is the bot a member?",
                          settings.adviser_chat_id, exc)
        handoff = neuvo.conversation.handoff
        db = neuvo.conversation.storage.db
        inbox.open(db)
        outbox = Outbox(db)
        neuvo.conversation.storage.forgotten.append(outbox.reload)
        sender = Sender(app.bot, outbox, handoff.posted if handoff else None,
                        lambda: bool(app.bot_data.get("adviser_forum")), inbox,
                        settings.adviser_chat_id,
                        functools.partial(tell_group_back, app) if handoff else None)
        app.bot_data["sender"] = sender
        app.bot_data["inbox"] = inbox
        # What a crash or an outage left undelivered goes first, then the updates that
        # were stored and not handled, then new ones (stored before they are confirmed).
        await sender.recover(await handoff.unposted() if handoff else [],
                             settings.adviser_chat_id)
        for update in await inbox.unfinished(app.bot):
            app.update_queue.put_nowait(update)
        backlog.admit = inbox.is_new
        processor.finished = inbox.handled
        assert app.job_queue is not None
        app.job_queue.run_repeating(flush_job, interval=FLUSH_SECONDS, first=FLUSH_SECONDS,
                                    name="outbox")
        if settings.reload_seconds > 0:
            app.job_queue.run_repeating(reload_job, interval=settings.reload_seconds,
                                        first=settings.reload_seconds, name="reload")
        app.job_queue.run_daily(expiry_job, EXPIRY_TIME, name="expire-logs")

    async def post_shutdown(app: App) -> None:
        await neuvo.shutdown()

    processor = PerChatUpdateProcessor()
    backlog = UpdateBacklog()
    inbox = Inbox()
    bot = InboxBot(
        inbox,
        settings.token,
        base_url=settings.base_url,
        base_file_url=settings.base_url.removesuffix("/bot") + "/file/bot",
        request=AiohttpRequest(SEND_CONNECTIONS),
        get_updates_request=AiohttpRequest(1),
        rate_limiter=AIORateLimiter(max_retries=3),
    )
    application = (
        ApplicationBuilder()
        .bot(bot)
        .concurrent_updates(processor)
        .update_queue(backlog)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    processor.flood_notice = functools.partial(tell_flooded, application)
    application.bot_data["neuvo"] = neuvo
    application.bot_data["adviser_chat_id"] = settings.adviser_chat_id
    application.add_handler(CommandHandler("start", on_start, filters=_PRIVATE))
    application.add_handler(MessageHandler(_PRIVATE & filters.COMMAND, on_command))
    application.add_handler(MessageHandler(_PRIVATE & filters.TEXT, on_text))
    application.add_handler(MessageHandler(_PRIVATE & filters.LOCATION, on_location))
    application.add_handler(MessageHandler(_PRIVATE & ~filters.StatusUpdate.ALL, on_other))
    if settings.adviser_chat_id is not None:
        desk = filters.Chat(chat_id=settings.adviser_chat_id) & filters.UpdateType.MESSAGE
        application.add_handler(CommandHandler(DESK_COMMANDS, on_desk_command, filters=desk))
        application.add_handler(MessageHandler(desk & filters.TEXT & ~filters.COMMAND,
                                               on_desk_text))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_error_handler(on_error)
    return application


async def _register_commands(app: App, neuvo: Neuvo) -> None:
    commands = neuvo.conversation.commands()
    for lang in (None, *LANGUAGES):
        t = neuvo.i18n(lang or "en")
        listed = [BotCommand(name, t(description)) for name, description in commands]
        code = _TELEGRAM_LANGUAGE_CODE.get(lang, lang) if lang else None
        await app.bot.set_my_commands(listed, language_code=code)
    adviser_chat = app.bot_data.get("adviser_chat_id")
    if adviser_chat is not None:
        await app.bot.set_my_commands(
            [BotCommand(name, name) for name in DESK_COMMANDS],
            scope=BotCommandScopeChat(adviser_chat),
        )


def _neuvo(context: Context) -> Neuvo:
    neuvo: Neuvo = context.bot_data["neuvo"]
    return neuvo


def _conversation(context: Context) -> Conversation:
    return _neuvo(context).conversation


def _user(update: Update) -> User:
    tg_user = update.effective_user
    chat = update.effective_chat
    assert tg_user is not None
    contact = tg_user.full_name + (f" (@{tg_user.username})" if tg_user.username else "")
    return User(f"telegram:{tg_user.id}", tg_user.language_code,
                chat.id if chat is not None else None, contact)


def _sender(context: Context) -> Sender:
    sender: Sender = context.bot_data["sender"]
    return sender


async def _deliver(update: Update, context: Context, outcome: Outcome) -> None:
    chat = update.effective_chat
    assert chat is not None
    query = update.callback_query
    messages = list(outcome.messages)
    editable = query is not None and query.message is not None and query.message.is_accessible
    if outcome.edit is not None and query is not None and not editable:
        # The pressed message is too old for Telegram to let us edit it: say it anew.
        messages.insert(0, outcome.edit)
    source = update.effective_message
    thread = source.message_thread_id if source is not None and source.is_topic_message else None
    items: list[Parcel] = []
    for message in messages:
        items += parcels(chat.id, message, thread_id=thread)
    for post in outcome.to_advisers:
        adviser_chat: int = context.bot_data["adviser_chat_id"]
        items += parcels(adviser_chat, post.message, post.reply_to, post.thread_id, post)
    for delivery in outcome.to_users:
        items += parcels(delivery.chat_id, delivery.message)
    sender = _sender(context)
    # Stored (and the update marked handled) before anything is shown: "sent" is said only
    # of what is queued for delivery.
    stored = await sender.store(items, handled=update.update_id)
    try:
        if query is not None:
            await query.answer(outcome.toast)
            if outcome.edit is not None and editable:
                assert query.message is not None
                await sender.edit(chat.id, query.message.message_id, outcome.edit)
    finally:
        await sender.deliver(stored)


async def tell_flooded(application: App, update: Update) -> None:
    """Someone sent more messages at once than the bot reads (bot/telegram/update_order.py)."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE or update.effective_user is None:
        return
    try:
        outcome = await application.bot_data["neuvo"].conversation.flooded(_user(update))
        sender: Sender = application.bot_data["sender"]
        for message in outcome.messages:
            await sender.send(chat.id, message)
    except Exception:  # not an update of its own: the error handler does not see it
        log.exception("could not tell chat %s that some of its messages were skipped",
                      chat.id)


async def tell_group_back(application: App) -> None:
    """The advisers' group takes messages again after refusing them (bot/telegram/sender.py)."""
    neuvo: Neuvo = application.bot_data["neuvo"]
    sender: Sender = application.bot_data["sender"]
    desk = neuvo.i18n(neuvo.settings.adviser_lang)
    await sender.send(application.bot_data["adviser_chat_id"],
                      Message(desk.html(texts.DESK_GROUP_BACK)))


async def on_start(update: Update, context: Context) -> None:
    payload = " ".join(context.args or [])
    await _deliver(update, context, await _conversation(context).start(_user(update), payload))


async def on_command(update: Update, context: Context) -> None:
    assert update.message is not None and update.message.text is not None
    word, _, args = update.message.text.partition(" ")
    name = word.lstrip("/").split("@", 1)[0].lower()
    outcome = await _conversation(context).command(_user(update), name, args)
    await _deliver(update, context, outcome)


async def on_text(update: Update, context: Context) -> None:
    assert update.message is not None and update.message.text is not None
    outcome = await _conversation(context).text(_user(update), update.message.text)
    await _deliver(update, context, outcome)


async def on_location(update: Update, context: Context) -> None:
    assert update.message is not None and update.message.location is not None
    where = update.message.location
    outcome = await _conversation(context).location(_user(update), where.latitude,
                                                    where.longitude)
    await _deliver(update, context, outcome)


async def on_other(update: Update, context: Context) -> None:
    message_id = update.message.message_id if update.message is not None else None
    outcome = await _conversation(context).non_text(_user(update), message_id)
    await _deliver(update, context, outcome)


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    chat = update.effective_chat
    data = query.data or ""
    if chat is not None and chat.type == chat.PRIVATE:
        outcome = await _conversation(context).button(_user(update), data)
    elif (chat is not None and chat.id == context.bot_data.get("adviser_chat_id")
          and data.startswith("tk:")):
        outcome = await _neuvo(context).handoff.desk_button(data)
    else:
        await query.answer()  # a button pressed anywhere else gives no power
        return
    await _deliver(update, context, outcome)


async def reload_job(context: Context) -> None:
    message = await _neuvo(context).reload()
    chat_id = context.bot_data.get("adviser_chat_id")
    if message is not None and chat_id is not None:
        await _sender(context).send(chat_id, message)


async def flush_job(context: Context) -> None:
    waiting = await _sender(context).flush()
    if waiting:
        log.info("%d messages wait for delivery", waiting)


async def expiry_job(context: Context) -> None:
    deleted = await _neuvo(context).expire()
    inbox: Inbox = context.bot_data["inbox"]
    deleted += await inbox.prune()
    log.info("expired %d old log rows", deleted)


async def on_desk_command(update: Update, context: Context) -> None:
    assert update.message is not None and update.message.text is not None
    word, _, args = update.message.text.partition(" ")
    name = word.lstrip("/").split("@", 1)[0].lower()
    if name == "reload":
        message = await _neuvo(context).reload(force=True)
        if message is not None:  # None: files were still being saved; the job retries
            await _deliver(update, context, Outcome([message]))
        return
    outcome = await _neuvo(context).handoff.desk_command(name, args)
    if outcome is not None:
        await _deliver(update, context, outcome)


async def on_desk_text(update: Update, context: Context) -> None:
    message = update.message
    assert message is not None and message.text is not None
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    if reply_to is not None and message.reply_to_message is not None and (
        message.reply_to_message.forum_topic_created is not None
    ):
        reply_to = None  # in a forum every message "replies" to the topic's opening
    thread = message.message_thread_id if message.is_topic_message else None
    outcome = await _neuvo(context).handoff.adviser_reply(reply_to, thread, message.text)
    await _deliver(update, context, outcome)


async def on_error(update: object, context: Context) -> None:
    """Log and apologise; the Application keeps running whatever went wrong."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != update.effective_chat.PRIVATE:
        return
    user = update.effective_user
    message = _conversation(context).error_message(user.language_code if user else None)
    try:
        await _sender(context).send(update.effective_chat.id, message)
    except Exception:  # the network may be what failed; never let the error handler raise
        log.exception("could not send the error message")
