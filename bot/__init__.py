"""The Rasa project. Only `bot.actions` is Python: the helpdesk runs those actions in-process."""
