"""The compiled fast path (capmock.schemacompile) says valid exactly when jsonschema does.

Differential: every event in both envelopes, payloads from several seeds with enrichment
and timezone companions on and off, and systematic mutations of them (each field removed,
null, of every other JSON type; an unknown field added to each object).  Then the JSON
Schema traps (booleans vs numbers, 1.0 as an integer, JSON equality in const/enum) on
hand-written schemas, and what falls back to fastjsonschema.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from capmock import catalog
from capmock.catalog.context import Options
from capmock.envelope import STYLES, Envelope
from capmock.generator import Generator
from capmock.schemacompile import Unsupported, compile_predicate, generate
from capmock.schemas import Validator, bundle, documents, load_dir

SEEDS = (1, 7, 42)
OPTIONS = [Options(enrich=e, tz_millis=t) for e in (True, False) for t in (True, False)]
# Replacements for a field: every JSON type, booleans and integral floats included.
WRONG: tuple[Any, ...] = (None, True, 7, 1.0, 2.5, "x", [], ["x"], {})
REMOVED = object()
SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"

FieldPath = tuple[str | int, ...]


@pytest.fixture(scope="module")
def docs() -> dict[str, Any]:
    return documents()


def payloads(event: str, style: str) -> list[dict[str, Any]]:
    """One payload per seed and options (enrichment, tz_millis) combination."""
    out = []
    for seed in SEEDS:
        for options in OPTIONS:
            gen = Generator(seed, options=options, envelope=Envelope(style))
            out.append(gen.one(event))
    return out


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


def mutated(payload: dict[str, Any], path: FieldPath, value: Any) -> dict[str, Any]:
    """The payload with the field at ``path`` replaced (or removed, for REMOVED), in place."""
    parent, key = _get(payload, path[:-1]), path[-1]
    if value is REMOVED:
        if isinstance(parent, dict):
            del parent[key]
        else:
            parent.pop(key)
    else:
        parent[key] = value
    return payload


def mutants(payload: dict[str, Any], seen: set[FieldPath]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(description, payload) for every mutation of a field not in ``seen`` (then added to
    it); the payload is mutated in place and restored after each."""
    for path in [p for p in paths(payload) if p not in seen]:
        seen.add(path)
        parent, key = _get(payload, path[:-1]), path[-1]
        original = parent[key]
        for value in (REMOVED, *WRONG):
            if value is not REMOVED and type(value) is type(original) and value == original:
                continue
            yield f"{path} = {value!r}", mutated(payload, path, value)
            if value is REMOVED and isinstance(parent, list):
                parent.insert(key, original)
            else:
                parent[key] = original
    for path in [p for p in objects(payload) if ("+", *p) not in seen]:
        seen.add(("+", *path))
        target = _get(payload, path)
        for extra in ({"zzUnknown": 1}, {"zzUnknown": None}):
            target.update(extra)
            yield f"{path} + {extra}", payload
            del target["zzUnknown"]


def _disagreements(
    check: Callable[[Any], bool], full: jsonschema.Draft202012Validator, cases: Any
) -> list[str]:
    return [f"{what}: fast {check(p)}" for what, p in cases if check(p) != full.is_valid(p)]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("event", catalog.names())
def test_fast_path_agrees_with_jsonschema(event: str, style: str, docs: dict[str, Any]) -> None:
    schema = bundle(docs, event, style)
    check = compile_predicate(schema)
    full = jsonschema.Draft202012Validator(schema)
    samples = payloads(event, style)
    assert all(check(p) for p in samples)
    assert all(full.is_valid(p) for p in samples)
    seen: set[FieldPath] = set()  # each field once, from whichever payload has it first
    for payload in samples:
        before = copy.deepcopy(payload)
        assert _disagreements(check, full, mutants(payload, seen)) == []
        assert payload == before  # every mutation was undone


