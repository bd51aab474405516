"""HTTP side of the fake Bot API: routing, request decoding, fault injection,
pause/resume, and a small control API for out-of-process drivers.

The real python-telegram-bot ``Application`` talks to it over real sockets, so
tests exercise PTB's request, retry and polling code exactly as in production.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from aiohttp import web

from .actions import UserActions
from .api_support import ApiError
from .methods import BotApiMethods
from .state import Call, to_json

# Params that are strings even when they look like numbers/JSON ("123", "true").
STRING_PARAMS = frozenset(
    "text caption query description short_description next_offset callback_query_id "
    "inline_query_id inline_message_id parse_mode action url secret_token language_code "
    "ip_address business_connection_id message_effect_id title custom_title emoji "
    "switch_pm_text switch_pm_parameter".split()
)
_LOGGER = logging.getLogger(__name__)
_INT_RE = re.compile(r"-?\d+")
_FLOAT_RE = re.compile(r"-?\d+\.\d+")


# A dropped call: the connection is closed without an answer, before the method ran
# ("before": the request was lost on the way) or after ("after": the answer was lost).
DROPPED = -1  # the error_code a call dropped "before" is recorded with
DROP_MODES = ("before", "after")
CONFLICT_DESCRIPTION = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)


@dataclass
class Fault:
    """Make the next ``remaining`` matching calls slow and/or fail."""

    method: str | None
    status: int | None
    retry_after: int | None
    remaining: int
    delay: float | None
    drop: str | None = None

    def matches(self, method: str) -> bool:
        return self.remaining > 0 and (self.method is None or self.method.lower() == method.lower())

    def error(self) -> ApiError | None:
        if not self.status:
            return None
        if self.status == 429:
            wait = self.retry_after or 1
            return ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        if self.status == 409:  # what Telegram says when two processes poll one bot
            return ApiError(409, CONFLICT_DESCRIPTION)
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "Error"
        return ApiError(self.status, phrase)


class FakeBotApi(UserActions):
    """A local Telegram Bot API server for end-to-end tests and benchmarks.

    Point PTB at it with ``.base_url(f"{api.api_root}/bot")`` and
    ``.base_file_url(f"{api.api_root}/file/bot")``.
    """

    def __init__(
        self,
        token: str = "123:ABC",
        bot_username: str = "clubhouse_qa_bot",
        bot_first_name: str = "Clubhouse QA",
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        strict_chats: bool = False,
    ) -> None:
        super().__init__(token, bot_username, bot_first_name, strict_chats=strict_chats)
        self.host = host
        self.port = port
        self.methods = BotApiMethods(self)
        self._faults: list[Fault] = []
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._closing = asyncio.Event()

    # ---- lifecycle ----------------------------------------------------------------

    @property
    def api_root(self) -> str:
        """``http://host:port`` -- the value for the bot's TELEGRAM_API_URL setting."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> FakeBotApi:
        self._closing = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_bot_api)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_not_found)
        for name in CONTROL_ENDPOINTS:
            app.router.add_route("*", f"/_test/{name}", self._handle_control)
        app.router.add_route("*", "/{tail:.*}", self._handle_not_found)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await self._listen()
        return self

    async def stop(self) -> None:
        """Stop serving; wakes any long poll so shutdown is immediate."""
        self._closing.set()
        self._end_long_poll()
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = self._site = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def pause(self) -> None:
        """Simulate Telegram being unreachable: stop listening (connection refused)
        and drop open keep-alive connections, including in-flight long polls."""
        if self._site is None:
            return
        await self._site.stop()
        self._site = None
        assert self._runner is not None and self._runner.server is not None
        for connection in self._runner.server.connections:
            connection.force_close()
        self._end_long_poll()

    async def resume(self) -> None:
        """Listen again on the same port after :meth:`pause`."""
        if self._site is None and self._runner is not None:
            await self._listen()

    async def _listen(self) -> None:
        assert self._runner is not None
        self._site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await self._site.start()
        self.port = self._runner.addresses[0][1]  # learn the OS-assigned port once

    def _end_long_poll(self) -> None:
        if self.active_poll:
            self.active_poll.terminated = "closing"
            self.notify()

    # ---- fault injection --------------------------------------------------------------

    def inject_faults(
        self,
        method: str | None = None,
        status: int | None = None,
        retry_after: int | None = None,
        count: int = 1,
        delay: float | None = None,
        drop: str | None = None,
    ) -> None:
        """The next ``count`` calls (of ``method``, or any) fail with ``status``
        (500 if neither status, delay nor drop is given; 429 carries retry_after; 409
        says what Telegram says to a second process polling the same bot),
        are answered only after ``delay`` seconds, and/or lose their connection:
        ``drop="before"`` closes it without running the method (recorded with
        error_code DROPPED), ``drop="after"`` runs the method, then closes it
        without answering (recorded as a success: the chat shows the result)."""
        if drop is not None and drop not in DROP_MODES:
            raise ValueError(f"drop must be one of {DROP_MODES}")
        if status is None and delay is None and drop is None:
            status = 500
        self._faults.append(Fault(method, status, retry_after, count, delay, drop))

    def clear_faults(self) -> None:
        self._faults.clear()

    async def _apply_fault(self, method: str) -> str | None:
        """Wait and/or raise as the next matching fault says; returns its drop mode."""
        fault = next((f for f in self._faults if f.matches(method)), None)
        if fault is None:
            return None
        fault.remaining -= 1
        self._faults = [f for f in self._faults if f.remaining > 0]
        if fault.delay:
            try:
                await asyncio.wait_for(self._closing.wait(), fault.delay)
            except TimeoutError:
                pass
        error = fault.error()
        if error:
            raise error
        return fault.drop

    # ---- Bot API handler -------------------------------------------------------------------

    async def _handle_bot_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _telegram_error(ApiError(401, "Unauthorized"))
        requested = request.match_info["method"]
        found = self.methods.lookup(requested)
        method = found[0] if found else requested
        call = Call(method=method, params={}, time=time.time())
        try:
            call.params = await read_params(request)
            drop = await self._apply_fault(method)
            if drop == "before":
                call.error_code = DROPPED
                return self._drop(request, call)
            if found is None:
                raise ApiError(404, "Not Found: method not found")
            call.result = await self.methods.call(found[1], call.params)
        except ApiError as error:
            return self._failed(call, error)
        except Exception as exc:  # a bug in the fake: say so loudly instead of a bare 500
            _LOGGER.exception("fake Bot API crashed in %s", method)
            crash = ApiError(500, f"Internal Server Error: the fake crashed: {exc!r}")
            return self._failed(call, crash)
        if drop == "after":
            return self._drop(request, call)
        self.record(call)
        return web.json_response({"ok": True, "result": call.result})

    def _drop(self, request: web.Request, call: Call) -> web.Response:
        """Close the connection without an answer (the client sees it disconnect)."""
        self.record(call)
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=HTTPStatus.INTERNAL_SERVER_ERROR)  # never reaches the client

    def _failed(self, call: Call, error: ApiError) -> web.Response:
        call.error_code = error.code
        self.record(call)
        return _telegram_error(error)

    async def _handle_not_found(self, request: web.Request) -> web.Response:
        return _telegram_error(ApiError(404, "Not Found"))

    # ---- control API ---------------------------------------------------------------------------

    async def _handle_control(self, request: web.Request) -> web.Response:
        """``/_test/<name>``: JSON body (or query) -> JSON answer; see CONTROL_ENDPOINTS."""
        name = request.path.rsplit("/", 1)[-1]
        body: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            body.update(await request.json())
        try:
            result = await getattr(self, f"_control_{name}")(body)
        except TimeoutError as exc:
            return web.json_response({"error": str(exc)}, status=408)
        except (TypeError, ValueError, KeyError) as exc:
            return web.json_response({"error": f"{type(exc).__name__}: {exc}"}, status=400)
        return web.json_response(result)

    async def _control_send_message(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"message": to_json(self.send_message(**body))}

    async def _control_edit_message(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"message": to_json(self.edit_message(**body))}

    async def _control_send_channel_post(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"message": to_json(self.send_channel_post(**body))}

    async def _control_press_button(self, body: dict[str, Any]) -> dict[str, Any]:
        """Body: message_id, chat_id, callback_data (+ user kwargs)."""
        message = body.pop("message", None) or body.pop("message_id")
        return {"callback_query_id": self.press_button(message, **body)}

    async def _control_inline_query(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"inline_query_id": self.inline_query(**body)}

    async def _control_calls(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        return [call.to_dict() for call in self.calls[int(body.get("after", 0)) :]]

    async def _control_messages(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        return self.messages(int(body["chat_id"]))

    async def _control_mark(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"mark": self.mark(), "pending_updates": self.pending_updates()}

    async def _control_wait_for_reply(self, body: dict[str, Any]) -> dict[str, Any]:
        after = body.get("after")
        call = await self.wait_for_reply(
            body["chat_id"], timeout=float(body.get("timeout", 10.0)),
            after=None if after is None else int(after),
        )  # fmt: skip
        return call.to_dict()

    async def _control_wait_for_call(self, body: dict[str, Any]) -> dict[str, Any]:
        timeout, after = float(body.get("timeout", 10.0)), int(body.get("after", 0))
        call = await self.wait_for_call(body["method"], timeout=timeout, after=after)
        return call.to_dict()

    async def _control_inject_faults(self, body: dict[str, Any]) -> dict[str, Any]:
        self.inject_faults(**body)
        return {"ok": True}


CONTROL_ENDPOINTS = (
    "send_message edit_message send_channel_post press_button inline_query calls messages "
    "mark wait_for_reply wait_for_call inject_faults"
).split()


async def read_params(request: web.Request) -> dict[str, Any]:
    """Merge query string and body (JSON, urlencoded or multipart) like Telegram does.

    PTB sends form fields whose values are JSON-encoded strings, so string values
    are decoded (ints, bools, objects) except for params that are text by nature.
    Uploaded files are recorded as ``{"filename", "size"}``.
    """
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON body must be an object")
            params.update(body)
        else:
            for key, value in (await request.post()).items():
                params[key] = value if isinstance(value, str) else _upload_summary(value)
    return {key: _coerce(key, value) for key, value in params.items()}


def _coerce(key: str, value: Any) -> Any:
    if not isinstance(value, str) or key in STRING_PARAMS:
        return value
    text = value.strip()
    if text in ("true", "false"):
        return text == "true"
    if _INT_RE.fullmatch(text):
        return int(text)
    if _FLOAT_RE.fullmatch(text):
        return float(text)
    if text[:1] in ("[", "{"):
        try:
            return json.loads(text)
        except ValueError:
            return value
    return value


def _upload_summary(field: web.FileField) -> dict[str, Any]:
    field.file.seek(0, 2)
    return {"filename": field.filename, "size": field.file.tell()}


def _telegram_error(error: ApiError) -> web.Response:
    return web.json_response(error.to_json(), status=error.code)
