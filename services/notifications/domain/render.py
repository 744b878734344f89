"""Renders an email from its Jinja2 templates into one multipart message (text + HTML).

Header safety is load-bearing: every header value passes `header_safe` and addresses pass
`ptfc.kit.addresses`, so CR/LF in a name or address can never add or alter a header.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ptfc.kit.addresses import normalized as checked_address
from services.notifications.domain import mime
from services.notifications.domain.delivery import course_words, message_id

TEMPLATES = Path(__file__).parents[1] / "templates"  # services/notifications/templates
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def header_safe(value: str) -> str:
    return CONTROL.sub(" ", value).strip()


class Renderer:
    def __init__(self, folder: Path = TEMPLATES) -> None:
        self.env = Environment(loader=FileSystemLoader(folder), undefined=StrictUndefined,
                               autoescape=lambda name: bool(name and name.endswith(".html.j2")),
                               trim_blocks=True, lstrip_blocks=True,
                               auto_reload=False)  # templates ship with the code: no stat() per email

    def build(self, *, notification_id: str, template: str, context: dict, name: str, address: str,
              sender: str, attachments: list[dict], programme: str = "ptfc", route: str | None = None) -> "Email":
        words = course_words(programme, route)
        vars_ = {**context, "recipient_name": header_safe(name), "programme": words.name, "team": words.team,
                 "why": words.why, "footer": words.footer}
        render = lambda part: self.env.get_template(f"{template}.{part}.j2").render(vars_)
        subject = header_safe(render("subject"))
        data = mime.write(subject=subject, sender=sender, to_name=header_safe(name),
                          to_address=checked_address(address), message_id=message_id(notification_id),
                          text=render("txt"), html=render("html"), attachments=attachments, safe=header_safe)
        return Email(subject, data)


@dataclass(frozen=True)
class Email:
    subject: str
    data: bytes

    def as_bytes(self) -> bytes:
        return self.data

    def __getitem__(self, header: str) -> str:
        if header.lower() != "subject":
            raise KeyError(header)
        return self.subject
