"""Webhook mode: Telegram pushes updates to our HTTPS endpoint instead of being polled.

Behind a reverse proxy that terminates TLS, this serves three paths:
`POST /telegram` for updates (only with Telegram's secret-token header, compared in
constant time), `GET /healthz` (the process is alive) and `GET /readyz` (the bot is
initialised and its database answers), for a process supervisor or load balancer.
The webhook is registered at start and left in place at shutdown, so Telegram keeps
updates queued while the bot restarts; an update is acknowledged only after it has been
handled, so one in progress when the process dies is delivered again.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
import signal
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.app import Neuvo
from bot.telegram.frontend import ALLOWED_UPDATES
from bot.telegram.inbox import Inbox

log = logging.getLogger(__name__)

UPDATES_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
App = Application[Any, Any, Any, Any, Any, Any]


def secret_token(configured: str | None) -> str:
    """The configured secret, or a fresh random one (set again at every start)."""
    return configured or secrets.token_urlsafe(32)


def make_web_app(application: App, neuvo: Neuvo, secret: str) -> web.Application:
    async def updates(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
            update = Update.de_json(data, application.bot)
        except Exception:  # malformed JSON or not an update: Telegram never sends these
            log.warning("ignored a malformed webhook request")
            return web.Response(status=400, text="bad request")
        # A retry of an update already stored (handled, or waiting to be handled after a
        # restart) is answered without handling it a second time.
        inbox: Inbox = application.bot_data["inbox"]
        if update is None or not await inbox.add(update):
            return web.Response(text="ok")
        # Answer only once the update is handled: if the bot dies meanwhile, Telegram gets
        # no 200 and delivers the update again, so nothing is lost in a crash.
        await application.update_processor.process_update(
            update, application.process_update(update))
        return web.Response(text="ok")

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def readyz(request: web.Request) -> web.Response:
        if not application.running:
            return web.Response(status=503, text="starting")
        try:
            await neuvo.conversation.storage.db.fetchone("SELECT 1")
        except Exception:
            return web.Response(status=503, text="database unavailable")
        return web.Response(text="ready")

    web_app = web.Application(client_max_size=1024 * 1024)
    web_app.router.add_post(UPDATES_PATH, updates)
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/readyz", readyz)
    return web_app


class WebhookServer:
    """Start and stop the Application and its webhook endpoint together."""

    def __init__(self, application: App, neuvo: Neuvo, public_url: str, host: str, port: int,
                 secret: str) -> None:
        self.application = application
        self.neuvo = neuvo
        self.public_url = public_url.rstrip("/")
        self.host = host
        self.port = port
        self.secret = secret
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = self.application
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        self._runner = web.AppRunner(make_web_app(app, self.neuvo, self.secret),
                                     access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        await app.bot.set_webhook(
            self.public_url + UPDATES_PATH,
            secret_token=self.secret,
            allowed_updates=ALLOWED_UPDATES,
        )
        log.info("webhook listening on %s:%s for %s", self.host, self.port, self.public_url)

    async def stop(self) -> None:
        """Stop taking updates, finish those in progress, then close everything."""
        if self._runner is not None:
            await self._runner.cleanup()
        app = self.application
        await app.stop()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
        await app.shutdown()


async def serve_until_stopped(server: WebhookServer) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await server.start()
    try:
        await stop.wait()
    finally:
        await server.stop()
