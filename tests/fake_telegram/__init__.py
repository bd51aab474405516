"""A local fake of the Telegram Bot API for end-to-end tests and benchmarks.

Usage::

    async with FakeBotApi() as api:
        app = (ApplicationBuilder().token(api.token)
               .base_url(f"{api.api_root}/bot").base_file_url(f"{api.api_root}/file/bot")
               .build())
        ...
        api.send_message("/start")
        reply = await api.wait_for_reply(1001)
"""

from .api_support import ApiError
from .server import FakeBotApi
from .state import Call, eventually

__all__ = ["ApiError", "Call", "FakeBotApi", "eventually"]
