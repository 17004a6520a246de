"""``schemas/scenario.json``: the JSON Schema of the scenario format, generated from the
step declarations in ``spec.py`` (``capmock schemas export`` writes it)."""

from __future__ import annotations

from typing import Any

from capmock.scenario.spec import (
    COMMON,
    CUSTOMER_KEYS,
    KINDS,
    OPTION_KEYS,
    STEPS,
    Param,
    StepSpec,
)

_KIND_SCHEMAS: dict[str, dict[str, Any]] = {
    "customer": {"type": "string"},
    "int": {"type": "integer"},
    "number": {"type": "number"},
    "string": {"type": "string"},
    "bool": {"type": "boolean"},
    "duration": {
        "anyOf": [
            {"type": "number"},
            {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(ms|s|m|h|d|w)\s*$"},
        ]
    },
    "ref": {"type": "string"},
    "tier": {"type": ["string", "integer"]},
    "mapping": {"type": "object"},
    "list": {"type": "array"},
    "event": {"type": "string"},
    "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    "expect": {"$ref": "#/$defs/expect"},
}


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
    "anyOf": [
        _STATUS,
        {"type": "array", "items": _STATUS, "minItems": 1},
        {
            "type": "object",
            "required": ["status"],
            "additionalProperties": False,
            "properties": {
                "status": {"anyOf": [_STATUS, {"type": "array", "items": _STATUS}]}
            },
        },
    ],
}


def _step_schema(step: StepSpec) -> dict[str, Any]:
    params = {
        p.name: {**_KIND_SCHEMAS[p.kind], "description": p.doc or spec_kind(p)} for p in step.params
    }
    common = {p.name: _KIND_SCHEMAS[p.kind] for p in COMMON}
    args: dict[str, Any] = {
        "type": "object",
        "properties": {**params, **common},
        "additionalProperties": False,
    }
    required = [p.name for p in step.params if p.required]
    if required:
        args["required"] = required
    forms: list[dict[str, Any]] = [args, {"type": "null"}]
    if step.primary is not None:
        forms.append(_KIND_SCHEMAS[step.param(step.primary).kind])  # type: ignore[union-attr]
    props: dict[str, Any] = {step.name: {"anyOf": forms}, "as": {"type": "string"}}
    props |= {p.name: _KIND_SCHEMAS[p.kind] for p in (*step.params, *COMMON)}
    if step.nested:
        props["steps"] = {"$ref": "#/$defs/steps"}
    return {
        "type": "object",
        "description": step.doc,
        "required": [step.name],
        "properties": props,
        "additionalProperties": False,
    }


def spec_kind(p: Param) -> str:
    return KINDS[p.kind]


def scenario_schema() -> dict[str, Any]:
    branches = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "weight": {"type": "number", "minimum": 0},
                "steps": {"$ref": "#/$defs/steps"},
            },
            "additionalProperties": False,
        },
    }
    steps = [_step_schema(s) for s in STEPS.values()]
    steps[[s.name for s in STEPS.values()].index("choose")]["properties"]["choose"] = branches
    customer = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            k: ({"type": "integer", "minimum": 0} if k == "crowd" else {"type": "string"})
            for k in sorted(CUSTOMER_KEYS)
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://capmock.dev/schemas/scenario.json",
        "title": "capmock scenario",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string"},
            "description": {"type": "string"},
            "seed": {"type": "integer"},
            "start": {"type": "string"},
            "include": {
                "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
            },
            "org": {"type": "object"},
            "envelope": {"enum": ["flat", "wrapped"]},
            "options": {
                "type": "object",
                "additionalProperties": False,
                "properties": {k: {"type": "boolean"} for k in sorted(OPTION_KEYS)},
            },
            "customers": {
                "type": "object",
                "additionalProperties": {"anyOf": [{"type": "null"}, customer]},
            },
            "steps": {"$ref": "#/$defs/steps"},
            "delivery": {"type": "object"},
            "consumer": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "state": {"type": "string"},
                    "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                    "within": _KIND_SCHEMAS["duration"],
                },
            },
            "expect": {"$ref": "#/$defs/expect"},
        },
        "$defs": {
            "steps": {"type": "array", "items": {"$ref": "#/$defs/step"}},
            "step": {"oneOf": steps},
            "expect": _EXPECT_SCHEMA,
        },
    }
