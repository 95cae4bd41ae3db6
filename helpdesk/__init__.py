"""The helpdesk service: chat API, Rasa action webhook, translation, policies, orders and queue."""
