"""Custom Rasa components of the bot's NLU pipeline (bot/config.yml), run inside the Rasa server."""