def test_every_bundled_schema_compiles_without_falling_back(docs: dict[str, Any]) -> None:
    """From the catalog and from the files in schemas/ (as ``load_dir`` reads them)."""
    for documents_ in (docs, load_dir(SCHEMA_DIR)):
        for event in catalog.names():
            for style in STYLES:
                compile_predicate(bundle(documents_, event, style))  # else Unsupported


# ---- hand-written schemas: the traps --------------------------------------------------

TREE = {"type": "object", "properties": {"value": {"type": "integer"}}}
VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 1.0, -2.0, 1.5, 2**70, 1e300, float("inf"),
    "", "a", "abc", "x\n", "START", "2024-01-31",
    "\u0661\u0662\u0663\u0664-\u0660\u0661-\u0663\u0661",  # Arabic-Indic digits match \d
    [], [1], [1.0], [True], ["a", 1], [None], [[]], [{}],
    {}, {"a": 1}, {"a": 1.0}, {"a": True}, {"a": None}, {"a": "x", "b": [1]}, {"b": {}},
    {"value": 1, "children": [{"value": 2, "children": []}]},
    {"value": 1, "children": [{"value": "2"}]},
]  # fmt: skip
SCHEMAS: list[Any] = [
    True, False, {}, {"type": []},
    *({"type": t} for t in ("string", "integer", "number", "boolean", "null", "object", "array")),
    {"type": ["string", "integer", "null"]}, {"type": ["number", "boolean"]},
    {"const": 1}, {"const": 1.0}, {"const": True}, {"const": False}, {"const": 0},
    {"const": None}, {"const": "a"}, {"const": [1]}, {"const": [True]}, {"const": {"a": 1}},
    {"enum": [1, "a", None]}, {"enum": [True]}, {"enum": [[1], {"a": True}]}, {"enum": []},
    {"enum": ["a", "abc", "START"]}, {"enum": ["a", "b", "c", "d", "START", "abc"]},
    {"type": "string", "enum": ["a", "b", "c", "d", "START"]},
    {"pattern": "^\\d{4}-\\d{2}-\\d{2}$"}, {"type": "string", "pattern": "b"},
    {"type": ["string", "null"], "pattern": "^a"}, {"minLength": 1, "maxLength": 3},
    {"minimum": 0}, {"maximum": 1}, {"exclusiveMinimum": 0, "exclusiveMaximum": 1.5},
    {"type": "integer", "minimum": 1}, {"type": ["integer", "null"], "maximum": 0},
    {"minItems": 1, "maxItems": 1}, {"type": "array", "items": {"type": "integer"}},
    {"items": False}, {"items": {"type": ["string", "array"]}},
    {"minProperties": 1, "maxProperties": 1}, {"required": ["a"]},
    {"properties": {"a": {"type": "integer"}}, "required": ["a"]},
    {"properties": {"a": False}}, {"properties": {"a": True}, "required": ["a", "b"]},
    {"type": "object", "properties": {"a": {}}, "additionalProperties": False},
    {"properties": {"a": {}}, "additionalProperties": {"type": "array", "items": TREE}},
    {"anyOf": [{"type": "string"}, {"type": "null"}]},
    {"anyOf": [{"type": "object", "required": ["a"]}, {"type": "null"}]},
    {"anyOf": [{"type": "object", "required": ["a"]}, {"type": "array", "minItems": 1}]},
    {"oneOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]},
    {"allOf": [{"type": "object"}, {"properties": {"a": {"type": "number"}}}]},
    {"$ref": "#/$defs/tree", "$defs": {"tree": TREE}},
    {"$ref": "#/$defs/tree", "required": ["value"], "$defs": {"tree": {
        **TREE, "properties": {**TREE["properties"],
                               "children": {"type": "array", "items": {"$ref": "#/$defs/tree"}}},
    }}},
    {"title": "annotations", "format": "date", "examples": [1], "x-other": {"type": "null"}},
]  # fmt: skip


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: repr(s)[:60])
def test_traps_agree_with_jsonschema(schema: Any) -> None:
    check = compile_predicate(schema)
    full = jsonschema.Draft202012Validator(schema)
    assert [v for v in VALUES if check(v) != full.is_valid(v)] == []
    assert [v for v in VALUES if check({"a": v}) != full.is_valid({"a": v})] == []


