"""Follow-ups by email: the thank-you after shipping, the check-in and the review request after
delivery, the points-expiry reminder, each a due job queued once from what happens to orders and
loyalty accounts, and mailed within the quiet hours and the weekly cap of engagement.yml."""
