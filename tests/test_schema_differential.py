"""capmock's validator (jsonschema-rs) agrees with jsonschema, the pure-Python reference.

Differential: every event in both envelopes, a generated payload with enrichment and
timezone companions on and one with them off, and systematic mutations of them (each field
removed, and replaced by values of other JSON types, booleans and integral floats included;
an unknown field added to each object).  Both the verdict and the JSON paths of the
explanation must match.  Then what jsonschema-rs does with Python values that are not JSON.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import jsonschema
import pytest

from capmock import catalog
from capmock.catalog.context import Options
from capmock.envelope import STYLES, Envelope
from capmock.generator import Generator
from capmock.schemas import MAX_MESSAGE, Validator, bundle, documents

# Replacements for a field: a value of each JSON type, booleans and integral floats included.
WRONG: tuple[Any, ...] = (None, True, 1.0, 2.5, "x", [])
REMOVED = object()

FieldPath = tuple[str | int, ...]


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(documents())


def payloads(event: str, style: str) -> list[dict[str, Any]]:
    """Every optional part on (seed 1), and off (seed 7)."""
    return [
        Generator(seed, options=Options(enrich=on, tz_millis=on), envelope=Envelope(style)).one(
            event
        )
        for seed, on in ((1, True), (7, False))
    ]


def paths(node: Any, at: FieldPath = ()) -> Iterator[FieldPath]:
    """Every field of every object, and the first item of every array, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*at, key)
            yield from paths(value, (*at, key))
    elif isinstance(node, list) and node:
        yield (*at, 0)
        yield from paths(node[0], (*at, 0))


def objects(node: Any, at: FieldPath = ()) -> Iterator[FieldPath]:
    if isinstance(node, dict):
        yield at
    if isinstance(node, dict | list):
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            yield from objects(value, (*at, key))


def _get(node: Any, path: FieldPath) -> Any:
    for part in path:
        node = node[part]
    return node


def mutants(payload: dict[str, Any], seen: set[FieldPath]) -> Iterator[tuple[str, Any]]:
    """(description, payload) for each mutation of a field not in ``seen`` (then added to
    it): removed, and replaced by two of WRONG in turn (the n-th field by the n-th and the
    n+3-th, so every value reaches fields of every type).  The payload is mutated in place
    and restored after each."""
    for n, path in enumerate([p for p in paths(payload) if p not in seen]):
        seen.add(path)
        parent, key = _get(payload, path[:-1]), path[-1]
        original = parent[key]
        for value in (REMOVED, WRONG[n % len(WRONG)], WRONG[(n + 3) % len(WRONG)]):
            if value is not REMOVED and type(value) is type(original) and value == original:
                continue
            if value is REMOVED:
                parent.pop(key)
            else:
                parent[key] = value
            yield f"{path} = {'removed' if value is REMOVED else repr(value)}", payload
            if value is REMOVED and isinstance(parent, list):
                parent.insert(key, original)
            else:
                parent[key] = original
    for path in objects(payload):
        if ("+", *path) not in seen:
            seen.add(("+", *path))
            target = _get(payload, path)
            target["zzUnknown"] = None
            yield f"{path} + zzUnknown", payload
            del target["zzUnknown"]


def same_places(ours: list[str], theirs: list[str]) -> bool:
    """The same problem paths — or, where capmock explains an ``anyOf`` by the branch that
    fits, paths within the one jsonschema names."""

    def within(path: str, at: str) -> bool:
        return path == at or path.startswith((f"{at}.", f"{at}["))

    return all(any(within(o, t) for t in theirs) for o in ours) and all(
        any(within(o, t) for o in ours) for t in theirs
    )


def _json_path(parts: Any) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("event", catalog.names())
def test_jsonschema_rs_agrees_with_jsonschema(event: str, style: str, validator: Validator) -> None:
    reference = jsonschema.Draft202012Validator(bundle(validator.docs, event, style))
    fast = validator.compiled(event, style)
    seen: set[FieldPath] = set()  # each field once, from whichever payload has it first
    disagreements = []
    for payload in payloads(event, style):
        assert validator.validate(payload) == []
        before = copy.deepcopy(payload)
        for what, mutant in mutants(payload, seen):
            ours = sorted({p.path for p in validator.explain(mutant, event, style)})
            theirs = sorted({_json_path(e.absolute_path) for e in reference.iter_errors(mutant)})
            if not same_places(ours, theirs) or fast.is_valid(mutant) != (theirs == []):
                disagreements.append(f"{what}: capmock {ours}, jsonschema {theirs}")
        assert payload == before  # every mutation was undone
    assert disagreements == []
    assert len(seen) > 10  # the mutations did reach the fields


