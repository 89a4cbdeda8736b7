"""The aiohttp transport: what it sends, and the library's errors for what goes wrong."""

from __future__ import annotations

import asyncio
import io
import socket
import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import certifi
import pytest
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.transport import AiohttpRequest, trusted_certificates


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []

    async def handle(request: web.Request) -> web.Response:
        if request.match_info["method"] == "slow":
            await asyncio.sleep(0.6)
        fields: dict[str, Any]
        if request.content_type == "application/json":
            fields = {"json": await request.json()}
        else:
            form = await request.post()
            fields = {key: value if isinstance(value, str) else value.file.read()
                      for key, value in form.items()}
        seen.append({"user_agent": request.headers.get("User-Agent", ""),
                     "content_type": request.content_type, **fields})
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/{method}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", seen
    await runner.cleanup()


def _data(**params: object) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in params.items()])


async def test_json_without_files_and_multipart_with(
        server: tuple[str, list[dict[str, Any]]]) -> None:
    base, seen = server
    request = AiohttpRequest(4)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Kela", callback_data="fi:kela")]])
    async with request:
        status, body = await request.do_request(
            f"{base}/sendMessage", "POST",
            _data(chat_id=7, text="hei ä <b>", reply_markup=keyboard))
        assert (status, body) == (200, b'{"ok": true, "result": true}')
        document = InputFile(io.BytesIO(b"%PDF-1.4 tiny"), filename="lomake.pdf")
        await request.do_request(f"{base}/sendDocument", "POST",
                                 _data(chat_id=7, document=document))
    # The Bot API's JSON: numbers as numbers, objects as objects (not JSON in a string).
    assert seen[0]["content_type"] == "application/json"
    assert seen[0]["json"] == {
        "chat_id": 7, "text": "hei ä <b>",
        "reply_markup": {"inline_keyboard": [[{"text": "Kela", "callback_data": "fi:kela"}]]}}
    assert seen[0]["user_agent"].startswith("python-telegram-bot")
    assert seen[1]["content_type"] == "multipart/form-data"
    assert seen[1]["chat_id"] == "7"
    assert b"%PDF-1.4 tiny" in seen[1].values()


async def test_a_slow_answer_is_a_timeout(server: tuple[str, list[dict[str, Any]]]) -> None:
    base, _ = server
    async with AiohttpRequest(1, read_timeout=0.2) as request:
        with pytest.raises(TimedOut):
            await request.do_request(f"{base}/slow", "POST", _data(chat_id=1))
        # A call may ask for longer than the default, as a long poll does.
        status, _ = await request.do_request(f"{base}/slow", "POST", _data(chat_id=1),
                                             read_timeout=3)
        assert status == 200


async def test_nobody_listening_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with AiohttpRequest(1) as request:
        with pytest.raises(NetworkError) as caught:
            await request.do_request(f"http://127.0.0.1:{port}/getMe", "POST")
        assert not isinstance(caught.value, TimedOut)


async def test_it_can_be_used_again_after_shutdown(
        server: tuple[str, list[dict[str, Any]]]) -> None:
    base, seen = server
    request = AiohttpRequest(1)
    for _ in range(2):  # the Application initialises and shuts down its requests
        await request.initialize()
        await request.do_request(f"{base}/getMe", "POST")
        await request.shutdown()
    assert len(seen) == 2
    with pytest.raises(RuntimeError):
        await request.do_request(f"{base}/getMe", "POST")


def test_certificates_are_verified_against_a_known_bundle(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    bundled = trusted_certificates()
    assert bundled.verify_mode == ssl.CERT_REQUIRED and bundled.check_hostname
    assert bundled.cert_store_stats()["x509_ca"] > 50  # certifi's bundle, not an empty store
    bundle = Path(certifi.where()).read_text()
    end = "-----END CERTIFICATE-----"
    one = tmp_path / "one.pem"
    one.write_text(bundle[bundle.index("-----BEGIN CERTIFICATE-----"):bundle.index(end)]
                   + end + "\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(one))  # an operator's own CA file wins
    assert trusted_certificates().cert_store_stats()["x509_ca"] == 1


async def test_proxy_variables_are_honoured(
        server: tuple[str, list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain-HTTP forward proxy that answers every request itself, so a request that
    reached the Bot API stand-in did not go through it."""
    base, seen = server
    proxied: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(next((line.split(b":", 1)[1] for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), b"0"))
        await reader.readexactly(length)
        proxied.append(head.split(b"\r\n", 1)[0])
        body = b'{"ok": true, "result": "via proxy"}'
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n"
                     b"Content-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        writer.close()

    proxy_server = await asyncio.start_server(proxy, "127.0.0.1", 0)
    proxy_port = proxy_server.sockets[0].getsockname()[1]
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy_port}")
    try:
        request = AiohttpRequest(2)
        async with request:
            for _ in range(2):  # looked up once, used for every request to the host
                status, body = await request.do_request(f"{base}/getMe", "POST")
                assert (status, body) == (200, b'{"ok": true, "result": "via proxy"}')
        assert proxied == [f"POST {base}/getMe HTTP/1.1".encode()] * 2 and not seen

        monkeypatch.setenv("no_proxy", "127.0.0.1")
        async with request:  # a new session looks the variables up again
            _, body = await request.do_request(f"{base}/getMe", "POST")
        assert body == b'{"ok": true, "result": true}' and len(seen) == 1
        assert len(proxied) == 2
    finally:
        proxy_server.close()
        await proxy_server.wait_closed()
