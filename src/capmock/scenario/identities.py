"""Fresh values of the same shape: the one way capmock gives a played journey new
identities (the soak's stamped journeys and the contract suite's customer sets).

A value's *shape* is ``uuid``, ``digits``, ``hex`` or ``chars``; :func:`fresh` draws a new
value of that shape from random bytes (``need`` of them), so a stamped payload validates
whenever its original did: digits stay digits of the same length (no leading zero unless
the original had one), hex stays lowercase hex, a UUID stays a version-4 UUID, and other
text keeps its punctuation with digit runs as digits and letter runs as letters or digits
(``BI-16941617082`` -> ``x9-50218847301``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_HEX = re.compile(r"^[0-9a-f]{16,}$")
_DIGITS = re.compile(r"^[0-9]+$")
_DIGIT_TABLE = bytes(48 + b % 10 for b in range(256))
_ALNUM_TABLE = bytes(
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[b % 62] for b in range(256)
)
_SEGMENT = re.compile(r"[0-9A-Za-z]+|[^0-9A-Za-z]+")
IDENTITY_KEYS = {"mobile": "mobile", "email": "email", "externalId": "external"}
NAME_KEYS = {"firstName": "first", "lastName": "last"}


def identity_values(node: Any) -> Iterator[tuple[int, str, str]]:
    """``(customerId, kind, text)`` of every customer identity in ``node`` (payloads, or one
    payload), in order of appearance: the customerId (kind ``cid``), each mobile, email and
    externalId of its ``customerIdentifiers`` (and their ``instore``), and the first and
    last names beside them (``first``, ``last``)."""
    if isinstance(node, dict):
        idents = node.get("customerIdentifiers")
        if isinstance(idents, dict) and isinstance(idents.get("customerId"), int):
            cid = idents["customerId"]
            yield cid, "cid", str(cid)
            instore = idents.get("instore")
            for source in (idents, instore if isinstance(instore, dict) else {}):
                for key, kind in IDENTITY_KEYS.items():
                    value = source.get(key)
                    if isinstance(value, str) and len(value) >= 4:
                        yield cid, kind, value
            for key, kind in NAME_KEYS.items():
                if isinstance(node.get(key), str) and node[key]:
                    yield cid, kind, node[key]
        for value in node.values():
            yield from identity_values(value)
    elif isinstance(node, list):
        for value in node:
            yield from identity_values(value)


def shape(text: str) -> str:
    """``uuid``, ``digits``, ``hex`` or ``chars``."""
    if _UUID.match(text):
        return "uuid"
    if _DIGITS.match(text):
        return "digits"
    if _HEX.match(text):
        return "hex"
    return "chars"


def need(text: str, kind: str) -> int:
    """Random bytes a fresh value of ``text``'s shape takes."""
    n = len(text)
    if kind == "digits" and n <= 18:
        return 8
    if kind == "hex":
        return (n + 1) // 2
    if kind == "uuid":
        return 16
    return n


def fresh(text: str, kind: str, r: bytes, o: int = 0, hx: str | None = None) -> bytes:
    """A value shaped like ``text`` from ``r[o:o + need]`` (``hx``: ``r.hex()``, when the
    caller already has it)."""
    if kind == "hex":
        hx = r.hex() if hx is None else hx
        return hx[2 * o : 2 * o + len(text)].encode()
    if kind == "digits" and len(text) <= 18:
        n = len(text)
        low = 10 ** (n - 1) if text[0] != "0" else 0
        return b"%0*d" % (n, low + int.from_bytes(r[o : o + 8], "little") % (10**n - low))
    if kind == "uuid":
        hx = r.hex() if hx is None else hx
        h = hx[2 * o : 2 * o + 32]
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[r[o + 8] & 3]}{h[17:20]}-{h[20:]}".encode()
    return shaped(text, r[o : o + len(text)])


def fresh_like(value: str | int, r: bytes) -> str | int:
    """:func:`fresh` for one value (an int stays an int of as many digits)."""
    text = str(value)
    kind = shape(text)
    out = fresh(text, kind, r).decode()
    return int(out) if isinstance(value, int) and not isinstance(value, bool) else out


@lru_cache(maxsize=4096)
def _segments(text: str) -> tuple[tuple[int, int, bytes | None, bytes], ...]:
    """``text`` cut into runs: (start, end, table or None for literal, literal bytes)."""
    out = []
    for m in _SEGMENT.finditer(text):
        run = m.group()
        if run[0].isalnum():
            table = _DIGIT_TABLE if run.isdigit() else _ALNUM_TABLE
            out.append((m.start(), m.end(), table, b""))
        else:
            out.append((m.start(), m.end(), None, run.encode()))
    return tuple(out)


def shaped(text: str, r: bytes) -> bytes:
    """Random bytes shaped like ``text``: digits for digit runs, letters and digits for
    other alphanumeric runs, the rest kept."""
    return b"".join(
        literal if table is None else r[a:b].translate(table)
        for a, b, table, literal in _segments(text)
    )
