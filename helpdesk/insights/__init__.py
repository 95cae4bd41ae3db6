"""What support does for the shop: the conversation event log, the support KPIs computed from it,
business hours, and the `insights` command."""
