"""A small type language for event bodies, from which the JSON Schemas are generated.

Each catalog event declares its ``data`` body with these nodes.  One declaration is the
single source of truth: ``to_schema`` turns it into JSON Schema (draft 2020-12, using only
keywords that draft-07 validators also understand, so a fast compiled validator and
``jsonschema`` agree), and the catalog's builders fill the same names with values.

Conventions, as Capillary sends them: ids are integers, mobiles strings, amounts numbers,
dates ``YYYY-MM-DD`` strings, timestamps epoch milliseconds (integers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}"

Schema = dict[str, Any]
Defs = Mapping[str, "Node"]
ALWAYS = "Always"  # defs.json: "<name>Always", the members of <name> a use always sends


class Node:
    """A type in an event body.

    ``to_schema(defs)``: with the shared definitions given, a reference to one also
    states which of its members this use always sends (see :class:`Ref`).
    """

    def to_schema(self, defs: Defs | None = None) -> Schema:
        raise NotImplementedError

    def refs(self) -> set[str]:
        """Names of shared definitions this node uses (transitively through children)."""
        return set()


@dataclass(frozen=True)
class Scalar(Node):
    type: str | tuple[str, ...]
    enum: tuple[Any, ...] | None = None
    pattern: str | None = None

    def to_schema(self, defs: Defs | None = None) -> Schema:
        schema: Schema = {"type": list(self.type) if isinstance(self.type, tuple) else self.type}
        if self.enum is not None:
            schema["enum"] = list(self.enum)
        if self.pattern is not None:
            schema["pattern"] = self.pattern
        return schema


@dataclass(frozen=True)
class Ref(Node):
    """A shared definition, emitted as ``$ref`` into ``schemas/defs.json``.

    Required-ness is per use, not global: ``defs.json`` declares only the shape of a
    definition, and each use adds (``allOf``) the members that event always sends — the
    definition's required members (``<name>Always`` in defs.json) or, with ``optional``,
    those less the dotted paths inside the definition (``"enteredBy"``, ``"instore.mobile"``,
    ``"accounts.identifiers"``) that this event's documented samples lack, stated inline.
    """

    name: str
    optional: tuple[str, ...] = ()

    def to_schema(self, defs: Defs | None = None) -> Schema:
        target = {"$ref": f"../defs.json#/$defs/{self.name}"}
        if defs is None:
            return target
        needs = required_overlay(defs[self.name], defs, frozenset(self.optional))
        if needs and not self.optional:
            needs = {"$ref": f"../defs.json#/$defs/{self.name}{ALWAYS}"}
        return {"allOf": [target, needs]} if needs else target

    def refs(self) -> set[str]:
        return {self.name}


@dataclass(frozen=True)
class Nullable(Node):
    inner: Node

    def to_schema(self, defs: Defs | None = None) -> Schema:
        return {"anyOf": [self.inner.to_schema(defs), {"type": "null"}]}

    def refs(self) -> set[str]:
        return self.inner.refs()


@dataclass(frozen=True)
class Arr(Node):
    items: Node | None = None

    def to_schema(self, defs: Defs | None = None) -> Schema:
        schema: Schema = {"type": "array"}
        if self.items is not None:
            schema["items"] = self.items.to_schema(defs)
        return schema

    def refs(self) -> set[str]:
        return self.items.refs() if self.items is not None else set()


@dataclass(frozen=True)
class Field:
    node: Node
    required: bool = True
    tz_millis: bool = False  # with timezone standardisation, a `<name>InMillis` companion


@dataclass(frozen=True)
class Obj(Node):
    fields: dict[str, Field] = field(default_factory=dict)

    def to_schema(self, defs: Defs | None = None) -> Schema:
        props: Schema = {}
        required: list[str] = []
        for name, f in self.fields.items():
            props[name] = f.node.to_schema(defs)
            if f.required:
                required.append(name)
            if f.tz_millis:
                # epoch ms as sent; seed 001's field tables type them String
                props[f"{name}InMillis"] = {"type": ["integer", "string"]}
        schema: Schema = {"type": "object", "properties": props}
        if required:
            schema["required"] = required
        return schema

    def refs(self) -> set[str]:
        out: set[str] = set()
        for f in self.fields.values():
            out |= f.node.refs()
        return out

    def extend(self, **more: Node | Field) -> Obj:
        return Obj({**self.fields, **_fields(more)})


class Any_(Node):
    def to_schema(self, defs: Defs | None = None) -> Schema:
        return {}


@dataclass(frozen=True)
class OneOf(Node):
    """A member whose documented type varies (a field table and a sample disagree)."""

    options: tuple[Node, ...]

    def to_schema(self, defs: Defs | None = None) -> Schema:
        return {"anyOf": [o.to_schema(defs) for o in self.options]}

    def refs(self) -> set[str]:
        return set().union(*(o.refs() for o in self.options))


# ---- required-ness per use of a shared definition -----------------------------------


def resolve(node: Node, defs: Defs) -> tuple[Node, frozenset[str]]:
    """(the node behind ``node``, the member paths its use leaves optional)."""
    if isinstance(node, Ref):
        return defs[node.name], frozenset(node.optional)
    return node, frozenset()


def _below(optional: frozenset[str], name: str) -> frozenset[str]:
    cut = len(name) + 1
    return frozenset(p[cut:] for p in optional if p.startswith(name + "."))


def required_overlay(node: Node, defs: Defs, optional: frozenset[str]) -> Schema:
    """The ``required`` constraints of ``node`` (through nested definitions), less the
    ``optional`` paths: a schema with only ``required``/``properties``/``items``, which
    constrains objects and arrays and lets every other value through."""
    if isinstance(node, Ref):
        inner, own = resolve(node, defs)
        return required_overlay(inner, defs, optional | own)
    if isinstance(node, Nullable):
        return required_overlay(node.inner, defs, optional)
    if isinstance(node, OneOf):
        return {}
    if isinstance(node, Arr):
        items = required_overlay(node.items, defs, optional) if node.items else {}
        return {"items": items} if items else {}
    if not isinstance(node, Obj):
        return {}
    out: Schema = {}
    required = [n for n, f in node.fields.items() if f.required and n not in optional]
    if required:
        out["required"] = required
    props = {}
    for name, f in node.fields.items():
        sub = required_overlay(f.node, defs, _below(optional, name))
        if sub:
            props[name] = sub
    if props:
        out["properties"] = props
    return out


def strip_required(schema: Any) -> Any:
    """A definition's schema with every ``required`` removed: its shape only."""
    if isinstance(schema, list):
        return [strip_required(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: Schema = {}
    for key, value in schema.items():
        if key == "required":
            continue
        if key == "properties":
            out[key] = {n: strip_required(v) for n, v in value.items()}
        else:
            out[key] = strip_required(value)
    return out


# ---- constructors used by the catalog modules ----------------------------------------

STR = Scalar("string")
INT = Scalar("integer")
NUM = Scalar("number")
BOOL = Scalar("boolean")
DATE = Scalar("string", pattern=DATE_PATTERN)
DATETIME = Scalar("string", pattern=DATETIME_PATTERN)
MILLIS = Scalar("integer")
ANY = Any_()
ID_STR = Scalar("string")


def enum(*values: Any, lower: bool = False) -> Scalar:
    """One of ``values``; ``lower=True`` also accepts their lower-case spellings, for
    enums the docs show both ways (``loyaltyType`` "LOYALTY" and "loyalty")."""
    if lower:
        values = (*values, *(v.lower() for v in values if v.lower() != v))
    kinds = {type(v) for v in values}
    json_type = (
        "string" if kinds == {str} else ("integer" if kinds == {int} else ("string", "integer"))
    )
    return Scalar(json_type, enum=tuple(values))


def ref(name: str, *, optional: tuple[str, ...] = ()) -> Ref:
    """The shared definition ``name``; ``optional``: its members this event may omit."""
    return Ref(name, optional)


def either(*options: Node) -> OneOf:
    return OneOf(options)


def arr(items: Node | None = None) -> Arr:
    return Arr(items)


def nullable(node: Node) -> Nullable:
    return Nullable(node)


def opt(node: Node, *, tz_millis: bool = False) -> Field:
    return Field(node, required=False, tz_millis=tz_millis)


def req(node: Node, *, tz_millis: bool = False) -> Field:
    return Field(node, required=True, tz_millis=tz_millis)


def _fields(spec: dict[str, Node | Field]) -> dict[str, Field]:
    return {k: v if isinstance(v, Field) else Field(v) for k, v in spec.items()}


def obj(**spec: Node | Field) -> Obj:
    """An object; plain nodes are required fields, ``opt(...)`` ones optional."""
    return Obj(_fields(spec))


def tz_fields(node: Obj) -> list[str]:
    """Top-level field names that get `…InMillis` companions."""
    return [name for name, f in node.fields.items() if f.tz_millis]
