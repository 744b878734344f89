"""Renders an email from its Jinja2 templates into one multipart message (text + HTML).

Header safety is load-bearing: every header value passes `header_safe` and addresses pass
`ptfc.kit.addresses`, so CR/LF in a name or address can never add or alter a header.
"""
from __future__ import annotations

import re
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate
from pathlib import Path

from ptfc.kit.addresses import normalized as checked_address
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from services.notifications.domain import message_id

TEMPLATES = Path(__file__).parent / "templates"
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
PROGRAMME = "Planning Together for Children"


def text_part(text: str, subtype: str) -> MIMEText:
    """7bit when ASCII (no encoding work at all), else UTF-8 in base64 (done in C, unlike QP)."""
    return MIMEText(text, subtype, "us-ascii" if text.isascii() else "utf-8")


def header_safe(value: str) -> str:
    return CONTROL.sub(" ", value).strip()


class Renderer:
    def __init__(self, folder: Path = TEMPLATES) -> None:
        self.env = Environment(loader=FileSystemLoader(folder), undefined=StrictUndefined,
                               autoescape=lambda name: bool(name and name.endswith(".html.j2")),
                               trim_blocks=True, lstrip_blocks=True)

    def build(self, *, notification_id: str, template: str, context: dict, name: str, address: str,
              sender: str, attachments: list[dict]) -> Message:
        """compat32 MIME classes: about ten times cheaper than `email.policy.default`'s header
        registry; header safety comes from `header_safe` and `checked_address` instead."""
        vars_ = {**context, "recipient_name": header_safe(name), "programme": PROGRAMME}
        render = lambda part: self.env.get_template(f"{template}.{part}.j2").render(vars_)
        body = MIMEMultipart("alternative")
        body.attach(text_part(render("txt"), "plain"))
        body.attach(text_part(render("html"), "html"))
        if attachments:
            msg: Message = MIMEMultipart("mixed")
            msg.attach(body)
            for att in attachments:
                maintype, _, subtype = att.get("content_type", "text/plain").partition("/")
                part = MIMEText(att["content"], subtype or "plain", "utf-8") if maintype == "text" \
                    else MIMEApplication(att["content"].encode(), subtype or "octet-stream")
                part.add_header("Content-Disposition", "attachment", filename=header_safe(att.get("filename", "file")))
                msg.attach(part)
        else:
            msg = body
        subject = header_safe(render("subject"))
        msg["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")
        msg["From"] = sender
        msg["To"] = formataddr((header_safe(name), checked_address(address)), "utf-8")
        msg["Message-ID"] = message_id(notification_id)
        msg["Date"] = formatdate(usegmt=True)
        return msg
