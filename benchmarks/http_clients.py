"""The bot's Bot API request on httpx (PTB's default) against aiohttp (bot/aiohttp_request.py).

    python benchmarks/http_clients.py [--requests 2000] [--rounds 3]

Both are driven through PTB's `BaseRequest.do_request`, as the bot calls them, posting a
sendMessage-sized form to a local aiohttp server in a process of its own, one request at a
time and then 50 in flight (a busy bot). Printed per client: requests/s and the client
process's CPU per request, the median of the rounds, which run interleaved.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram.request import HTTPXRequest, RequestData  # noqa: E402
from telegram.request._requestparameter import RequestParameter  # noqa: E402

from bot.aiohttp_request import AiohttpRequest  # noqa: E402

# What Telegram answers to a sendMessage, roughly: the message back.
ANSWER = b'{"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"},"text":"' + b"x" * 400 + b'"}}'
CLIENTS = {"httpx": lambda: HTTPXRequest(connection_pool_size=256), "aiohttp": lambda: AiohttpRequest(256)}


def serve(port: int, ready) -> None:
    from aiohttp import web

    async def send_message(request: web.Request) -> web.Response:
        await request.post()
        return web.Response(body=ANSWER, content_type="application/json")

    async def main() -> None:
        app = web.Application()
        app.router.add_post("/bot/sendMessage", send_message)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


async def measure(kind: str, url: str, in_flight: int, requests: int) -> tuple[float, float]:
    """(requests/s, client CPU ms per request)."""
    request = CLIENTS[kind]()
    await request.initialize()
    data = RequestData([RequestParameter("chat_id", 1, None), RequestParameter("text", "an answer " * 40, None),
                        RequestParameter("parse_mode", "HTML", None)])
    try:
        for _ in range(100):  # warm-up: connections opened, code paths hot
            await request.do_request(url, "POST", data)

        async def worker() -> None:
            for _ in range(requests // in_flight):
                await request.do_request(url, "POST", data)

        cpu, started = time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        await request.shutdown()
    done = requests // in_flight * in_flight
    return done / elapsed, cpu / done * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    port, ready = 18765, multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, ready), daemon=True)
    server.start()
    try:
        if not ready.wait(30):
            raise SystemExit("the local server did not start")
        url = f"http://127.0.0.1:{port}/bot/sendMessage"
        print(f"{'client':8}  {'in flight':>9}  {'requests/s':>10}  {'client CPU ms/request':>21}")
        for in_flight in (1, 50):
            results: dict[str, list[tuple[float, float]]] = {kind: [] for kind in CLIENTS}
            for _ in range(args.rounds):
                for kind in CLIENTS:
                    results[kind].append(asyncio.run(measure(kind, url, in_flight, args.requests)))
            for kind, figures in results.items():
                rate = statistics.median(r for r, _ in figures)
                cpu = statistics.median(c for _, c in figures)
                print(f"{kind:8}  {in_flight:>9}  {rate:>10.0f}  {cpu:>21.3f}")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
