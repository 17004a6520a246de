"""JSON Schemas for every event and envelope: export to ``schemas/``, load, validate.

Layout of ``schemas/`` (all draft 2020-12):

* ``defs.json`` — shared definitions (customerIdentifiers, triggeringActivity, …) and the
  two envelopes (``flatEnvelope``, ``wrappedEnvelope``);
* ``data/<event>.json`` — the ``data`` body of one event;
* ``flat/<event>.json`` and ``wrapped/<event>.json`` — one event in one envelope.

The files are generated from the catalog declarations (``capmock schemas export``); a
test fails when they are out of date.  For validation each (event, envelope) schema is
bundled into one self-contained document and compiled once into a Python predicate
(:mod:`capmock.schemacompile`; ``fastjsonschema`` for a schema beyond its subset); only a
payload that fails is run through ``jsonschema``, which explains every problem and has the
last word.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema

from capmock import catalog
from capmock.catalog.fields import (
    ALWAYS,
    INT,
    STR,
    Schema,
    nullable,
    obj,
    opt,
    required_overlay,
    strip_required,
)
from capmock.catalog.shape import PER_EVENT
from capmock.envelope import STYLES, unwrap
from capmock.errors import did_you_mean
from capmock.schemacompile import Predicate, Unsupported, compile_predicate

DIALECT = "https://json-schema.org/draft/2020-12/schema"
BASE = "https://capmock.dev/schemas/"

# Envelope fields in PER_EVENT are required per event (``EventDef.envelope_optional``
# lifts them): sent with every event whose documented samples all have them.  The
# envelope definitions in defs.json require only what every sample of every event has.
_attributes = obj(
    createdAt=opt(INT),
    data=obj(),
    eventName=STR,
    refId=opt(STR),
    apiRequestId=opt(STR),
    orgId=INT,
    loyaltyEventId=opt(nullable(STR)),
)

ENVELOPES: dict[str, Schema] = {
    "flatEnvelope": obj(
        eventName=STR,
        eventId=opt(STR),  # capmock always sends one; older documented samples lack it
        orgId=INT,
        refId=opt(STR),
        apiRequestId=opt(STR),
        createdAt=opt(INT),
        data=obj(),
        loyaltyEventId=opt(nullable(STR)),
        eventLogId=opt(INT),
        eventSearchKey=opt(STR),
        traceAttributes=opt(obj()),
    ).to_schema(),
    "wrappedEnvelope": {
        **obj(
            eventId=STR,
            eventType=STR,
            timeStamp=INT,
            attributes=_attributes,
        ).to_schema(),
    },
}
ENVELOPES["wrappedEnvelope"]["properties"]["consumerGroupId"] = {
    "type": ["string", "integer", "null"]
}
ENVELOPES["wrappedEnvelope"]["properties"]["actionType"] = {"enum": ["START"]}
ENVELOPES["wrappedEnvelope"]["required"] += ["consumerGroupId", "actionType"]


# ---- documents -----------------------------------------------------------------------


def _local(schema: Any) -> Any:
    """Refs inside defs.json point into the same document."""
    if isinstance(schema, dict):
        return {
            k: (v.replace("../defs.json#", "#") if k == "$ref" else _local(v))
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_local(v) for v in schema]
    return schema


def defs_document() -> Schema:
    shared = catalog.shared_defs()
    defs = {name: _local(strip_required(node.to_schema())) for name, node in shared.items()}
    for name, node in shared.items():  # what a use requires unless it lifts members
        needs = required_overlay(node, shared, frozenset())
        if needs:
            defs[name + ALWAYS] = needs
    defs.update(ENVELOPES)
    return {"$schema": DIALECT, "$id": BASE + "defs.json", "$defs": defs}


def data_document(event: str) -> Schema:
    defn = catalog.get(event)
    body = defn.data.to_schema(catalog.shared_defs())
    return {
        "$schema": DIALECT,
        "$id": f"{BASE}data/{event}.json",
        "title": f"{event} data",
        "description": defn.description,
        **body,
    }


def event_document(event: str, style: str) -> Schema:
    defn = catalog.get(event)
    required = [f for f in PER_EVENT[style] if f not in defn.envelope_optional]
    core: Schema = {
        "type": "object",
        "properties": {"eventName": {"const": event}, "data": {"$ref": f"../data/{event}.json"}},
    }
    if required:
        core["required"] = required
    if style == "flat":
        props: Schema = core["properties"]
        outer = {"properties": props, **({"required": required} if required else {})}
    else:
        props = {"eventType": {"type": "string", "pattern": f"^([0-9]+_)?{event}$"}}
        props["attributes"] = core
        outer = {"properties": props}
    return {
        "$schema": DIALECT,
        "$id": f"{BASE}{style}/{event}.json",
        "title": f"{event} ({style} envelope)",
        "description": defn.description,
        "allOf": [{"$ref": f"../defs.json#/$defs/{style}Envelope"}],
        **outer,
    }


def documents() -> dict[str, Schema]:
    """Every schema file by its path relative to ``schemas/``."""
    from capmock.scenario.format_schema import scenario_schema

    docs = {"defs.json": defs_document(), "scenario.json": scenario_schema()}
    for event in catalog.names():
        docs[f"data/{event}.json"] = data_document(event)
        for style in STYLES:
            docs[f"{style}/{event}.json"] = event_document(event, style)
    return docs


def dump(doc: Schema) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def export(directory: Path) -> list[Path]:
    """Write all schema files; returns the paths written."""
    written = []
    for rel, doc in documents().items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(doc), encoding="utf-8")
        written.append(path)
    return written


def load_dir(directory: Path) -> dict[str, Schema]:
    return {
        str(p.relative_to(directory)): json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(directory.rglob("*.json"))
    }


# ---- bundling and validation ---------------------------------------------------------


def _rewrite(schema: Any, event: str) -> Any:
    if isinstance(schema, dict):
        out = {}
        for k, v in schema.items():
            if k == "$ref":
                out[k] = v.replace("../defs.json#", "#").replace(
                    f"../data/{event}.json", "#/$defs/__data"
                )
            elif k not in ("$schema", "$id"):
                out[k] = _rewrite(v, event)
        return out
    if isinstance(schema, list):
        return [_rewrite(v, event) for v in schema]
    return schema


def bundle(docs: dict[str, Schema], event: str, style: str) -> Schema:
    """One self-contained schema for (event, style) from the set of documents."""
    defs = {k: _rewrite(v, event) for k, v in docs["defs.json"]["$defs"].items()}
    defs["__data"] = _rewrite(docs[f"data/{event}.json"], event)
    root = _rewrite(docs[f"{style}/{event}.json"], event)
    root["$defs"] = defs
    return root


_DEFS_REF = "#/$defs/"


def inline_refs(schema: Schema) -> Schema:
    """A bundled schema with its ``#/$defs/…`` references replaced by the definitions.

    Only for compiling: fastjsonschema turns each reference into a function call (and
    builds the error-path prefix for it) even when the payload is valid.  A reference
    back into a definition being inlined (recursion) stays a reference.
    """
    defs = schema.get("$defs", {})
    out = {k: _inline(v, defs, ()) for k, v in schema.items() if k != "$defs"}
    out["$defs"] = defs
    return out


def _inline(node: Any, defs: dict[str, Any], seen: tuple[str, ...]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        name = ref[len(_DEFS_REF) :] if isinstance(ref, str) and ref.startswith(_DEFS_REF) else ""
        if name in defs and name not in seen and len(node) == 1:
            return _inline(defs[name], defs, (*seen, name))
        return {k: _inline(v, defs, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs, seen) for v in node]
    return node


@dataclass(frozen=True)
class Problem:
    """One reason a payload does not conform: where (JSON path) and why."""

    path: str
    message: str
    event: str | None = None
    style: str | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _json_path(parts: Any) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


class Validator:
    """Compiled validators for every (event, envelope), built lazily and kept."""

    def __init__(self, docs: dict[str, Schema] | None = None) -> None:
        self.docs = docs if docs is not None else documents()
        self._fast: dict[tuple[str, str], Predicate] = {}
        self._full: dict[tuple[str, str], jsonschema.Draft202012Validator] = {}

    def events(self) -> list[str]:
        return sorted(k[len("data/") : -5] for k in self.docs if k.startswith("data/"))

    def fast(self, event: str, style: str) -> Predicate:
        """``check(payload) -> bool`` for (event, style), compiled on first use and kept.

        True means valid.  False is exact for JSON values; for other Python objects it
        may mean only "not proven valid", so :meth:`validate` asks jsonschema then.
        """
        key = (event, style)
        if key not in self._fast:
            self._fast[key] = _compile(bundle(self.docs, event, style))
        return self._fast[key]

    def full(self, event: str, style: str) -> jsonschema.Draft202012Validator:
        key = (event, style)
        if key not in self._full:
            self._full[key] = jsonschema.Draft202012Validator(bundle(self.docs, event, style))
        return self._full[key]

    def explain(self, payload: Any, event: str, style: str) -> list[Problem]:
        errors = sorted(self.full(event, style).iter_errors(payload), key=lambda e: list(e.path))
        return [Problem(_json_path(e.absolute_path), e.message, event, style) for e in errors]

    def validate(self, payload: Any) -> list[Problem]:
        if not isinstance(payload, dict):
            return [Problem("$", f"expected a JSON object, got {type(payload).__name__}")]
        event, style, _ = unwrap(payload)
        if event is None or style is None:
            return self._unknown(event, style)
        check = self._fast.get((event, style))
        if check is None:
            if problems := self._unknown(event, style):
                return problems
            check = self.fast(event, style)
        if check(payload):
            return []
        return self.explain(payload, event, style)  # empty if only the fast path doubted it

    def _unknown(self, event: str | None, style: str | None) -> list[Problem]:
        """The problem when a payload names no event, or one with no schema."""
        where = "$.attributes.eventName" if style == "wrapped" else "$.eventName"
        if event is None:
            return [Problem(where, "no event name found", None, style)]
        if f"data/{event}.json" not in self.docs:
            guess = did_you_mean(event, self.events())
            hint = f" — did you mean '{guess}'?" if guess else ""
            return [Problem(where, f"unknown event '{event}'{hint}", event, style)]
        return []


def _compile(schema: Schema) -> Predicate:
    """The generated predicate; fastjsonschema for a schema beyond the compiler's subset."""
    try:
        return compile_predicate(schema)
    except Unsupported:
        pass
    validate = fastjsonschema.compile(inline_refs(schema), use_formats=False)

    def check(payload: Any) -> bool:
        try:
            validate(payload)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    return check


@cache
def default_validator() -> Validator:
    return Validator()


def validate(payload: Any) -> list[Problem]:
    """Problems with a payload (flat or wrapped, detected); empty when it conforms."""
    return default_validator().validate(payload)
