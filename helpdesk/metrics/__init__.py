"""Prometheus metrics: this app's instruments (instruments.py), the figures read at scrape time
(scrape.py), the bot's timing (bot.py), and GET /metrics with its HTTP middleware (api.py)."""
