"""A Bot API stand-in served on 127.0.0.1, for driving the real Application in tests.

It speaks the HTTP protocol python-telegram-bot uses against api.telegram.org: methods
are POSTed to /bot<token>/<method> as form fields (objects JSON-encoded), answers are
{"ok": true, "result": …}. Tests push updates (messages, button presses) and read back
what the bot sent. Only loopback is used; nothing reaches Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 424242
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Neuvo", "username": "neuvo_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False}
_JSON_FIELDS = {"reply_markup", "commands", "link_preview_options", "scope", "allowed_updates",
                "entities", "reply_parameters"}
_INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "message_thread_id",
               "from_chat_id"}


class _Refused(Exception):
    """Telegram's answer to a call it refuses, raised by a method of the stand-in."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    #: The HTTP status the stand-in answered with (a fault makes it 429 or 5xx).
    status: int = 200


@dataclass
class BotApiStandIn:
    token: str = "123456:TEST-TOKEN"
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    #: Optional hook to make a method fail: returns (status, description) or None.
    fault: Callable[[str, dict[str, Any]], tuple[int, str] | None] | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _changed: asyncio.Condition | None = None
    _runner: web.AppRunner | None = None
    port: int = 0
    #: Whether group chats have forum topics enabled.
    forum: bool = False
    #: Seconds every answer but getUpdates' takes, like a slow Telegram.
    latency: float = 0.0
    #: What each message the bot sent or edited shows: (text, inline keyboard), by
    #: (chat id, message id), so that an edit that changes nothing fails as on Telegram.
    shown: dict[tuple[int, int], tuple[str, Any]] = field(default_factory=dict)
    _topics: itertools.count[int] = field(default_factory=lambda: itertools.count(77))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests do ----------------------------------------------------------------

    def push_message(self, user_id: int, text: str | None, language_code: str | None = None,
                     chat_type: str = "private", chat_id: int | None = None,
                     reply_to: Call | None = None, thread_id: int | None = None,
                     username: str | None = None, photo: bool = False) -> int:
        """A user's (or adviser's) message; returns its message id."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Test"}
        if language_code:
            user["language_code"] = language_code
        if username:
            user["username"] = username
        chat: dict[str, Any] = {"id": chat_id if chat_id is not None else user_id,
                                "type": chat_type}
        if chat_type == "supergroup":
            chat["title"] = "Advisers"
            chat["is_forum"] = self.forum
        message_id = next(self._message_ids)
        message: dict[str, Any] = {"message_id": message_id, "date": int(time.time()),
                                   "chat": chat, "from": user}
        if text is not None:
            message["text"] = text
        if photo:
            message["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 10,
                                 "height": 10}]
        if text and text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            message["reply_to_message"] = self._message(reply_to.params)
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        self._push({"message": message})
        return message_id

    def push_button(self, user_id: int, data: str, message_id: int,
                    language_code: str | None = None, chat_id: int | None = None,
                    username: str | None = None) -> None:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Test"}
        if language_code:
            user["language_code"] = language_code
        if username:
            user["username"] = username
        chat = chat_id if chat_id is not None else user_id
        message = {"message_id": message_id, "date": int(time.time()),
                   "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup"},
                   "from": BOT_USER, "text": "…"}
        self._push({"callback_query": {"id": str(next(self._ids)), "from": user,
                                       "chat_instance": "ci", "message": message, "data": data}})

    def sent(self, chat_id: int | None = None, method: str = "sendMessage",
             failed: bool = False, where: Callable[[Call], bool] | None = None) -> list[Call]:
        """Calls of `method` that succeeded (or, with `failed`, also those that did not),
        and, with `where`, that it accepts."""
        return [c for c in self.calls if c.method == method
                and (failed or c.status == 200)
                and (chat_id is None or c.params.get("chat_id") == chat_id)
                and (where is None or where(c))]

    async def wait_for(self, method: str, count: int = 1, chat_id: int | None = None,
                       timeout: float = 10.0, failed: bool = False,
                       where: Callable[[Call], bool] | None = None) -> list[Call]:
        """Wait until at least `count` calls of `method` (to `chat_id`) have arrived."""
        assert self._changed is not None
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(
                    lambda: len(self.sent(chat_id, method, failed, where)) >= count),
                timeout,
            )
        return self.sent(chat_id, method, failed, where)

    # -- the HTTP side ----------------------------------------------------------------

    def _push(self, update: dict[str, Any]) -> None:
        update["update_id"] = next(self._ids)
        self.updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401,
                                      "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params)
        if self.fault is not None and (failure := self.fault(method, params)) is not None:
            status, description = failure
            call.status = status
            self.calls.append(call)
            await self._notify()
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
            if status == 429:
                body["parameters"] = {"retry_after": 1}
            return web.json_response(body, status=status)
        if method != "getUpdates":
            if self.latency:
                await asyncio.sleep(self.latency)
            self.calls.append(call)
            await self._notify()
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404,
                                      "description": "Not Found: method not found"}, status=404)
        try:
            result = await handler(params)
        except _Refused as refused:
            call.status = refused.status
            return web.json_response({"ok": False, "error_code": refused.status,
                                      "description": refused.description},
                                     status=refused.status)
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            data = await request.json()
            if not isinstance(data, dict):
                return {}
            # Telegram takes an id as a JSON number or as a string of one.
            return {key: int(value) if key in _INT_FIELDS and isinstance(value, str)
                    and value.lstrip("-").isdigit() else value for key, value in data.items()}
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if not isinstance(value, str):
                continue
            if key in _JSON_FIELDS:
                params[key] = json.loads(value)
            elif key in _INT_FIELDS:
                params[key] = int(value)
            else:
                params[key] = value
        return params

    async def _m_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_setWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_setMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset", 0))
        timeout = min(float(params.get("timeout", 0)), 1.0)
        assert self._changed is not None

        # As on Telegram, asking with an offset confirms every update before it for good.
        self.updates = [u for u in self.updates if u["update_id"] >= offset]

        wanted = params.get("allowed_updates") or None  # like Telegram: [] or absent = all

        def pending() -> list[dict[str, Any]]:
            return [u for u in self.updates if u["update_id"] >= offset
                    and (wanted is None or any(kind in u for kind in wanted))]

        if not pending() and timeout > 0:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(pending())),
                                           timeout)
        return pending()

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params["chat_id"]
        chat: dict[str, Any] = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        message: dict[str, Any] = {
            "message_id": params.get("message_id") or next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
            "text": params.get("text", ""),
        }
        if "inline_keyboard" in (params.get("reply_markup") or {}):
            message["reply_markup"] = params["reply_markup"]  # Telegram echoes only these
        if "message_thread_id" in params:
            message["message_thread_id"] = params["message_thread_id"]
            message["is_topic_message"] = True
        return message

    async def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        message = self._message(params)
        params["message_id"] = message["message_id"]  # so tests can reply to it
        self.shown[params["chat_id"], message["message_id"]] = self._content(params)
        return message

    @staticmethod
    def _content(params: dict[str, Any]) -> tuple[str, Any]:
        return params.get("text", ""), (params.get("reply_markup") or {}).get("inline_keyboard")

    async def _m_getChat(self, params: dict[str, Any]) -> Any:
        chat_id = params["chat_id"]
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Test",
                    "accent_color_id": 0, "max_reaction_count": 11}
        return {"id": chat_id, "type": "supergroup", "title": "Advisers", "is_forum": self.forum,
                "accent_color_id": 0, "max_reaction_count": 11}

    async def _m_createForumTopic(self, params: dict[str, Any]) -> Any:
        return {"message_thread_id": next(self._topics), "name": params.get("name", ""),
                "icon_color": 7322096}

    async def _m_copyMessage(self, params: dict[str, Any]) -> Any:
        return {"message_id": next(self._message_ids)}

    async def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        key = (params["chat_id"], params["message_id"])
        if self.shown.get(key) == self._content(params):
            raise _Refused(400, "Bad Request: message is not modified: specified new message "
                                "content and reply markup are exactly the same as a current "
                                "content and reply markup of the message")
        self.shown[key] = self._content(params)
        return self._message(params)

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        return self._message(params)

    def push_raw(self, update: dict[str, Any]) -> int:
        """Any update as Telegram would send it (without update_id); returns its update id."""
        self._push(update)
        return int(update["update_id"])
