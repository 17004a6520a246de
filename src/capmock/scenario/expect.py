"""What a delivery is expected to get back.

The grammar (a step's ``expect:`` or the scenario-level default)::

    expect: 2xx                 # the default: acknowledged (any 2xx)
    expect: reject              # refused with a 4xx (Capillary does not retry it)
    expect: 4xx                 # the same, spelled as a class (1xx..5xx)
    expect: 202                 # exactly this code
    expect: [200, 202]          # one of these codes (classes may be mixed in)
    expect: {status: reject}    # any of the above under `status:`

This module is pure (no I/O) so the scenario checker can use it to validate files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

CLASS = re.compile(r"^([1-5])xx$", re.IGNORECASE)
ALIASES = {"reject": "4xx", "rejected": "4xx", "accept": "2xx", "ack": "2xx"}


@dataclass(frozen=True)
class Expect:
    """Codes and/or status classes (the hundreds digit) that satisfy the expectation."""

    codes: frozenset[int] = frozenset()
    classes: frozenset[int] = frozenset({2})
    label: str = "2xx"

    def matches(self, status: int | None) -> bool:
        if status is None:
            return False
        return status in self.codes or status // 100 in self.classes

    @property
    def is_default(self) -> bool:
        return self == DEFAULT


DEFAULT = Expect()


def _one(value: Any) -> tuple[set[int], set[int], str]:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a status")
    if isinstance(value, int):
        if not 100 <= value <= 599:
            raise ValueError(f"{value} is not an HTTP status code (100-599)")
        return {value}, set(), str(value)
    text = str(value).strip()
    word = ALIASES.get(text.lower())
    if text.isdigit():
        return _one(int(text))
    match = CLASS.match(word or text)
    if match:
        label = text.lower() if word is None else f"{text.lower()} ({word})"
        return set(), {int(match.group(1))}, label
    raise ValueError(f"'{text}' is not an expectation")


def parse_expect(value: Any) -> Expect:
    """An :class:`Expect` from the YAML value; ValueError with a readable message."""
    if isinstance(value, dict):
        extra = set(value) - {"status"}
        if extra or "status" not in value:
            raise ValueError("expected {status: 2xx | reject | CODE | [CODES]}")
        value = value["status"]
    items = value if isinstance(value, list) else [value]
    if not items:
        raise ValueError("an empty list of statuses")
    codes: set[int] = set()
    classes: set[int] = set()
    labels = []
    for item in items:
        more_codes, more_classes, label = _one(item)
        codes |= more_codes
        classes |= more_classes
        labels.append(label)
    return Expect(frozenset(codes), frozenset(classes), " or ".join(labels))


HELP = "2xx (default), reject (a 4xx), 4xx, a status code, or a list of codes"
