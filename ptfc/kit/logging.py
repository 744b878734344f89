"""structlog JSON logs with case and event ids; names, emails and phone numbers never get out."""
from __future__ import annotations

import json
import logging
import re
import sys
from typing import Any

import structlog

# Keys whose values are personal data whatever they hold.
SENSITIVE_KEYS = frozenset({
    "name", "given_name", "family_name", "email", "phone", "to", "recipient", "address",
    "terms", "answers", "body", "court_email", "venue", "token", "password",
})
EMAIL_RE = re.compile(r"[^\s@<>\"']+@[^\s@<>\"']+\.[^\s@<>\"']+")
PHONE_RE = re.compile(r"(?<!\w)\+?\d[\d\s().-]{8,}\d(?!\w)")
REDACTED = "[redacted]"


def scrub_text(text: str) -> str:
    return PHONE_RE.sub(REDACTED, EMAIL_RE.sub(REDACTED, text))


def _scrub(value: Any, depth: int = 0) -> Any:
    if depth > 5:
        return REDACTED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: REDACTED if k in SENSITIVE_KEYS else _scrub(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v, depth + 1) for v in value]
    return value


def redact(_logger: Any, _method: str, event_dict: dict) -> dict:
    """Load-bearing: runs last before rendering, over every key and the exception text too."""
    return {k: REDACTED if k in SENSITIVE_KEYS else _scrub(v) for k, v in event_dict.items()}


class JsonFormatter(logging.Formatter):
    """Libraries' stdlib log records (aiokafka, faststream, asyncpg) as JSON lines too, scrubbed."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        doc = {"service": self.service, "logger": record.name, "level": record.levelname.lower(),
               "timestamp": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "event": scrub_text(record.getMessage())}
        if record.exc_info:
            doc["exception"] = scrub_text(self.formatException(record.exc_info))
        return json.dumps(doc)


def configure(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    for noisy in ("aiokafka", "faststream", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(**bound: Any) -> Any:
    """Lazy: modules call this at import, before `configure` runs; binding here would freeze
    structlog's default (console) setup into the logger."""
    return structlog.get_logger(**bound)
