"""JSON Schemas for every event and envelope: export to ``schemas/``, load, validate.

Layout of ``schemas/`` (all draft 2020-12):

* ``defs.json`` — shared definitions (customerIdentifiers, triggeringActivity, …) and the
  two envelopes (``flatEnvelope``, ``wrappedEnvelope``);
* ``data/<event>.json`` — the ``data`` body of one event;
* ``flat/<event>.json`` and ``wrapped/<event>.json`` — one event in one envelope.

The files are generated from the catalog declarations (``capmock schemas export``); a
test fails when they are out of date.  ``schemas/scenario.json`` (the scenario format) is
not the catalog's: the scenario layer makes it and the CLI passes it in as an extra
document.  For validation each (event, envelope) schema is bundled into one self-contained
document and compiled once with ``jsonschema-rs``, which answers valid / not valid fast
and, for a payload that fails, lists every problem with its JSON path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from capmock import catalog
from capmock.catalog.fields import INT, STR, Schema, nullable, obj, opt
from capmock.catalog.shape import PER_EVENT
from capmock.envelope import STYLES, unwrap
from capmock.errors import did_you_mean

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
    defs = {name: _local(node.to_schema(shared)) for name, node in shared.items()}
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


def documents(extra: Mapping[str, Schema] | None = None) -> dict[str, Schema]:
    """Every schema file by its path relative to ``schemas/``: the catalog's, and the
    ``extra`` documents of the layers above (the CLI adds ``scenario.json``)."""
    docs = {"defs.json": defs_document(), **(extra or {})}
    for event in catalog.names():
        docs[f"data/{event}.json"] = data_document(event)
        for style in STYLES:
            docs[f"{style}/{event}.json"] = event_document(event, style)
    return docs


def dump(doc: Schema) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def export(directory: Path, docs: Mapping[str, Schema] | None = None) -> list[Path]:
    """Write all schema files (``docs``, by default the catalog's); the paths written."""
    written = []
    for rel, doc in (documents() if docs is None else docs).items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(doc), encoding="utf-8")
        written.append(path)
    return written


def stale(directory: Path, docs: Mapping[str, Schema]) -> list[str]:
    """The documents whose file in ``directory`` is missing or differs from them."""
    return [
        rel
        for rel, doc in docs.items()
        if not (directory / rel).is_file() or (directory / rel).read_text("utf-8") != dump(doc)
    ]


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
    """A jsonschema-rs validator for every (event, envelope), built on first use and kept."""

    def __init__(self, docs: dict[str, Schema] | None = None) -> None:
        self.docs = docs if docs is not None else documents()
        self._compiled: dict[tuple[str, str], jsonschema_rs.Validator] = {}

    def events(self) -> list[str]:
        return sorted(k[len("data/") : -5] for k in self.docs if k.startswith("data/"))

    def compiled(self, event: str, style: str) -> jsonschema_rs.Validator:
        """The validator of the bundled (event, style) schema, compiled once."""
        key = (event, style)
        if key not in self._compiled:
            schema = bundle(self.docs, event, style)
            self._compiled[key] = jsonschema_rs.Draft202012Validator(schema)
        return self._compiled[key]

    def explain(self, payload: Any, event: str, style: str) -> list[Problem]:
        """Every problem with the payload, by JSON path (empty when it conforms)."""
        try:
            errors = self.compiled(event, style).iter_errors(payload)
            reasons = [(r.instance_path, _message(r)) for e in errors for r in _reasons(e)]
        except ValueError as err:  # not a JSON value, or nested too deep to describe
            return [Problem("$", _unexplained(err), event, style)]
        reasons.sort(key=lambda r: list(r[0]))
        return [
            Problem(_readable(_json_path(path)), _readable(message), event, style)
            for path, message in reasons
        ]

    def validate(self, payload: Any) -> list[Problem]:
        if not isinstance(payload, dict):
            return [Problem("$", f"expected a JSON object, got {_json_type(payload)}")]
        # The common case first: a flat payload of an event already compiled needs no
        # unwrap() (which would say the same)
        name = payload.get("eventName")
        plain = isinstance(name, str) and "attributes" not in payload and "object" not in payload
        check = self._compiled.get((name, "flat")) if plain else None
        event, style = name, "flat"
        if check is None:
            event, style, _ = unwrap(payload)
            if event is None or style is None:
                return self._unknown(event, style)
            check = self._compiled.get((event, style))
            if check is None:
                if problems := self._unknown(event, style):
                    return problems
                check = self.compiled(event, style)
        try:
            if check.is_valid(payload):
                return []
        except ValueError:
            pass  # not a JSON value: explain() says so
        return self.explain(payload, event, style)

    def _unknown(self, event: str | None, style: str | None) -> list[Problem]:
        """The problem when a payload names no event, or one with no schema."""
        where = "$.attributes.eventName" if style == "wrapped" else "$.eventName"
        if event is None:
            message = ("no event name found: a flat payload names it in eventName, a "
                       "wrapped one in attributes.eventName or eventType")
            return [Problem(where, message, None, style)]
        if f"data/{event}.json" not in self.docs:
            guess = did_you_mean(event, self.events()) if len(event) <= 100 else None
            hint = f" — did you mean '{guess}'?" if guess else ""
            return [Problem(where, f"unknown event '{shown(event)}'{hint}", event, style)]
        return []


