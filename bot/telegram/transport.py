"""Talking HTTP to the Bot API with aiohttp instead of python-telegram-bot's default httpx.

python-telegram-bot leaves the HTTP library to a `BaseRequest` implementation and ships one
for httpx. Measured with benchmarks/load.py against the local stand-in, that one cost
1.4 ms of CPU per Bot API call with a few calls in flight and 3.4 ms with 64 (its
connection pool checks every pooled connection on every request), more than everything
Neuvo itself does for a question. aiohttp, which the webhook server already uses, costs
0.4-0.7 ms and gets cheaper, not dearer, as more calls overlap. The library's maintainers
keep an aiohttp implementation in ptbcontrib, which is not published on PyPI; this is our
own, with the same timeouts and errors as the httpx one, so retries, flood control and
the outbox behave the same (tests/telegram/test_faults.py runs through it).
"""

from __future__ import annotations

import json
import os
import ssl

import aiohttp
import certifi
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

#: python-telegram-bot's own defaults for HTTPXRequest, in seconds.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_TIMEOUT = 20.0

#: A proxy for a host, and its credentials; (None, None) for a direct connection.
_Proxy = tuple[URL | None, aiohttp.BasicAuth | None]


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a pool of up to `connection_pool_size` connections.

    aiohttp has no separate write timeout: `write_timeout` is accepted and ignored, and a
    request with files may take `media_timeout` to read its answer instead.
    """

    def __init__(self, connection_pool_size: int = 1,
                 connect_timeout: float | None = CONNECT_TIMEOUT,
                 read_timeout: float | None = READ_TIMEOUT,
                 pool_timeout: float | None = POOL_TIMEOUT,
                 media_timeout: float | None = MEDIA_TIMEOUT) -> None:
        self.connection_pool_size = connection_pool_size
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._pool_timeout = pool_timeout
        self._media_timeout = media_timeout
        self.ssl_context = trusted_certificates()
        # Made in initialize(): a session belongs to the event loop it was made in.
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], _Proxy] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connection_pool_size,
                                               ssl=self.ssl_context),
                headers={"User-Agent": self.USER_AGENT},
                # Each request sets its own timeouts; no total, so long polls can last.
                timeout=aiohttp.ClientTimeout(total=None),
            )
            self._proxies.clear()

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        has_files = request_data is not None and request_data.contains_files
        default_read = self._media_timeout if has_files else self._read_timeout
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=_given(pool_timeout, self._pool_timeout),
            sock_connect=_given(connect_timeout, self._connect_timeout),
            sock_read=_given(read_timeout, default_read),
        )
        proxy, proxy_auth = self._proxy_for(URL(url))
        try:
            data, headers = _body(request_data)
            async with self._session.request(method, url, data=data, headers=headers,
                                             timeout=timeout, proxy=proxy,
                                             proxy_auth=proxy_auth) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts are TimeoutError subclasses
            raise TimedOut(f"aiohttp: {type(exc).__name__}") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


    def _proxy_for(self, url: URL) -> _Proxy:
        """HTTPS_PROXY / HTTP_PROXY / NO_PROXY, honoured as the httpx request does, looked up
        once per host. aiohttp's own `trust_env=True` looks them up, and reads ~/.netrc, in
        two worker-thread trips per request: a quarter of the bot's CPU at 400 updates/s."""
        key = (url.scheme, url.host or "")
        if key not in self._proxies:
            try:
                self._proxies[key] = get_env_proxy_for_url(url)
            except LookupError:
                self._proxies[key] = (None, None)
        return self._proxies[key]


def trusted_certificates() -> ssl.SSLContext:
    """The CA certificates the httpx request trusts too: SSL_CERT_FILE or SSL_CERT_DIR when
    set, else certifi's bundle, so a server without system CA certificates still verifies
    api.telegram.org."""
    file, directory = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
    if file or directory:
        return ssl.create_default_context(cafile=file or None, capath=directory or None)
    return ssl.create_default_context(cafile=certifi.where())


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """The timeout a call asked for, or ours (the library marks "not given" with a
    DefaultValue, as its httpx request also checks)."""
    if isinstance(value, DefaultValue):
        return default
    return value


_JSON = {"Content-Type": "application/json"}


def _body(request_data: RequestData | None
          ) -> tuple[aiohttp.FormData | bytes | None, dict[str, str] | None]:
    """The request's body and its headers: JSON, which the Bot API accepts for every method
    without files, or multipart with files. python-telegram-bot's httpx request sends form
    fields instead; urlencoding them byte by byte in Python cost about 4 % of the event
    loop's time for the long, mostly non-ASCII answers this bot sends."""
    if request_data is None:
        return None, None
    if not request_data.contains_files:
        # `parameters`, not `json_payload`, which nests every value as a JSON string.
        return json.dumps(request_data.parameters, ensure_ascii=False).encode(), _JSON
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form, None
