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
from typing import Any

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_HEX = re.compile(r"^[0-9a-f]{16,}$")
_DIGITS = re.compile(r"^[0-9]+$")
_DIGIT_TABLE = bytes(48 + b % 10 for b in range(256))
_NONZERO_TABLE = bytes(49 + b % 9 for b in range(256))
_ALNUM_TABLE = bytes(
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[b % 62] for b in range(256)
)
_VARIANT_TABLE = bytes(b"89ab"[b & 3] for b in range(256))
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
    if kind == "hex":
        return (n + 1) // 2
    if kind == "uuid":
        return 16
    return n


def shaped_buffers(r: bytes) -> bytes:
    """``r`` shaped five ways, end to end: as hex (``2 * len(r)`` bytes), then as digits, as
    non-zero digits, as letters-or-digits and as UUID variant characters (``len(r)`` each).
    Every piece of a fresh value is a slice of this (see :func:`recipe`)."""
    return (r.hex().encode() + r.translate(_DIGIT_TABLE) + r.translate(_NONZERO_TABLE)
            + r.translate(_ALNUM_TABLE) + r.translate(_VARIANT_TABLE))


def recipe(text: str, kind: str, o: int, size: int) -> tuple[bytes, tuple[slice, ...]]:
    """How a value shaped like ``text`` is made from ``r[o:o + need]``, for ``r`` of
    ``size`` bytes: a format (one ``%s`` per piece, a literal ``%`` doubled) and the slices
    of :func:`shaped_buffers` that fill it. Each piece of ``r`` is used once, so the
    values of one journey are independent."""
    n = len(text)
    hexed = 2 * o
    digit, nonzero, alnum, variant = (k * size + o for k in (2, 3, 4, 5))
    if kind == "hex":
        return b"%s", (slice(hexed, hexed + n),)
    if kind == "uuid":
        h = hexed
        return b"%s-%s-4%s-%s%s-%s", (slice(h, h + 8), slice(h + 8, h + 12),
                                      slice(h + 13, h + 16), slice(variant + 8, variant + 9),
                                      slice(h + 17, h + 20), slice(h + 20, h + 32))
    if kind == "digits":  # no leading zero unless the original had one
        if text[0] == "0":
            return b"%s", (slice(digit, digit + n),)
        return b"%s%s", (slice(nonzero, nonzero + 1), slice(digit + 1, digit + n))
    form, pieces = [], []
    for m in _SEGMENT.finditer(text):
        run, a, b = m.group(), m.start(), m.end()
        if not run[0].isalnum():
            form.append(run.encode().replace(b"%", b"%%"))
        else:
            base = digit if run.isdigit() else alnum
            form.append(b"%s")
            pieces.append(slice(base + a, base + b))
    return b"".join(form), tuple(pieces)


def fresh(text: str, kind: str, r: bytes, o: int = 0) -> bytes:
    """A value shaped like ``text`` from ``r[o:o + need(text, kind)]``."""
    form, pieces = recipe(text, kind, o, len(r))
    buffers = shaped_buffers(r)
    return form % tuple(buffers[p] for p in pieces)


def fresh_like(value: str | int, r: bytes) -> str | int:
    """:func:`fresh` for one value (an int stays an int of as many digits)."""
    text = str(value)
    kind = shape(text)
    out = fresh(text, kind, r).decode()
    return int(out) if isinstance(value, int) and not isinstance(value, bool) else out
