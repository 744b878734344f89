"""The service kit: everything a service needs besides its own domain, written once.

settings, logging, database + migrations, outbox relay, inbox consumer with retries and dead
letters, durable timers, HTTP health/metrics, and the service runner.
"""
