"""Telegram handlers, one module per feature: each adapts an update to a function of
bot.replies and sends what it returns (bot.handlers.send). bot.app registers them."""
