"""The aiohttp Bot API request over real sockets: what arrives, and how each failure is
classified for the retry layer (sent or certainly not sent)."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.aiohttp_request import NEVER_SENT, AiohttpRequest


@contextlib.asynccontextmanager
async def http_server(handler):
    app = web.Application()
    app.router.add_post("/{method}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def raw_server(on_connection):
    """A TCP server that runs `on_connection(reader, writer)`: for answers HTTP never gives."""
    server = await asyncio.start_server(on_connection, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()


@contextlib.asynccontextmanager
async def started(request: AiohttpRequest):
    await request.initialize()
    try:
        yield request
    finally:
        await request.shutdown()


def form(**values) -> RequestData:
    return RequestData([RequestParameter(name, value, None) for name, value in values.items()])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_parameters_arrive_as_a_form_and_the_answer_comes_back():
    received = {}

    async def handler(request: web.Request) -> web.Response:
        received.update(await request.post(), agent=request.headers["User-Agent"])
        return web.Response(status=201, body=b'{"ok": true}')

    async with http_server(handler) as root, started(AiohttpRequest()) as request:
        status, body = await request.do_request(f"{root}/sendMessage", "POST", form(chat_id=42, text="Привет & <b>"))
    assert (status, body) == (201, b'{"ok": true}')
    assert received["chat_id"] == "42" and received["text"] == "Привет & <b>"
    assert "python-telegram-bot" in received["agent"]


async def test_files_travel_as_multipart_with_their_name():
    received = {}

    async def handler(request: web.Request) -> web.Response:
        fields = await request.post()
        received.update(chat_id=fields["chat_id"], name=fields["document"].filename,
                        content=fields["document"].file.read())
        return web.json_response({"ok": True})

    document = InputFile(b"passage text", filename="notes.txt", attach=False)
    data = RequestData([RequestParameter("chat_id", 42, None), RequestParameter.from_input("document", document)])
    async with http_server(handler) as root, started(AiohttpRequest()) as request:
        status, _ = await request.do_request(f"{root}/sendDocument", "POST", data)
    assert status == 200
    assert received == {"chat_id": "42", "name": "notes.txt", "content": b"passage text"}


async def test_a_refused_connection_is_a_network_error_that_never_left():
    async with started(AiohttpRequest()) as request:
        with pytest.raises(NetworkError) as caught:
            await request.do_request(f"http://127.0.0.1:{free_port()}/sendMessage", "POST", form(text="hi"))
    assert isinstance(caught.value.__cause__, NEVER_SENT)


async def test_no_answer_in_time_is_a_timeout_that_may_have_arrived():
    async def silent(reader, writer):
        await reader.read(65536)
        await asyncio.sleep(5)
        writer.close()

    async with raw_server(silent) as root, started(AiohttpRequest(read_timeout=0.3)) as request:
        with pytest.raises(TimedOut) as caught:
            await request.do_request(f"{root}/sendMessage", "POST", form(text="hi"))
    assert not isinstance(caught.value.__cause__, NEVER_SENT)


async def test_a_connection_dropped_before_the_answer_may_have_arrived():
    async def hang_up(reader, writer):
        await reader.read(65536)
        writer.close()

    async with raw_server(hang_up) as root, started(AiohttpRequest()) as request:
        with pytest.raises(NetworkError) as caught:
            await request.do_request(f"{root}/sendMessage", "POST", form(text="hi"))
    assert not isinstance(caught.value, TimedOut)
    assert not isinstance(caught.value.__cause__, NEVER_SENT)


async def test_waiting_too_long_for_a_pooled_connection_never_sends():
    answer = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await answer.wait()
        return web.json_response({"ok": True})

    # aiohttp bounds the wait for a pooled connection and opening one together (0.4 s here).
    pooled = AiohttpRequest(connection_pool_size=1, connect_timeout=0.2, pool_timeout=0.2, read_timeout=5)
    async with http_server(slow) as root, started(pooled) as request:
        first = asyncio.create_task(request.do_request(f"{root}/getMe", "POST"))
        await asyncio.sleep(0.1)  # the only connection is taken
        with pytest.raises(TimedOut) as caught:
            await request.do_request(f"{root}/sendMessage", "POST", form(text="hi"))
        answer.set()
        assert (await first)[0] == 200
    assert isinstance(caught.value.__cause__, NEVER_SENT)


async def test_used_only_between_initialize_and_shutdown_and_initialized_again():
    request = AiohttpRequest()
    with pytest.raises(RuntimeError):
        await request.do_request("http://127.0.0.1:9/getMe", "POST")

    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async with http_server(handler) as root:
        for _ in range(2):  # PTB initialises again after a shutdown (e.g. run_polling twice)
            async with started(request):
                assert (await request.do_request(f"{root}/getMe", "POST"))[0] == 200
            with pytest.raises(RuntimeError):
                await request.do_request(f"{root}/getMe", "POST")


async def test_a_proxy_in_the_environment_is_used(monkeypatch):
    """Telegram's host is reached through HTTPS_PROXY/HTTP_PROXY, as with PTB's default client."""
    seen = {}

    async def proxy(request: web.Request) -> web.Response:  # a plain HTTP proxy gets the full URL
        seen.update(host=request.headers["Host"], path=request.path)
        return web.json_response({"ok": True})

    async with http_server(proxy) as root:
        monkeypatch.setenv("HTTP_PROXY", root)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        async with started(AiohttpRequest()) as request:
            status, _ = await request.do_request("http://api.telegram.invalid/getMe", "POST")
    assert status == 200 and seen == {"host": "api.telegram.invalid", "path": "/getMe"}
