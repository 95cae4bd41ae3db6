"""The shop's emails: composed from locales/ with a text and an HTML part and a signed one-click
unsubscribe link, sent over SMTP or written to the outbox folder, never to an address that
unsubscribed, and recorded so that the insights can count them."""
