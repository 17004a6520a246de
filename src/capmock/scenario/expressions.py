"""A small template language over the model's state, and a JSONPath subset.

Templates: ``"{{ alice.points.current }}"`` is replaced by that value of capmock's model at
the point of the scenario where it is evaluated. A string that is exactly one template
keeps the value's type (a number stays a number); templates inside longer text are
interpolated as text. Names: any named customer of the scenario, ``customer`` (the
check's customer) and ``each`` (the loop's customer). Fields of a customer::

    customerId  name  mobile  email  enrolled  spend  visits  transactions
    points.current  points.lifetime  points.redeemed  points.expired  points.promised
    tier.number  tier.name  coupons  badges  targets.<name>  streaks.<name>  …

JSONPath subset: ``$``, ``.name``, ``["name"]`` / ``['name']`` and ``[N]``, e.g.
``$.points.current``, ``$.transactions[0].amount``, ``$["tier-name"]``.

Pure (no I/O): the scenario checker uses it to validate files.
"""

from __future__ import annotations

import math
import re
from typing import Any

from capmock.errors import did_you_mean

TEMPLATE = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_SEGMENT = re.compile(r"""\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[(?:"([^"]*)"|'([^']*)')\]""")
_NAME = re.compile(r"[A-Za-z_][\w-]*")

Segment = str | int


class PathError(ValueError):
    """A path that does not parse, or names something that is not there."""


def _segments(rest: str, whole: str) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    while pos < len(rest):
        match = _SEGMENT.match(rest, pos)
        if match is None:
            raise PathError(f"cannot read '{whole}' from '{rest[pos:]}'")
        name, index, dq, sq = match.groups()
        if index is not None:
            out.append(int(index))
        else:
            out.append(next(v for v in (name, dq, sq) if v is not None))
        pos = match.end()
    return out


def parse_jsonpath(path: str) -> list[Segment]:
    """``$.a.b[0]["c d"]`` -> ``["a", "b", 0, "c d"]``; PathError if it is not one."""
    text = path.strip()
    if not text.startswith("$"):
        raise PathError(f"a JSONPath starts with '$', got '{path}'")
    return _segments(text[1:], path)


def parse_expression(expr: str) -> list[Segment]:
    """``alice.points.current`` -> ``["alice", "points", "current"]``."""
    match = _NAME.match(expr)
    if match is None:
        raise PathError(f"'{expr}' does not start with a name")
    return [match.group(0), *_segments(expr[match.end():], expr)]


def lookup(doc: Any, segments: list[Segment]) -> tuple[bool, Any]:
    """(found, value) of ``segments`` in a JSON document."""
    for seg in segments:
        in_list = isinstance(seg, int) and isinstance(doc, list) and -len(doc) <= seg < len(doc)
        in_dict = isinstance(seg, str) and isinstance(doc, dict) and seg in doc
        if not (in_list or in_dict):
            return False, None
        doc = doc[seg]
    return True, doc


def template_names(value: Any) -> list[str]:
    """The first name of every template in ``value`` (strings, lists, mappings)."""
    if isinstance(value, str):
        return [parse_expression(m.group(1))[0] for m in TEMPLATE.finditer(value)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in template_names(v)]
    if isinstance(value, list):
        return [n for v in value for n in template_names(v)]
    return []


def resolve(expr: str, model: dict[str, Any]) -> Any:
    segments = parse_expression(expr)
    doc: Any = model
    for depth, seg in enumerate(segments):
        found, value = lookup(doc, [seg])
        if not found:
            where = ".".join(str(s) for s in segments[:depth]) or "the model"
            known = list(doc) if isinstance(doc, dict) else []
            guess = did_you_mean(str(seg), known)
            hint = f" (did you mean '{guess}'?)" if guess else ""
            raise PathError(f"'{expr}': {where} has no '{seg}'{hint}")
        doc = value
    return doc


def render(value: Any, model: dict[str, Any]) -> Any:
    """``value`` with every ``{{ expression }}`` replaced from ``model``."""
    if isinstance(value, dict):
        return {k: render(v, model) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, model) for v in value]
    if not isinstance(value, str):
        return value
    whole = TEMPLATE.fullmatch(value.strip())
    if whole:
        return resolve(whole.group(1), model)
    return TEMPLATE.sub(lambda m: _text(resolve(m.group(1), model)), value)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def same(want: Any, got: Any) -> bool:
    """JSON equality where 540 == 540.0 (numbers compare as numbers, not bools)."""
    if _number(want) and _number(got):
        return math.isclose(float(want), float(got), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(want, dict) and isinstance(got, dict):
        return want.keys() == got.keys() and all(same(want[k], got[k]) for k in want)
    if isinstance(want, list) and isinstance(got, list):
        return len(want) == len(got) and all(same(a, b) for a, b in zip(want, got, strict=True))
    return type(want) is type(got) and want == got


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
