"""Run the fake Bot API standalone: ``python -m tests.fake_telegram --port 8081``.

Useful for manual demos and benchmarks that drive it through ``/_test/...``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .server import FakeBotApi


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.fake_telegram", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123:ABC")
    parser.add_argument("--bot-username", default="clubhouse_qa_bot")
    parser.add_argument("--strict-chats", action="store_true")
    return parser.parse_args()


async def serve(args: argparse.Namespace) -> None:
    api = FakeBotApi(token=args.token, bot_username=args.bot_username, host=args.host,
                     port=args.port, strict_chats=args.strict_chats)  # fmt: skip
    await api.start()
    print(f"Fake Telegram Bot API at {api.api_root}  (token {api.token})", flush=True)
    print(f"  bot base_url: {api.api_root}/bot   control: {api.api_root}/_test/...", flush=True)
    try:
        await asyncio.Event().wait()  # until Ctrl-C cancels us
    finally:
        await api.stop()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args()))
