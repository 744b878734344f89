"""Ways to break one field of a partner message, or the whole message. Pure: no I/O.

A field mutation returns a `Change`: a new value, a deletion, or raw bytes spliced in place of the
field's value (what `json.dumps` cannot write: deep nesting, NaN, broken escapes, bad UTF-8).
A message mutation turns the encoded bytes into other bytes. Every value a sender chooses carries
MARK, so that a test can prove no refusal repeats it.
"""
from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Any, Callable

from ptfc.corpus.schema import Field

MARK = "ZQXJ-marker"
CONTROL = [chr(c) for c in (*range(0x20), 0x7f, *range(0x80, 0xa0))]
INJECTION = ["\r\nBcc: victim@evil.example", "\nSubject: {m}", "\r\n\r\n<html>{m}</html>", "\rX-{m}: 1"]
WRONG = [None, 0, -1, 1.5, True, False, "5", "yes", "", [], {}, [MARK], {"k": MARK}, 10**30, -10**30]
BAD_DAYS = ["2026-02-30", "2026-13-01", "2026-00-10", "0000-00-00", "9999-12-31", "1999-12-31", "2100-01-01",
            "-2026-11-02", "+12026-11-02", "2026-W45-1", "02/11/2026", "now", "", "２０２６-11-02",
            1_700_000_000, 1.7e9, "1700000000", "2026-11-02T10:15:00+00:00"]
BAD_TIMES = ["2026-11-02T25:61:00Z", "2026-11-02T10:15:00", "2026-11-02T10:15:00+25:00", "9999-12-31T23:59:59Z",
             "1970-01-01T00:00:00Z", "2100-01-01T00:00:00Z", "2026-02-30T10:00:00Z", "2026-11-02 10:15",
             "2026-11-02", "0000-01-01T00:00:00Z", 1_700_000_000, 1.7e9, "1700000000", "", "yesterday"]
ENUM_JUNK = ["ONLINE", "online ", f"<b>{MARK}</b>", "", "1.0 ", "text/xml", "application/json; charset=utf-16"]
NUMBER_JUNK = [0, -1, 10**6, 2**63, -2**63, 1.5, 1e308, "6", True]
RAW_NUMBERS = [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400", b"0x10", b"01", b"1.", b"+1"]
BAD_BYTES = [b"\xc0\xaf", b"\xed\xa0\x80", b"\xff\xfe", b"\x80", b"\xf8\x88\x80\x80\x80", b"\x93smart\x94"]


@dataclass
class Change:
    value: Any = None
    delete: bool = False
    raw: bytes | None = None  # spliced in place of the field's JSON value
    big: bool = False         # counted against the corpus's budget of large messages


def _text(f: Field, rng: Random) -> str:
    return "x" if f.path[-1] in ("id", "subject") else f"a{MARK}"


def control_char(rng: Random, f: Field, big: bool) -> Change:
    base = _text(f, rng)
    at = rng.randrange(len(base) + 1)
    return Change(value=base[:at] + rng.choice(CONTROL) + base[at:])


def header_injection(rng: Random, f: Field, big: bool) -> Change:
    good = f.schema.get("pattern") and "@" in f.schema["pattern"]
    base = "someone@partner.example" if good or str(f.path[-1]).endswith("email") else _text(f, rng)
    return Change(value=base + rng.choice(INJECTION).format(m=MARK))


def lone_surrogate(rng: Random, f: Field, big: bool) -> Change:
    return Change(raw=b'"a' + rng.choice([b"\\ud800", b"\\udfff", b"\\ud83d"]) + MARK.encode() + b'"')


def bad_utf8(rng: Random, f: Field, big: bool) -> Change:
    return Change(raw=b'"a' + rng.choice(BAD_BYTES) + MARK.encode() + b'"')


def huge_string(rng: Random, f: Field, big: bool) -> Change:
    sizes = [f.schema.get("maxLength", 500) + 1, 10_000, 100_000] + ([1_000_000] if big else [])
    size = rng.choice(sizes)
    return Change(value=MARK + "x" * size, big=size >= 1_000_000)


def too_short(rng: Random, f: Field, big: bool) -> Change:
    return Change(value="")


def wrong_type(rng: Random, f: Field, big: bool) -> Change:
    return Change(value=rng.choice(WRONG))


def missing(rng: Random, f: Field, big: bool) -> Change:
    return Change(delete=True)


def impossible_date(rng: Random, f: Field, big: bool) -> Change:
    return Change(value=rng.choice(BAD_DAYS if f.kind == "date" else BAD_TIMES))


def huge_array(rng: Random, f: Field, big: bool, item: Any = f"P-{MARK}") -> Change:
    sizes = [f.schema.get("maxItems", 50) + 1, 1000] + ([100_000] if big else [])
    size = rng.choice(sizes)
    return Change(value=[item] * size, big=size >= 100_000)


def bad_enum(rng: Random, f: Field, big: bool) -> Change:
    return Change(value=rng.choice(ENUM_JUNK))


def out_of_range(rng: Random, f: Field, big: bool) -> Change:
    if rng.random() < 0.4:
        return Change(raw=rng.choice(RAW_NUMBERS))
    return Change(value=rng.choice(NUMBER_JUNK))


def deep_nesting(rng: Random, f: Field, big: bool) -> Change:
    depth = rng.choice([201, 256, 1000] + ([100_000] if big else []))
    open_, close = rng.choice([(b"[", b"]"), (b'{"a":', b"}")])
    inner = b"1" if open_ != b"[" else b""
    return Change(raw=open_ * depth + inner + close * depth, big=depth >= 100_000)


def map_key(rng: Random, f: Field, big: bool) -> Change:
    return Change(value={f"q\r\n{MARK}": 1, f"<b>{MARK}</b>": 2} if rng.random() < 0.5 else {"": 1})


# kind -> (which fields it applies to, how)
FIELD_MUTATIONS: dict[str, tuple[Callable[[Field], bool], Callable[..., Change]]] = {
    "control character": (lambda f: f.kind == "text", control_char),
    "header injection": (lambda f: f.kind == "text", header_injection),
    "lone surrogate": (lambda f: f.kind == "text", lone_surrogate),
    "invalid UTF-8 in a string": (lambda f: f.kind == "text", bad_utf8),
    "huge string": (lambda f: f.kind == "text", huge_string),
    "empty string": (lambda f: f.kind == "text" and f.schema.get("minLength", 0) > 0, too_short),
    "wrong type": (lambda f: True, wrong_type),
    "missing field": (lambda f: f.required, missing),
    "impossible date": (lambda f: f.kind in ("date", "time"), impossible_date),
    "huge array": (lambda f: f.kind == "array", huge_array),
    "value not in the enum": (lambda f: f.kind == "enum", bad_enum),
    "number out of range or not a number": (lambda f: f.kind == "number", out_of_range),
    "deep nesting": (lambda f: True, deep_nesting),
    "sender's own map keys": (lambda f: f.kind == "map", map_key),
}
