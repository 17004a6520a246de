"""``schemas/scenario.json``: the JSON Schema of the scenario format, generated from the
step declarations in ``spec/`` (``capmock schemas export`` writes it).

The loader validates every scenario against it (``scenario/schemacheck.py``). So that its
errors can be told in the scenario's own words, subschemas carry a few annotations that
validators ignore: ``x-kind`` (a ``spec.KINDS`` name), ``x-what`` and ``x-owner`` (what
the mapping is, for "unknown … key" and "… needs …" messages), ``x-message-<keyword>``
(the message when that keyword fails there), ``x-at``, ``x-hint`` and ``x-needs`` (the
parameter a "needs" message is about).
"""

from __future__ import annotations

from typing import Any

from capmock.catalog.shape import FIELDS
from capmock.model.fake import LOCALES
from capmock.scenario.spec import (
    COMMON,
    CUSTOMER_KEYS,
    KINDS,
    OPTION_KEYS,
    STEPS,
    Param,
    StepSpec,
)

# The largest amount, points or other number a scenario may give (and the default floor).
MAX_NUMBER = 1e12
MAX_INT = 2**53
DURATION_PATTERN = r"^\s*\d+(\.\d+)?\s*(ms|s|m|h|d|w)\s*$"

_KIND_SCHEMAS: dict[str, dict[str, Any]] = {
    "customer": {"type": "string"},
    "int": {"type": "integer", "minimum": 0, "maximum": MAX_INT},
    "number": {"type": "number", "minimum": 0, "maximum": MAX_NUMBER},
    "string": {"type": "string"},
    "bool": {"type": "boolean"},
    "duration": {
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": MAX_NUMBER},
            {"type": "string", "pattern": DURATION_PATTERN},
        ]
    },
    "ref": {"type": "string"},
    "tier": {"type": ["string", "integer"]},
    "mapping": {"type": "object"},
    "list": {"type": "array"},
    "event": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "expect": {"$ref": "#/$defs/expect"},
}


def kind_schema(kind: str, low: float | None = None, high: float | None = None) -> dict[str, Any]:
    """The schema of a value of ``kind`` (bounds override the kind's), annotated."""
    out = {**_KIND_SCHEMAS[kind], "x-kind": kind}
    if low is not None:
        out["minimum"] = low
    if high is not None:
        out["maximum"] = high
    return out


def _param(p: Param) -> dict[str, Any]:
    if p.name == "branches":
        return {"$ref": "#/$defs/branches"}
    if p.name == "note":  # free text, ignored: anything goes
        return {"description": p.doc}
    return {**kind_schema(p.kind, p.low, p.high), "description": p.doc or KINDS[p.kind]}


_STATUS = {
    "anyOf": [
        {"type": "integer", "minimum": 100, "maximum": 599},
        {
            "type": "string",
            "pattern": r"^([1-5][xX]{2}|[Rr]eject(ed)?|[Aa]ccept|[Aa]ck|[1-5][0-9]{2})$",
        },
    ]
}
_EXPECT_SCHEMA: dict[str, Any] = {
    "description": KINDS["expect"],
    "x-kind": "expect",
    "anyOf": [
        _STATUS,
        {"type": "array", "items": _STATUS, "minItems": 1},
        {
            "type": "object",
            "required": ["status"],
            "additionalProperties": False,
            "properties": {"status": {"anyOf": [_STATUS, {"type": "array", "items": _STATUS}]}},
        },
    ],
}


def _needs(step: StepSpec, p: Param) -> dict[str, Any]:
    """``p`` given in the arguments, beside the action, or as the shorthand value."""
    forms: list[dict[str, Any]] = [
        {"required": [p.name]},
        {"properties": {step.name: {"type": "object", "required": [p.name]}}},
    ]
    if step.primary == p.name:
        forms.append({"properties": {step.name: {"not": {"type": ["object", "null"]}}}})
    return {
        "x-message-anyOf": f"'{step.name}' needs '{p.name}' ({KINDS[p.kind]})",
        "x-at": step.name,
        "x-needs": p.name,
        "anyOf": forms,
    }


def _step_schema(step: StepSpec) -> dict[str, Any]:
    own = {p.name: _param(p) for p in step.params}
    common = {p.name: _param(p) for p in COMMON}
    args: dict[str, Any] = {
        "type": "object",
        "x-what": f"parameter for '{step.name}'",
        "properties": {**own, **common},
        "additionalProperties": False,
    }
    value: dict[str, Any] = {"if": {"type": "object"}, "then": args}
    if step.primary is None:
        value |= {"type": ["object", "null"], "x-message-type": f"'{step.name}' takes a mapping"}
    else:  # a shorthand value's errors read as the primary's
        primary = _param(step.param(step.primary))  # type: ignore[arg-type]
        value["else"] = {"if": {"type": "null"}, "else": primary}
    props: dict[str, Any] = {step.name: value, "as": kind_schema("string")}
    props |= {p.name: _param(p) for p in (*step.params, *COMMON)}
    if step.nested:
        props["steps"] = {"$ref": "#/$defs/steps"}
    out: dict[str, Any] = {
        "type": "object",
        "description": step.doc,
        "x-what": f"key for '{step.name}'",
        "x-step": step.name,
        "required": [step.name],
        "properties": props,
        "additionalProperties": False,
    }
    needs = [_needs(step, p) for p in step.params if p.required]
    if needs:
        out["allOf"] = needs
    return out


