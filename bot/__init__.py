"""The Rasa project. Its Python: `bot.actions`, which the helpdesk runs in-process, and
`bot.components`, the NLU pipeline's own featurizers, which Rasa runs in the bot environment."""
