"""Fuzz `capmock validate` in-process with mutated payload files (issue 13).

Generated payloads (flat and wrapped; one document, an array, JSON Lines) are mutated as
JSON (a value replaced by any JSON-ish value — NaN, huge and deep ones included — a field
removed or added) and as bytes (bytes flipped, inserted, deleted, duplicated; the file cut
short), then fed on stdin.  Whatever comes in:

* the exit code is 0, 1 or 2 and no exception escapes;
* 2 means one line on stderr naming ``<stdin>`` and, when it can tell, line and column; and
  the input is indeed not strict JSON by an independent reading (the standard library's
  parser, refusing what RFC 8259 does not allow);
* 0 and 1 mean the input is strict JSON; 0 only when jsonschema (the reference validator)
  accepts every payload in it; every output line is short and the output is bounded.

No timed assertion: inputs are small, and hypothesis' deadline only catches a hang.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import jsonschema
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from capmock.cli import main
from capmock.envelope import Envelope, unwrap
from capmock.generator import Generator
from capmock.schemas import bundle, default_validator

EVENTS = ("pointsIssued", "transactionAdded", "customerAdded", "tierUpgraded", "CouponIssue")
MAX_LINE = 400  # characters of one output line
DEPTH = 1024  # nesting the reader accepts (orjson's bound)
WHITESPACE = " \t\r\n"  # JSON's (RFC 8259), no other

# ---- the corpus and its mutations ----------------------------------------------------


def corpus() -> list[list[Any]]:
    """Groups of payloads (each group becomes one file)."""
    out = []
    for n, name in enumerate(EVENTS):
        for style in ("flat", "wrapped"):
            gen = Generator(n, envelope=Envelope(style))
            out.append([gen.one(name)])
            out.append([gen.one(name), gen.one(EVENTS[(n + 1) % len(EVENTS)])])
    return out


CORPUS = corpus()

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities included: json.dumps writes them as NaN/Infinity
    | st.text(max_size=20)
    | st.sampled_from([10**400, 2**64, -(2**63) - 1, 1e308, 5e-324, 0.0, -0.0, ""])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


def paths(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Fields and the first two items of arrays, down to 12 levels (not into deep values)."""
    if len(at) >= 12:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*at, key)
            yield from paths(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:2]):
            yield (*at, index)
            yield from paths(value, (*at, index))


@st.composite
def json_mutated(draw: st.DrawFn) -> list[Any]:
    docs = json.loads(json.dumps(draw(st.sampled_from(CORPUS))))  # a fresh copy
    for _ in range(draw(st.integers(0, 3))):
        doc = draw(st.sampled_from(docs))
        choices = list(paths(doc))
        if not choices:
            continue
        path = draw(st.sampled_from(choices))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "remove", "add", "deep"]))
        if action == "replace":
            parent[path[-1]] = draw(json_values)
        elif action == "remove":
            parent.pop(path[-1])
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(json_values)
        elif action == "deep":
            parent[path[-1]] = nested(draw(st.sampled_from([10, 300, 1000, 1030, 3000])))
    return docs


