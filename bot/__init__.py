"""The Telegram transport: handlers, rendering and wiring around the `index` engine."""
