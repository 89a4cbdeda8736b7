"""Webhook mode: updates pushed over HTTP with the secret token, plus health endpoints."""

from __future__ import annotations

import socket
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp

from bot.telegram.frontend import build_application
from bot.telegram.webhook import SECRET_HEADER, UPDATES_PATH, WebhookServer
from tests.botapi import BotApiStandIn
from tests.conftest import make_neuvo, make_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def webhook_server(standin: BotApiStandIn, tmp_path: Path) -> tuple[WebhookServer, str]:
    """Neuvo's webhook server on a free local port, with secret "s3cret", and its address."""
    settings = replace(make_settings(tmp_path), token=standin.token, base_url=standin.base_url)
    neuvo = make_neuvo(settings, handoff=False)
    port = free_port()
    server = WebhookServer(build_application(neuvo, settings), neuvo,
                           "https://bot.example.org/", "127.0.0.1", port, "s3cret")
    return server, f"http://127.0.0.1:{port}"


def update(update_id: int, text: str) -> dict[str, Any]:
    user = {"id": 4242, "is_bot": False, "first_name": "W", "language_code": "fi"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text, "from": user,
        "chat": {"id": 4242, "type": "private"}}}


async def test_webhook_delivers_updates_and_checks_the_secret(standin: BotApiStandIn,
                                                              tmp_path: Path) -> None:
    server, base = webhook_server(standin, tmp_path)
    await server.start()
    try:
        [hook] = standin.sent(method="setWebhook")
        assert hook.params["url"] == "https://bot.example.org/telegram"
        assert hook.params["secret_token"] == "s3cret"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200
            async with http.get(f"{base}/readyz") as response:
                assert response.status == 200
            async with http.post(f"{base}{UPDATES_PATH}", json=update(1, "/help"),
                                 headers={SECRET_HEADER: "wrong"}) as response:
                assert response.status == 403
            async with http.post(f"{base}{UPDATES_PATH}", json=update(2, "Kela-kortti?")) as r:
                assert r.status == 403  # no header at all
            async with http.post(f"{base}{UPDATES_PATH}", data=b"{not json",
                                 headers={SECRET_HEADER: "s3cret"}) as response:
                assert response.status == 400
            async with http.post(f"{base}{UPDATES_PATH}",
                                 json=update(3, "Miten saan Kela-kortin?"),
                                 headers={SECRET_HEADER: "s3cret"}) as response:
                assert response.status == 200
        [reply] = await standin.wait_for("sendMessage", chat_id=4242)
        assert "Kela-kortti" in reply.params["text"]
    finally:
        await server.stop()
    assert standin.sent(method="deleteWebhook") == []  # left in place across restarts


async def test_an_update_delivered_twice_is_answered_once(standin: BotApiStandIn,
                                                          tmp_path: Path) -> None:
    server, base = webhook_server(standin, tmp_path)
    await server.start()
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(2):  # Telegram retries when it did not see the first answer
                async with http.post(f"{base}{UPDATES_PATH}",
                                     json=update(7, "/help"),
                                     headers={SECRET_HEADER: "s3cret"}) as response:
                    assert response.status == 200
            async with http.post(f"{base}{UPDATES_PATH}",
                                 json=update(8, "Miten saan Kela-kortin?"),
                                 headers={SECRET_HEADER: "s3cret"}) as response:
                assert response.status == 200
        sent = await standin.wait_for("sendMessage", count=2, chat_id=4242)
        assert len(sent) == 2 and "Kela-kortti" in sent[1].params["text"]
    finally:
        await server.stop()
