"""Writes the few MIME shapes we send, directly as bytes (RFC 5322 / 2045-2047).

The stdlib generator folds every header through regexes and builds boundaries with a regex
compile per message: about 1 ms of CPU per email, most of an email's cost. Our shapes are fixed
(text + HTML alternative, optional attachments), so they are written here instead; the tests
parse the result back with the stdlib's strict parser.

Load-bearing: every header value reaching `_header` has been stripped of control characters by
the caller (render.header_safe / addresses.normalized), so no value can end a header line.
"""
from __future__ import annotations

import base64
import secrets
from email.header import Header
from email.utils import formataddr, formatdate

MAX_7BIT_LINE = 900  # RFC 5322 allows 998; leave room


def _header(name: str, value: str) -> str:
    if value.isascii():
        return f"{name}: {value}\r\n"
    return f"{name}: {Header(value, 'utf-8').encode()}\r\n"


def _text(content: str, subtype: str) -> str:
    """7bit when plain ASCII with short lines (no encoding work), else UTF-8 in base64 (C code)."""
    lines = content.splitlines()
    if content.isascii() and all(len(line) <= MAX_7BIT_LINE for line in lines):
        return (f'Content-Type: text/{subtype}; charset="us-ascii"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n'
                + "\r\n".join(lines) + "\r\n")
    return (f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            + base64.encodebytes(content.encode()).decode().replace("\n", "\r\n"))


def _attachment(att: dict, safe) -> str:
    ctype = att.get("content_type", "application/octet-stream")
    if "/" not in ctype or any(c in ctype for c in '";\r\n '):
        ctype = "application/octet-stream"
    filename = safe(att.get("filename", "file")).replace('"', "'")
    data = base64.encodebytes(att["content"].encode()).decode().replace("\n", "\r\n")
    charset = '; charset="utf-8"' if ctype.startswith("text/") else ""
    return (f'Content-Type: {ctype}{charset}; name="{filename}"\r\nContent-Transfer-Encoding: base64\r\n'
            f'Content-Disposition: attachment; filename="{filename}"\r\n\r\n{data}')


def _multipart(subtype: str, parts: list[str]) -> tuple[str, str]:
    boundary = "=_ptfc_" + secrets.token_hex(12)  # random: cannot occur in base64 or our text
    body = "".join(f"--{boundary}\r\n{p}" for p in parts) + f"--{boundary}--\r\n"
    return f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n', body


def write(*, subject: str, sender: str, to_name: str, to_address: str, message_id: str,
          text: str, html: str, attachments: list[dict], safe) -> bytes:
    ctype, body = _multipart("alternative", [_text(text, "plain"), _text(html, "html")])
    if attachments:
        ctype, body = _multipart("mixed", [ctype + "\r\n" + body] + [_attachment(a, safe) for a in attachments])
    head = (_header("From", sender) + f"To: {formataddr((to_name, to_address), 'utf-8')}\r\n"
            + _header("Subject", subject) + f"Message-ID: {message_id}\r\n"
            + f"Date: {formatdate(usegmt=True)}\r\nMIME-Version: 1.0\r\n" + ctype)
    return (head + "\r\n" + body).encode("ascii")
