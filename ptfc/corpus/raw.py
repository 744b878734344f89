"""Ways to break a whole message's bytes: JSON that does not parse, text in another encoding,
bytes that are not JSON at all. Pure: no I/O."""
from __future__ import annotations

import gzip
from random import Random

from ptfc.corpus.mutations import BAD_BYTES, MARK


def broken_json(rng: Random, raw: bytes) -> bytes:
    cut = rng.randrange(1, len(raw) - 1)
    return rng.choice([
        raw[:cut], raw[:cut] + raw[cut + 1:], raw + b"}", raw + b",{", raw.replace(b'"', b"'", 1),
        raw[:-1] + b",}", raw[:1] + b"/* c */" + raw[1:], raw[:-1] + b', "x": NaN}', raw + b"\x00",
        raw.replace(b":", b"=", 1), raw[:-1] + b', "x": undefined}'])


def wrong_encoding(rng: Random, raw: bytes) -> bytes:
    text = raw.decode()
    choice = rng.randrange(7)
    if choice == 0:
        return text.encode(rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32"]))
    if choice == 1:
        return text.replace('"subject": "', '"subject": "é', 1).encode("latin-1", "replace")
    if choice == 2:
        return b"\xef\xbb\xbf" + raw
    if choice == 3:
        return gzip.compress(raw, mtime=0)
    if choice == 4:
        return raw.replace(b'"', b'"' + rng.choice(BAD_BYTES), 1)
    if choice == 5:
        return text.encode("cp500")  # EBCDIC
    return text.encode("utf-7")


def not_json(rng: Random, raw: bytes) -> bytes:
    return rng.choice([b"", b" ", b"\n", b"null", b"true", b"42", b'"a string"', b"[]", b"[1, 2, 3]",
                       f"<xml>{MARK}</xml>".encode(), b"\x00" * 16, rng.randbytes(rng.randrange(1, 512)),
                       f"ptfc.referral.requested.v1,{MARK}".encode()])
