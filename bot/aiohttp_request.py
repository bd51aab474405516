"""PTB's `BaseRequest` on aiohttp's client, in place of its default `HTTPXRequest`.

Why: besides the model, the bot's CPU per message went mostly to its Bot API calls, and
httpx spends several times more of it per call than aiohttp (`python benchmarks/http_clients.py`
measures both against a local server). httpcore also checks every pooled connection with
two system calls before each request, so its cost grows with the connections a busy bot
keeps open, while aiohttp parses HTTP in C and learns of a closed connection from the
event loop.

Errors are raised as PTB's, with aiohttp's exception as the cause, so that
`bot.transport.RetryingRequest` can tell a request that never left (NEVER_SENT) from one
that may have reached Telegram:

    TimedOut      aiohttp.ConnectionTimeoutError   no connection in time (pool or connect): never sent
                  aiohttp.SocketTimeoutError       no answer in time: may have been processed
    NetworkError  aiohttp.ClientConnectorError     the connection was refused or failed: never sent
                  any other aiohttp.ClientError    dropped or reset on the way: may have been processed
"""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# The request certainly did not reach the server.
NEVER_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


class AiohttpRequest(BaseRequest):
    """Bot API calls over one aiohttp session with a pool of keep-alive connections.

    Timeouts in seconds, as `HTTPXRequest` takes them: `connect` for opening a connection,
    `pool` for waiting for a free one (aiohttp counts the two together), `read` for the
    answer (between two reads of it). aiohttp has no write timeout: a Bot API request body
    is small, so `write_timeout` is accepted and ignored.

    A proxy is taken from the environment (HTTPS_PROXY, NO_PROXY and the like), as httpx
    does, but looked up once per server: aiohttp's own `trust_env` looks for a .netrc file
    in a worker thread at every request.
    """

    def __init__(
        self,
        connection_pool_size: int = 256,
        *,
        connect_timeout: float | None = 5.0,
        read_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._pool_timeout = pool_timeout
        # Made in initialize(): an aiohttp session belongs to the event loop it was made in.
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}  # (scheme, host) -> proxy URL

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}, trust_env=False
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=BaseRequest.DEFAULT_NONE,
        write_timeout=BaseRequest.DEFAULT_NONE,
        connect_timeout=BaseRequest.DEFAULT_NONE,
        pool_timeout=BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        connect = self._connect_timeout if connect_timeout is BaseRequest.DEFAULT_NONE else connect_timeout
        pool = self._pool_timeout if pool_timeout is BaseRequest.DEFAULT_NONE else pool_timeout
        read = self._read_timeout if read_timeout is BaseRequest.DEFAULT_NONE else read_timeout
        timeout = aiohttp.ClientTimeout(
            total=None, connect=_sum_or_none(connect, pool), sock_connect=connect, sock_read=read
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout, proxy=self._proxy_for(url)
            ) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as exc:
            raise TimedOut("Timed out waiting for a connection: the request was not sent") from exc
        except aiohttp.ServerTimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            # The class name says what happened when the message is empty (as PTB's own does).
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    def _proxy_for(self, url: str) -> str | None:
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            bypass = not parts.hostname or urllib.request.proxy_bypass(parts.hostname)
            self._proxies[key] = None if bypass else urllib.request.getproxies().get(parts.scheme)
        return self._proxies[key]


def _body(request_data: RequestData | None) -> dict[str, str] | aiohttp.FormData | None:
    """The form PTB's parameters travel in: URL-encoded, or multipart when files are sent."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        return request_data.json_parameters
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form


def _sum_or_none(first: float | None, second: float | None) -> float | None:
    return None if first is None or second is None else first + second
