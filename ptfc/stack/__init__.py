"""The embedded stack: a real broker, database and SMTP sink started on this machine."""
