"""A small type language for event bodies, from which the JSON Schemas are generated.

Each catalog event declares its ``data`` body with these nodes.  One declaration is the
single source of truth: ``to_schema`` turns it into JSON Schema (draft 2020-12, using only
keywords that draft-07 validators also understand, so a fast compiled validator and
``jsonschema`` agree), and the catalog's builders fill the same names with values.

Conventions, as Capillary sends them: ids are integers, mobiles strings, amounts numbers,
dates ``YYYY-MM-DD`` strings, timestamps epoch milliseconds (integers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}"

Schema = dict[str, Any]


class Node:
    """A type in an event body."""

    def to_schema(self) -> Schema:
        raise NotImplementedError

    def refs(self) -> set[str]:
        """Names of shared definitions this node uses (transitively through children)."""
        return set()


@dataclass(frozen=True)
class Scalar(Node):
    type: str | tuple[str, ...]
    enum: tuple[Any, ...] | None = None
    pattern: str | None = None

    def to_schema(self) -> Schema:
        schema: Schema = {"type": list(self.type) if isinstance(self.type, tuple) else self.type}
        if self.enum is not None:
            schema["enum"] = list(self.enum)
        if self.pattern is not None:
            schema["pattern"] = self.pattern
        return schema


@dataclass(frozen=True)
class Ref(Node):
    """A shared definition, emitted as ``$ref`` into ``schemas/defs.json``."""

    name: str

    def to_schema(self) -> Schema:
        return {"$ref": f"../defs.json#/$defs/{self.name}"}

    def refs(self) -> set[str]:
        return {self.name}


@dataclass(frozen=True)
class Nullable(Node):
    inner: Node

    def to_schema(self) -> Schema:
        return {"anyOf": [self.inner.to_schema(), {"type": "null"}]}

    def refs(self) -> set[str]:
        return self.inner.refs()


@dataclass(frozen=True)
class Arr(Node):
    items: Node | None = None

    def to_schema(self) -> Schema:
        schema: Schema = {"type": "array"}
        if self.items is not None:
            schema["items"] = self.items.to_schema()
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

    def to_schema(self) -> Schema:
        props: Schema = {}
        required: list[str] = []
        for name, f in self.fields.items():
            props[name] = f.node.to_schema()
            if f.required:
                required.append(name)
            if f.tz_millis:
                props[f"{name}InMillis"] = {"type": "integer"}
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
    def to_schema(self) -> Schema:
        return {}


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


def enum(*values: Any) -> Scalar:
    kinds = {type(v) for v in values}
    json_type = (
        "string" if kinds == {str} else ("integer" if kinds == {int} else ("string", "integer"))
    )
    return Scalar(json_type, enum=tuple(values))


def ref(name: str) -> Ref:
    return Ref(name)


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
