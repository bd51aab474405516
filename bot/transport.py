"""Talking to the Bot API through bad weather: a request layer that retries what is safe.

PTB hands a failed `sendMessage` inside a handler to the error handler, and the update is
confirmed anyway, so without retries a reply that met a 500 or a 429 would simply be lost.
`RetryingRequest` wraps the Bot API request (bot.aiohttp_request) and repeats a call, with
bounded attempts and exponential backoff (429: after Telegram's `retry_after`), when
repeating cannot send twice:

    retried for every method
        429 Too Many Requests           Telegram refused the call
        500, 503 and other 5xx          Telegram answered that it failed
        connection refused / connect    the request never left
        timeout / pool timeout
    retried only for calls that are harmless to repeat (edits, callback answers, chat
    actions, getMe, setMyCommands...), never for sends (sendMessage and the like)
        read timeout, connection dropped before an answer, 502 and 504
            the request may have reached Telegram: repeating a send could post it twice

So a send is delivered at most once. The ambiguous case (Telegram accepted the message but
the answer never came back) cannot be told apart from a request that was lost on the way,
as the Bot API has no idempotency key; the bot logs it and does not guess. Sends get a long
read timeout so that a slow Telegram does not turn into that ambiguous case. getUpdates is
not wrapped: PTB's polling loop already retries it, and unconfirmed updates are redelivered.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

from .aiohttp_request import NEVER_SENT, AiohttpRequest

log = logging.getLogger(__name__)

# Calls that create something each time they succeed; everything else may be repeated.
_CREATES_SOMETHING = re.compile(r"^(send(?!chataction)|forward|copy)", re.IGNORECASE)
# Gateway errors: the upstream may have processed the call before the gateway gave up.
_AMBIGUOUS_STATUS = frozenset({502, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 8  # in all, the first included
    first_delay: float = 0.5  # then doubled at each attempt...
    max_delay: float = 10.0  # ...up to this (about 45 s of trying in all)
    max_retry_after: float = 60.0  # a longer 429 wait is given up at once
    jitter: float = 0.1  # spread retries of many concurrent calls by up to 10 %

    def backoff(self, attempt: int) -> float:
        delay = min(self.first_delay * 2 ** (attempt - 1), self.max_delay)
        return delay * (1 + random.uniform(0, self.jitter))


@dataclass(frozen=True)
class Timeouts:
    """Seconds; sends get a long read timeout (see the module docstring)."""

    connect: float = 5.0
    read: float = 20.0
    pool: float = 5.0


DEFAULT_TIMEOUTS = Timeouts()
DEFAULT_POLICY = RetryPolicy()


def may_repeat(endpoint: str) -> bool:
    """Whether sending the call twice has the same effect as once."""
    return not _CREATES_SOMETHING.match(endpoint)


class LayeredRequest(BaseRequest):
    """A `BaseRequest` over an inner one: the layers that add a behaviour to Bot API calls
    (retries here, the journal's barrier in bot.update_queue, the 409 watch in bot.conflict)
    override `do_request` alone."""

    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(self, *args, **kwargs) -> tuple[int, bytes]:
        return await self._inner.do_request(*args, **kwargs)


class RetryingRequest(LayeredRequest):
    """A `BaseRequest` that retries the calls of an inner one (see the module docstring)."""

    def __init__(
        self,
        inner: BaseRequest,
        policy: RetryPolicy = DEFAULT_POLICY,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(inner)
        self._policy = policy
        self._sleep = sleep

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
        endpoint = url.rsplit("/", 1)[-1]  # never log the URL: it holds the token
        repeatable = may_repeat(endpoint)
        policy = self._policy
        for attempt in range(1, policy.attempts + 1):
            last = attempt == policy.attempts
            try:
                code, payload = await self._inner.do_request(
                    url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
                )
            except NetworkError as exc:
                never_sent = isinstance(exc.__cause__, NEVER_SENT)
                if last or not (never_sent or repeatable):
                    if not never_sent and not repeatable:
                        log.warning("%s may or may not have been delivered (%s); not repeated", endpoint, exc)
                    raise
                delay, reason = policy.backoff(attempt), str(exc) or type(exc).__name__
            else:
                if code == 429:
                    delay = _retry_after(payload)
                    if last or delay is None or delay > policy.max_retry_after:
                        return code, payload
                    delay, reason = delay + 0.1, f"429, retry after {delay:g} s"
                elif code >= 500 and not last and (repeatable or code not in _AMBIGUOUS_STATUS):
                    delay, reason = policy.backoff(attempt), f"HTTP {code}"
                else:
                    return code, payload
            log.warning(
                "%s failed (%s); attempt %d of %d in %.1f s", endpoint, reason, attempt + 1, policy.attempts, delay
            )
            await self._sleep(delay)
        raise AssertionError("unreachable")  # the last attempt returns or raises


def _retry_after(payload: bytes) -> float | None:
    try:
        value = json.loads(payload)["parameters"]["retry_after"]
    except (ValueError, KeyError, TypeError):
        return None
    return float(value) if isinstance(value, (int, float)) else None


def build_request(timeouts: Timeouts | None = None, policy: RetryPolicy | None = None) -> RetryingRequest:
    """The request object for every Bot API call but getUpdates."""
    timeouts = timeouts or DEFAULT_TIMEOUTS
    inner = AiohttpRequest(
        connection_pool_size=256,  # as PTB's default: one per concurrently handled update
        connect_timeout=timeouts.connect,
        read_timeout=timeouts.read,
        pool_timeout=timeouts.pool,
    )
    return RetryingRequest(inner, policy or DEFAULT_POLICY)


def build_get_updates_request() -> AiohttpRequest:
    """The request object for getUpdates, not retried (see the module docstring); with
    PTB's defaults for it: one connection, 5 s beyond the long poll's own timeout."""
    return AiohttpRequest(connection_pool_size=1)