def _number(low: float = 0, high: float = MAX_NUMBER) -> dict[str, Any]:
    return {"type": "number", "minimum": low, "maximum": high, "x-kind": "number"}


def _mapping(what: str, props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    out = {"type": "object", "x-what": what, "properties": props, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    return out


def _org() -> dict[str, Any]:
    string, whole = kind_schema("string"), kind_schema("int", low=1)
    tier = {
        "anyOf": [
            {"type": "string"},
            _mapping("tier key", {"name": string, "threshold": _number()}, ("name",)),
        ]
    }
    program = _mapping(
        "program key",
        {
            "id": whole,
            "name": string,
            "default": kind_schema("bool"),
            "points_per_currency": _number(0, 1e6),
            "points_to_currency_ratio": _number(0, 1e6),
            "expiry": kind_schema("duration"),
            "tiers": {"type": "array", "items": tier, "x-kind": "list"},
            "tier_basis": {"enum": ["lifetime_points", "spend"]},
            "downgrade_on_return": kind_schema("bool"),
            "promised_conversion": kind_schema("duration"),
        },
    )
    target = _mapping(
        "target key",
        {
            "name": string,
            "metric": {"enum": ["spend", "visits"]},
            "value": _number(),
            "group": string,
        },
        ("name",),
    )
    level = {**kind_schema("int", low=1), "description": "a streak level: a whole number > 0"}
    streak = _mapping(
        "streak key",
        {"name": string, "levels": {"type": "array", "items": level, "x-kind": "list"}},
        ("name",),
    )
    out = _mapping(
        "org key",
        {
            "id": whole,
            "locale": {"enum": list(LOCALES)},
            "currency": string,
            "programs": {"type": "array", "items": program, "x-kind": "list"},
            "targets": {"type": "array", "items": target, "x-kind": "list"},
            "streaks": {"type": "array", "items": streak, "x-kind": "list"},
            "stores": kind_schema("int", low=1, high=100_000),
            "event_type_prefix": kind_schema("bool"),
        },
    )
    for what, item in (("a program", program), ("a target", target), ("a streak", streak)):
        item["x-owner"] = what
    return out


def _customers() -> dict[str, Any]:
    props: dict[str, Any] = {k: kind_schema("string") for k in sorted(CUSTOMER_KEYS)}
    props["crowd"] = {**kind_schema("int"), "description": "this many customers, made up"}
    props["tier"] = kind_schema("tier")
    customer = _mapping("customer key", props)
    customer["type"] = ["object", "null"]
    customer["x-message-type"] = "a customer is a mapping like {first_name: Asha}, or empty"
    return {"type": "object", "x-kind": "mapping", "additionalProperties": customer}


def scenario_schema() -> dict[str, Any]:
    branch = _mapping(
        "key for a branch",
        {"weight": _number(), "steps": {"$ref": "#/$defs/steps"}, "note": kind_schema("string")},
    )
    step = {
        "type": "object",
        "x-what": "step",
        "x-message-type": "a step is a mapping like `- transact: {customer: alice, amount: 100}`",
        "anyOf": [{"required": [name]} for name in STEPS],
        "allOf": [
            {"if": {"type": "object", "required": [name]}, "then": {"$ref": f"#/$defs/step.{name}"}}
            for name in STEPS
        ],
    }
    defs: dict[str, Any] = {
        "steps": {"type": "array", "items": {"$ref": "#/$defs/step"}, "x-kind": "list"},
        "step": step,
        "branches": {"type": "array", "items": branch, "x-kind": "list"},
        "expect": _EXPECT_SCHEMA,
    }
    defs |= {f"step.{s.name}": _step_schema(s) for s in STEPS.values()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://capmock.dev/schemas/scenario.json",
        "title": "capmock scenario",
        **_mapping(
            "top-level key",
            {
                "name": kind_schema("string"),
                "description": kind_schema("string"),
                "seed": kind_schema("int"),
                "start": {**kind_schema("string"), "description": "ISO 8601 instant"},
                "include": {
                    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
                },
                "org": _org(),
                "envelope": {"enum": ["flat", "wrapped"]},
                "options": _mapping(
                    "option",
                    {k: kind_schema("bool") if k != "fields" else {"enum": list(FIELDS)}
                     for k in sorted(OPTION_KEYS)},
                ),
                "customers": _customers(),
                "steps": {"$ref": "#/$defs/steps"},
                "delivery": kind_schema("mapping"),
                "consumer": _mapping(
                    "consumer key",
                    {
                        "state": {
                            "type": "string",
                            "pattern": r"\{customerId\}",
                            "x-kind": "string",
                            "x-message-pattern": "state must be a URL template with {customerId}",
                            "x-hint": 'e.g. "GET {base}/customers/{customerId}"',
                        },
                        "headers": {
                            "type": "object",
                            "x-kind": "mapping",
                            "additionalProperties": {"type": "string"},
                        },
                        "within": kind_schema("duration"),
                    },
                ),
                "expect": {"$ref": "#/$defs/expect"},
            },
            ("steps",),
        ),
        "x-owner": "a scenario",
        "$defs": defs,
    }