@pytest.mark.parametrize(
    "schema",
    [
        {"not": {"type": "null"}},
        {"oneOf": [{"type": "integer"}, {"type": "number"}]},
        {"oneOf": [{"type": "object"}, {"required": ["a"]}]},
        {"patternProperties": {"^a": {}}},
        {"properties": {"a": {"$id": "https://example.com/a", "type": "string"}}},
        {"$ref": "other.json#/$defs/a"},
        {"$ref": "#/$defs/missing"},
        {"items": [{"type": "string"}]},
        {"prefixItems": [{"type": "string"}]},
        {"multipleOf": 2},
        {"type": "decimal"},
        {"pattern": "("},
        {"unevaluatedProperties": False},
    ],
    ids=repr,
)
def test_what_the_compiler_leaves_to_fastjsonschema(schema: Any) -> None:
    with pytest.raises(Unsupported):
        compile_predicate(schema)


def test_deep_nesting_is_split_into_functions() -> None:
    """Nesting beyond what one Python function may hold (indentation, loop blocks)."""
    deep: Any = {"type": "integer"}
    for level in range(70):
        deep = (
            {"type": "array", "items": deep}
            if level % 3 == 0
            else {"type": "object", "properties": {"a": deep}, "required": ["a"] * (level % 2)}
        )
    source, _ = generate(deep)
    assert source.count("def ") > 1
    value: Any = 1
    for level in range(70):
        value = [value] if level % 3 == 0 else {"a": value}
    check = compile_predicate(deep)
    full = jsonschema.Draft202012Validator(deep)
    assert check(value) and full.is_valid(value)
    broken = copy.deepcopy(value)
    inner = broken
    while not (isinstance(inner, list) and inner == [1]):
        inner = inner[0] if isinstance(inner, list) else inner["a"]
    inner[0] = True
    assert not check(broken) and not full.is_valid(broken)


def test_validator_falls_back_for_a_schema_beyond_the_subset(docs: dict[str, Any]) -> None:
    edited = copy.deepcopy(docs)
    body = edited["data/transactionAdded.json"]
    body["properties"]["amount"]["not"] = {"const": 13}
    validator = Validator(edited)
    with pytest.raises(Unsupported):
        compile_predicate(bundle(edited, "transactionAdded", "flat"))
    payload = Generator(1).one("transactionAdded")
    assert validator.validate(payload) == []
    payload["data"]["amount"] = 13
    assert [p.path for p in validator.validate(payload)] == ["$.data.amount"]


def test_validator_on_arbitrary_input() -> None:
    validator = Validator()
    for value in (None, 1, "x", [], [{"eventName": "pointsIssued"}]):
        assert validator.validate(value)[0].path == "$"
    assert validator.validate({})[0].message == "no event name found"
    assert "unknown event" in validator.validate({"eventName": "nope"})[0].message


def test_other_python_types_get_jsonschemas_verdict() -> None:
    """The fast path may doubt a dict subclass or a Decimal; jsonschema then decides."""
    from collections import OrderedDict
    from decimal import Decimal

    validator = Validator()
    payload = Generator(1).one("transactionAdded")
    odd = OrderedDict(payload, data=OrderedDict(payload["data"], amount=Decimal("10.5")))
    assert validator.validate(odd) == []
    odd["data"]["amount"] = Decimal("NaN")  # still a number
    assert validator.validate(odd) == []
    odd["data"]["billNumber"] = 5
    assert [p.path for p in validator.validate(odd)] == ["$.data.billNumber"]
