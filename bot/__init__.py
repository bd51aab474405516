"""The Telegram bot around the `index` engine: handlers (bot.handlers) over a reply layer
without Telegram types (bot.replies), wired into a PTB Application by bot.app."""
