"""Work due later: a table of due jobs any replica may claim atomically, the handlers by kind
that do the work, the runner that retries failures with back-off, and the dead-letter list."""
