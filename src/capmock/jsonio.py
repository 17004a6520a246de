"""Compact UTF-8 JSON bytes: the one serialiser for webhook bodies and journal lines.

orjson writes the same bytes as ``json.dumps(value, separators=(",", ":"),
ensure_ascii=False).encode()`` for every payload capmock builds (a test checks), several
times faster. What orjson refuses (integers beyond 64 bits, non-string keys) goes to the
standard library, so any JSON-like value serialises as before.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def dumps(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON."""
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError
        return _encode(value).encode("utf-8")


def dumps_std(value: Any) -> bytes:
    """The standard library's rendering of the same: the reference ``dumps`` must equal."""
    return _encode(value).encode("utf-8")
