"""Payload files read strictly: one JSON document, or JSON Lines (one document per line).

Strict means RFC 8259 as orjson reads it: UTF-8 only (a leading byte order mark is
ignored), no ``NaN``/``Infinity``, no number beyond a double (``1e400``, a 5,000-digit
integer), nesting at most 1,024 levels deep, nothing after the document.  Whatever is not
that — and an empty file — is an :class:`~capmock.errors.InputError` naming the file, and
the line and column where it can tell.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from capmock.errors import InputError

BOM = "\ufeff"
WHITESPACE = " \t\r\n"  # JSON's (RFC 8259); other blanks (\x0b, U+2028…) are not JSON
HINT = "give one JSON document, or JSON Lines (one document per line)"
# orjson's wording → what a user can act on
_PLAIN = {
    "number is infinity when parsed as double": "a number too large for JSON (beyond ±1.8e308)",
    "depth limit exceeded": "nested more than 1024 levels deep",
    "Input is a zero-length, empty document": "no JSON document",
    "input data is empty": "no JSON document",
}
_NOT_JSON_WORDS = re.compile(r"(NaN|Infinity|inf|nan)\b")  # where orjson stops (past a sign)


def parse_payloads(data: bytes, name: str) -> list[tuple[str, Any]]:
    """(label, document) for the JSON document in ``data``, or for each of its lines.

    ``name`` labels the documents (``name`` or ``name:line``) and the errors."""
    text = decode(data, name)
    if not text.strip(WHITESPACE):
        raise InputError("empty: no JSON document", file=name, hint=HINT)
    try:
        return [(name, orjson.loads(text))]
    except orjson.JSONDecodeError as err:
        whole = err
    lines = [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip(WHITESPACE)]
    if not _is_json(lines[0][1]):  # not JSON Lines either: say where the document broke
        raise _not_json(whole, text, name, whole.lineno, whole.colno)
    out = []
    for number, line in lines:
        try:
            out.append((f"{name}:{number}", orjson.loads(line)))
        except orjson.JSONDecodeError as err:
            raise _not_json(err, line, name, number, err.colno) from None
    return out


def decode(data: bytes, name: str) -> str:
    """``data`` as UTF-8 text without a byte order mark; else where the first bad byte is."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - data.rfind(b"\n", 0, err.start)
        raise InputError(
            f"not UTF-8: byte 0x{data[err.start]:02x}",
            file=name,
            line=line,
            column=column,
            hint="JSON text is UTF-8",
        ) from None
    return text.removeprefix(BOM)


def _is_json(line: str) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def _not_json(
    err: orjson.JSONDecodeError, text: str, name: str, line: int, column: int
) -> InputError:
    word = _NOT_JSON_WORDS.match(text, err.pos)
    sign = "-" if word and text[err.pos - 1 : err.pos] == "-" else ""
    reason = f"{sign}{word.group(0)} is not a JSON number" if word else _PLAIN.get(err.msg)
    hint = None if reason else HINT  # a syntax error: perhaps not meant as one document
    return InputError(
        f"not JSON: {reason or err.msg}", file=name, line=line, column=column, hint=hint
    )