_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
MAX_MESSAGE = 200  # characters; a message quoting a large value keeps its start and its end
_Kind = jsonschema_rs.ValidationErrorKind


def _reasons(error: jsonschema_rs.ValidationError) -> list[jsonschema_rs.ValidationError]:
    """The error; for an ``anyOf`` that one branch fits by type (a nullable object that
    misses a field), that branch's errors instead: they say what is wrong."""
    if not isinstance(error.kind, _Kind.AnyOf):
        return [error]
    fits = [b for b in error.kind.context if not _type_mismatch(b, error.instance_path)]
    if len(fits) != 1:
        return [error]
    return [r for sub in fits[0] for r in _reasons(sub)]


def _type_mismatch(branch: list[jsonschema_rs.ValidationError], at: list[Any]) -> bool:
    return any(isinstance(e.kind, _Kind.Type) and e.instance_path == at for e in branch)


def _message(error: jsonschema_rs.ValidationError) -> str:
    """jsonschema-rs's message; for an ``anyOf`` of types, the types wanted."""
    if not isinstance(error.kind, _Kind.AnyOf):
        return error.message
    branches = [e for b in error.kind.context for e in b]
    at = error.instance_path
    if not all(isinstance(e.kind, _Kind.Type) and e.instance_path == at for e in branches):
        return error.message
    wanted = sorted({t for e in branches for t in e.kind.types})
    value = branches[0].message.split(" is not of type")[0]
    return f"{value} is not of type {' or '.join(json.dumps(t) for t in wanted)}"


def _json_type(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "number"
    return _JSON_TYPES.get(type(value), type(value).__name__)


def shown(name: str, limit: int = 60) -> str:
    """A name taken from a payload, safe to print on one line: as is when short and
    printable, else JSON-escaped and cut at ``limit`` characters."""
    if len(name) <= limit and name.isprintable():
        return name
    cut = json.dumps(name[:limit])[1:-1]
    return cut + ("…" if len(name) > limit else "")


def _readable(text: str) -> str:
    """One printable line of at most MAX_MESSAGE characters: a character that is not
    printable (a newline, U+0085, U+2028…) escaped as in JSON, and the middle of a long
    quoted value cut out (the reason is at the end)."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else json.dumps(c)[1:-1] for c in text)
    if len(text) <= MAX_MESSAGE:
        return text
    head = MAX_MESSAGE // 3
    return f"{text[:head]}…{text[len(text) - (MAX_MESSAGE - head - 1) :]}"


def _unexplained(err: ValueError) -> str:
    if "recursion" in str(err).lower():
        return "does not conform, and is nested too deeply to say where"
    return f"not a JSON value: {err}"


@cache
def default_validator() -> Validator:
    return Validator()


def validate(payload: Any) -> list[Problem]:
    """Problems with a payload (flat or wrapped, detected); empty when it conforms."""
    return default_validator().validate(payload)