def serialise(docs: list[Any], layout: str) -> bytes:
    """JSON the way json.dumps writes it (NaN and Infinity included, deep values too)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:
        if layout == "lines":
            return b"".join(json.dumps(d).encode() + b"\n" for d in docs)
        if layout == "array":
            return json.dumps(docs).encode()
        body = docs[0] if layout == "one" else docs
        return json.dumps(body, indent=2, ensure_ascii=False).encode()
    finally:
        sys.setrecursionlimit(old)


CHUNKS = [
    b"NaN", b"Infinity", b"-Infinity", b"1e400", b"1" * 5000, b"\xff", b"\xc3", b"\x00",
    b"\n", b"\r\n", b" ", b"\t", b"[" * 1100, b"]", b"{", b"}", b",", b":", b'"', b"\\",
    b"\xef\xbb\xbf", b"\xed\xa0\x80", b'"\\ud800"', "\u2028".encode(), b"null", b"[]", b"{}",
]  # fmt: skip


@st.composite
def byte_mutated(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        pos = draw(st.integers(0, len(out)))
        op = draw(st.sampled_from(["flip", "insert", "delete", "duplicate", "truncate"]))
        if op == "flip" and pos < len(out):
            out[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            out[pos:pos] = draw(st.sampled_from(CHUNKS) | st.binary(max_size=6))
        elif op == "delete":
            del out[pos : pos + draw(st.integers(1, 40))]
        elif op == "duplicate":
            out[pos:pos] = out[pos : pos + draw(st.integers(1, 60))]
        elif op == "truncate":
            del out[pos:]
    return bytes(out)


@st.composite
def payload_files(draw: st.DrawFn) -> bytes:
    docs = draw(json_mutated())
    layout = draw(st.sampled_from(["one", "array", "lines", "pretty-array"]))
    return draw(byte_mutated(serialise(docs, layout)))


# ---- an independent reading of strict JSON -------------------------------------------


class NotJSON(Exception):
    pass


def _constant(word: str) -> Any:
    raise NotJSON(word)


def _number(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise NotJSON(text)
    return value


def _integer(text: str) -> int:
    try:
        value = int(text)  # beyond 4300 digits: ValueError
        float(value)  # beyond a double: OverflowError
    except (ValueError, OverflowError):
        raise NotJSON(text[:20]) from None
    return value


def depth(node: Any) -> int:
    stack, deepest = [(node, 1)], 0
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            stack += [
                (v, level + 1) for v in (value.values() if isinstance(value, dict) else value)
            ]
    return deepest


def _strings_are_unicode(node: Any) -> None:
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            value.encode("utf-8")  # a lone surrogate (from an escape) is not text
        elif isinstance(value, dict):
            stack += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            stack += value


def strict(text: str) -> Any:
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:
        value = json.loads(text, parse_constant=_constant, parse_float=_number, parse_int=_integer)
    except (ValueError, RecursionError) as err:
        raise NotJSON(str(err)) from None
    finally:
        sys.setrecursionlimit(old)
    try:
        _strings_are_unicode(value)
    except UnicodeEncodeError as err:
        raise NotJSON(str(err)) from None
    return value


def reading(data: bytes) -> list[Any] | None:
    """The payloads in the file as the format defines them, or None when it is not one.

    Raises ``LookupError`` for nesting right at the bound, where the count is too close to
    call by this reading."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None
    if not text.strip(WHITESPACE):
        return None
    try:
        documents = [strict(text)]
    except NotJSON:
        try:
            documents = [strict(line) for line in text.split("\n") if line.strip(WHITESPACE)]
        except NotJSON:
            return None
    deepest = max(depth(d) for d in documents)
    if DEPTH - 5 <= deepest <= DEPTH + 5:
        raise LookupError(deepest)
    if deepest > DEPTH:
        return None
    payloads = [p for d in documents for p in (d if isinstance(d, list) else [d])]
    return payloads or None


def conforms(payload: Any) -> bool:
    """jsonschema's verdict (the reference), on the schema capmock would pick."""
    if not isinstance(payload, dict):
        return False
    event, style, _ = unwrap(payload)
    validator = default_validator()
    if event is None or style is None or f"data/{event}.json" not in validator.docs:
        return False
    reference = jsonschema.Draft202012Validator(bundle(validator.docs, event, style))
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)  # jsonschema's messages repr deep values
    try:
        return reference.is_valid(payload)
    finally:
        sys.setrecursionlimit(old)


# ---- the property ----------------------------------------------------------------------

LOCATED = re.compile(r"^capmock: error: <stdin>(:\d+:\d+)?: \S")


def run(data: bytes) -> Result:
    return CliRunner().invoke(main, ["validate", "-"], input=data)


@settings(
    max_examples=150,
    deadline=timedelta(seconds=10),  # a hang, not a speed requirement
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(payload_files())
def test_validate_survives_mutated_payload_files(data: bytes) -> None:
    result = run(data)
    event(f"exit {result.exit_code}")  # --hypothesis-show-statistics shows the mix
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    try:
        payloads = reading(data)
    except LookupError:
        payloads = ...  # too close to the nesting bound to tell: only the shape is checked
    if result.exit_code == 2:
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert LOCATED.match(line), line
        assert len(line) <= MAX_LINE
        assert payloads in (None, ...), "strict JSON refused"
        return
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert all(len(line) <= MAX_LINE for line in lines)
    assert all(line.startswith("<stdin>") for line in lines[:-1])
    assert re.fullmatch(r"\d+ valid, \d+ invalid", lines[-1])
    assert len(result.stdout) <= 20_000 + 20 * len(data)
    if payloads is ...:
        return
    assert payloads is not None, "not strict JSON, yet accepted"
    assert lines[-1].startswith(f"{sum(map(conforms, payloads))} valid")
    assert (result.exit_code == 0) == all(map(conforms, payloads))


def test_the_fuzz_corpus_starts_valid() -> None:
    """The mutations start from payloads that conform, in every layout."""
    for docs in CORPUS[:4]:
        for layout in ("one", "array", "lines", "pretty-array"):
            result = run(serialise(docs, layout))
            assert result.exit_code == 0, result.output
