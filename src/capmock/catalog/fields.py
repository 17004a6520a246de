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


class Node:
    """A type in an event body.

    ``to_schema(defs)``: with the shared definitions given, a reference whose use lifts
    required members of the definition is stated inline, specialised (see :class:`Ref`).
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

    Required-ness is per use, not global: a definition's ``required`` members are what a
    use requires by default, and an event whose documented samples lack some names them
    in ``optional`` (dotted paths inside the definition: ``"name"``, ``"instore.mobile"``,
    ``"line.accounts.identifiers.identifierType"``); that use is then stated inline, the
    definition specialised (:func:`specialise`), and every other use keeps the ``$ref``.
    """

    name: str
    optional: tuple[str, ...] = ()

    def to_schema(self, defs: Defs | None = None) -> Schema:
        if self.optional and defs is not None:
            return specialise(self, defs, frozenset()).to_schema(defs)
        return {"$ref": f"../defs.json#/$defs/{self.name}"}

    def refs(self) -> set[str]:
        return {self.name}


@dataclass(frozen=True)
class Nullable(Node):
    inner: Node

    def to_schema(self, defs: Defs | None = None) -> Schema:
        inner = self.inner.to_schema(defs)
        kind = inner.get("type")
        if kind is None or "enum" in inner:
            return {"anyOf": [inner, {"type": "null"}]}
        # a type list validates faster than anyOf, and means the same here
        return {**inner, "type": [*(kind if isinstance(kind, list) else [kind]), "null"]}

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
        schemas = [o.to_schema(defs) for o in self.options]
        if all(set(x) == {"type"} and isinstance(x["type"], str) for x in schemas):
            return {"type": [x["type"] for x in schemas]}  # plain types: one type list
        return {"anyOf": schemas}

    def refs(self) -> set[str]:
        return set().union(*(o.refs() for o in self.options))


# ---- required-ness per use of a shared definition -----------------------------------


def resolve(node: Node, defs: Defs) -> tuple[Node, frozenset[str]]:
    """(the node behind ``node``, the member paths its use leaves optional)."""
    if isinstance(node, Ref):
        return defs[node.name], frozenset(node.optional)
    return node, frozenset()


def below(optional: frozenset[str], name: str) -> frozenset[str]:
    cut = len(name) + 1
    return frozenset(p[cut:] for p in optional if p.startswith(name + "."))


def specialise(node: Node, defs: Defs, optional: frozenset[str]) -> Node:
    """``node`` with the ``optional`` member paths (and a Ref's own) not required: the
    references on those paths inlined and specialised, every other one kept."""
    if isinstance(node, Ref):
        optional |= frozenset(node.optional)
        return specialise(defs[node.name], defs, optional) if optional else Ref(node.name)
    if not optional:
        return node
    if isinstance(node, Nullable):
        return Nullable(specialise(node.inner, defs, optional))
    if isinstance(node, Arr):
        return Arr(specialise(node.items, defs, optional) if node.items else None)
    if isinstance(node, OneOf):
        return OneOf(tuple(specialise(o, defs, optional) for o in node.options))
    if not isinstance(node, Obj):
        return node
    fields = {
        name: Field(
            specialise(f.node, defs, below(optional, name)),
            f.required and name not in optional,
            f.tz_millis,
        )
        for name, f in node.fields.items()
    }
    return Obj(fields)


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
