"""Renders an email from its Jinja2 templates into one multipart message (text + HTML).

Header safety is load-bearing: every header value passes `header_safe` and addresses pass
`email_validator`, so CR/LF in a name or address can never add or alter a header.
"""
from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from services.notifications.domain import message_id

TEMPLATES = Path(__file__).parent / "templates"
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
PROGRAMME = "Planning Together for Children"


class BadAddress(ValueError):
    pass


def header_safe(value: str) -> str:
    return CONTROL.sub(" ", value).strip()


def checked_address(address: str) -> str:
    if CONTROL.search(address):
        raise BadAddress("address contains control characters")
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise BadAddress(str(exc)) from None


class Renderer:
    def __init__(self, folder: Path = TEMPLATES) -> None:
        self.env = Environment(loader=FileSystemLoader(folder), undefined=StrictUndefined,
                               autoescape=lambda name: bool(name and name.endswith(".html.j2")),
                               trim_blocks=True, lstrip_blocks=True)

    def build(self, *, notification_id: str, template: str, context: dict, name: str, address: str,
              sender: str, attachments: list[dict]) -> EmailMessage:
        vars_ = {**context, "recipient_name": header_safe(name), "programme": PROGRAMME}
        subject = self.env.get_template(f"{template}.subject.j2").render(vars_)
        msg = EmailMessage()
        msg["Subject"] = header_safe(subject)
        msg["From"] = sender
        msg["To"] = formataddr((header_safe(name), checked_address(address)))
        msg["Message-ID"] = message_id(notification_id)
        msg["Date"] = formatdate(usegmt=True)
        msg.set_content(self.env.get_template(f"{template}.txt.j2").render(vars_))
        msg.add_alternative(self.env.get_template(f"{template}.html.j2").render(vars_), subtype="html")
        for att in attachments:
            maintype, _, subtype = att.get("content_type", "text/plain").partition("/")
            msg.add_attachment(att["content"].encode(), maintype=maintype, subtype=subtype or "plain",
                               filename=header_safe(att.get("filename", "attachment")))
        return msg