def test_validator_on_arbitrary_input() -> None:
    validator = Validator()
    for value in (None, 1, "x", [], [{"eventName": "pointsIssued"}]):
        assert validator.validate(value)[0].path == "$"
    assert validator.validate(1)[0].message == "expected a JSON object, got number"
    assert validator.validate({})[0].message == (
        "no event name found: a flat payload names it in eventName, a wrapped one in "
        "attributes.eventName or eventType")
    assert "unknown event" in validator.validate({"eventName": "nope"})[0].message


def test_an_unknown_event_name_is_shown_on_one_short_line() -> None:
    validator = Validator()
    [problem] = validator.validate({"eventName": "points\nIssued" + "x" * 500})
    assert "\n" not in problem.message and len(problem.message) < 120
    assert problem.message.startswith("unknown event 'points\\nIssued")


def test_python_values_beyond_json() -> None:
    """Mappings and Decimals are validated as JSON would see them; NaN is not a number;
    a value with no JSON form is a problem at $, not an exception."""
    validator = Validator()
    payload = Generator(1).one("transactionAdded")
    odd = OrderedDict(payload, data=OrderedDict(payload["data"], amount=Decimal("10.5")))
    assert validator.validate(odd) == []
    odd["data"]["billNumber"] = 5
    assert [p.path for p in validator.validate(odd)] == ["$.data.billNumber"]
    nan = copy.deepcopy(payload)
    nan["data"]["amount"] = float("nan")
    assert [p.path for p in validator.validate(nan)] == ["$.data.amount"]
    strange = copy.deepcopy(payload)
    strange["data"]["amount"] = object()
    [problem] = validator.validate(strange)
    assert problem.path == "$" and problem.message.startswith("not a JSON value")


def test_long_values_are_cut_from_the_middle_of_a_message() -> None:
    validator = Validator()
    payload = Generator(1).one("transactionAdded")
    payload["data"]["billNumber"] = {"k": "v" * 5_000}
    [problem] = validator.validate(payload)
    assert problem.path == "$.data.billNumber"
    assert len(problem.message) == MAX_MESSAGE
    assert problem.message.startswith('{"k":"vvv') and "…" in problem.message
    assert problem.message.endswith('is not of type "string"')


def test_a_payload_too_deep_to_explain_still_fails_with_one_problem() -> None:
    validator = Validator()
    payload = Generator(1).one("transactionAdded")
    deep: Any = []
    for _ in range(600):
        deep = [deep]
    payload["data"]["billNumber"] = deep
    [problem] = validator.validate(payload)
    assert problem.path == "$" and "nested too deeply" in problem.message


@pytest.mark.parametrize("char", ["\n", "\x85", "\u2028", "\x1c", "\x0b"], ids=repr)
def test_a_problem_is_one_printable_line(char: str) -> None:
    """A value quoted in a message may hold line breaks (U+0085 included): escaped."""
    validator = Validator()
    payload = Generator(1).one("transactionAdded")
    payload["createdAt"] = f"a{char}b"
    [problem] = validator.validate(payload)
    assert problem.path == "$.createdAt"
    assert str(problem).isprintable() and len(str(problem).splitlines()) == 1
    assert char not in problem.message
    assert problem.message.endswith('is not of type "integer"')


def test_an_any_of_is_explained_by_the_branch_that_fits_by_type() -> None:
    """A nullable object with a wrong field: that field, not "not valid under anyOf"."""
    docs = copy.deepcopy(documents())
    nullable = {"type": "object", "required": ["x"], "properties": {"x": {"type": "integer"}}}
    docs["data/transactionAdded.json"]["properties"]["billNumber"] = {
        "anyOf": [nullable, {"type": "null"}]
    }
    validator = Validator(docs)
    payload = Generator(1).one("transactionAdded")
    explained = {}
    for value in ({"x": "1"}, {}, 5, None, {"x": 1}):
        payload["data"]["billNumber"] = value
        explained[repr(value)] = [str(p) for p in validator.validate(payload)]
    assert explained == {
        "{'x': '1'}": ['$.data.billNumber.x: "1" is not of type "integer"'],
        "{}": ['$.data.billNumber: "x" is a required property'],
        "5": ['$.data.billNumber: 5 is not of type "null" or "object"'],
        "None": [],
        "{'x': 1}": [],
    }
