"""Custom actions, one module per concept; rasa-sdk's executor inside the helpdesk runs them."""
