"""Run Neuvo: the Telegram bot, or the console chat when there is no token.

    python run_bot.py             # Telegram (long polling) if TELEGRAM_BOT_TOKEN is set
    python run_bot.py --webhook https://bot.example.org --listen 127.0.0.1:8080
    python run_bot.py --console   # the console chat on the bundled content
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from dataclasses import replace

from bot.app import Neuvo
from bot.config import Settings
from bot.content.yamlfile import ContentInvalid
from bot.i18n.languages import LANGUAGES
from bot.storage.storage import MEMORY


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the Neuvo bot.")
    parser.add_argument("--console", action="store_true",
                        help="chat in this terminal (one message per line; #N presses a button)")
    parser.add_argument("--lang", choices=LANGUAGES, help="console: preset the user's language")
    parser.add_argument("--db", help="the SQLite file, its key file beside it (default: "
                                     "$NEUVO_DB; the console chat: in memory, forgotten "
                                     "at exit)")
    parser.add_argument("--webhook", metavar="URL",
                        help="receive updates by webhook at this public HTTPS base URL "
                             "(Telegram posts to URL/telegram) instead of long polling")
    parser.add_argument("--listen", metavar="HOST:PORT", default="127.0.0.1:8080",
                        help="webhook: where the local HTTP server listens "
                             "(default 127.0.0.1:8080, behind a TLS reverse proxy)")
    args = parser.parse_args()
    try:
        settings = Settings.from_env(db_path=args.db)
    except ValueError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        if args.console or not settings.token:
            if not args.console:
                print("TELEGRAM_BOT_TOKEN is not set, so this is the console chat on the "
                      f"content in {settings.content_dir}/.", file=sys.stderr)
            from bot.console.chat import START_HINT

            print(START_HINT, file=sys.stderr)
            return asyncio.run(run_console(settings, args.lang, args.db))
        return run_telegram(settings, args.webhook, args.listen)
    except ContentInvalid as exc:
        print(f"The content in {settings.content_dir}/ has errors; fix them first:\n{exc}",
              file=sys.stderr)
        return 1


async def run_console(settings: Settings, lang: str | None, db: str | None) -> int:
    from bot.console.chat import ConsoleChat

    # The console's advisers' group is this terminal: posts to it are printed as such.
    neuvo = Neuvo(settings if db else replace(settings, db_path=MEMORY), handoff=True)
    await neuvo.initialize()
    try:
        await ConsoleChat(neuvo.conversation, sys.stdout, lang).run(sys.stdin)
    finally:
        await neuvo.shutdown()
    return 0


def run_telegram(settings: Settings, webhook: str | None, listen: str) -> int:
    from bot.telegram.frontend import ALLOWED_UPDATES, build_application

    assert settings.token is not None
    neuvo = Neuvo(settings, handoff=settings.adviser_chat_id is not None)
    application = build_application(neuvo, settings)
    if webhook is None:
        # Long polling; SIGTERM/SIGINT stop it after the updates in progress are handled.
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
        return 0
    from bot.telegram.webhook import WebhookServer, secret_token, serve_until_stopped

    host, _, port = listen.rpartition(":")
    if not port.isdigit() or not webhook.startswith("https://"):
        print("Use --webhook https://… and --listen HOST:PORT", file=sys.stderr)
        return 2
    server = WebhookServer(application, neuvo, webhook, host or "127.0.0.1", int(port),
                           secret_token(os.environ.get("TELEGRAM_WEBHOOK_SECRET")))
    asyncio.run(serve_until_stopped(server))
    return 0


if __name__ == "__main__":
    sys.exit(main())
