"""`make chaos`: whole journeys under faults (kills, a database stop, a broker outage), then proof.

Pure decisions and figures (journeys, plan, verdict) are kept apart from process control (faults,
proxy, stack) and I/O (driver, collect), so the rules can be unit-tested without servers.
"""
