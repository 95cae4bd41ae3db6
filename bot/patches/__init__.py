"""Small, pinned fixes to Rasa 3.6.21 in the bot environment, applied when Rasa imports the module
they fix (scripts/setup-bot-env.sh installs the hook: bot/patches/on_import.py)."""
