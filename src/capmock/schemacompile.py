"""Compile a bundled JSON Schema (draft 2020-12) into one straight-line Python predicate.

``compile_predicate(schema)`` returns ``check(instance) -> bool``: the schema's checks
written out as Python source (properties inlined, arrays as ``for`` loops, ``$ref`` to
``#/$defs/…`` inlined except where recursive), ``exec``'d once.  It answers with the
meaning ``jsonschema.Draft202012Validator`` gives the schema:

* for JSON values (``dict``, ``list``, ``str``, ``int``, ``float``, ``bool``, ``None``) the
  answer is exact: booleans are neither integers nor numbers, ``1.0`` is an integer,
  ``const``/``enum`` compare as JSON (``1 == 1.0``, ``True != 1``), ``pattern`` is
  ``re.search``, ``format`` is an annotation;
* for other Python objects (subclasses of those types, ``Decimal``…) it may answer
  ``False`` where ``jsonschema`` says valid, never the other way round, so a caller that
  asks ``jsonschema`` after a ``False`` (to explain it) gets the exact verdict.  Only
  keywords for which that holds are compiled (no ``not``; ``oneOf`` only when its
  branches have disjoint types).

A schema using anything else (``$id`` below the root, ``patternProperties``,
``unevaluated*``, ``if``, ``multipleOf``…) raises :class:`Unsupported`.  Keywords that
draft 2020-12 does not define are annotations there and are ignored here too.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import jsonschema

Predicate = Callable[[Any], bool]

_KNOWN = set(jsonschema.Draft202012Validator.VALIDATORS) | {
    "$id", "$schema", "$anchor", "$dynamicAnchor", "$vocabulary", "$recursiveRef",
    "$recursiveAnchor",
}  # fmt: skip
_STRING_KW = ("pattern", "minLength", "maxLength")
_NUMBER_KW = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_OBJECT_KW = ("properties", "required", "additionalProperties", "minProperties", "maxProperties")
_ARRAY_KW = ("items", "minItems", "maxItems")
_SUPPORTED = {
    "$ref", "type", "const", "enum", "allOf", "anyOf", "oneOf", "format",
    *_STRING_KW, *_NUMBER_KW, *_OBJECT_KW, *_ARRAY_KW,
}  # fmt: skip
_SCALAR = {"type", "const", "enum", "format", *_STRING_KW, *_NUMBER_KW}
_COMPARE = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
_LENGTH = {
    "minLength": ">=", "maxLength": "<=", "minItems": ">=", "maxItems": "<=",
    "minProperties": ">=", "maxProperties": "<=",
}  # fmt: skip
_TYPES = {  # exact classes: a subclass is left to jsonschema (see the module docstring)
    "string": "{x}.__class__ is str",
    "integer": "({x}.__class__ is int or ({x}.__class__ is float and {x}.is_integer()))",
    "number": "({x}.__class__ is float or {x}.__class__ is int)",
    "boolean": "({x} is True or {x} is False)",
    "null": "{x} is None",
    "object": "{x}.__class__ is dict",
    "array": "{x}.__class__ is list",
}
_DEFS = "#/$defs/"
_MAX_DEPTH = 60  # indentation levels in one generated function (the tokenizer allows 100)
_MAX_LOOPS = 12  # nested ``for`` blocks in one generated function (CPython allows 20)
_MISSING = object()


class Unsupported(Exception):
    """The schema uses something this compiler does not translate."""


class _At(NamedTuple):
    """Where code is being generated: refs being inlined, indentation, loop nesting."""

    stack: tuple[str, ...] = ()
    depth: int = 1
    loops: int = 0


def json_equal(one: Any, two: Any) -> bool:
    """Equality as JSON Schema's const/enum mean it (jsonschema's ``equal``)."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        if len(one) != len(two):
            return False
        return all(json_equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        if len(one) != len(two):
            return False
        return all(k in two and json_equal(v, two[k]) for k, v in one.items())
    if isinstance(one, bool) or isinstance(two, bool):
        return one is two
    return bool(one == two)


def _in_enum(instance: Any, values: tuple[Any, ...]) -> bool:
    return any(json_equal(value, instance) for value in values)


def _is_number(instance: Any) -> bool:
    return isinstance(instance, numbers.Number) and not isinstance(instance, bool)


def compile_predicate(schema: Any) -> Predicate:
    """``check(instance) -> bool`` for a self-contained schema (refs only to ``#/$defs/``)."""
    source, namespace = generate(schema)
    exec(compile(source, "<capmock schema>", "exec"), namespace)
    check: Predicate = namespace["check"]
    return check


def generate(schema: Any) -> tuple[str, dict[str, Any]]:
    """The Python source of ``check`` and the namespace it needs (constants, regexes)."""
    if isinstance(schema, dict):  # the root's own dialect and id (refs are all local)
        schema = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
    compiler = _Compiler(schema)
    compiler.function("check", schema, _At())
    return "\n".join(compiler.lines) + "\n", compiler.namespace


def _indent(lines: list[str], levels: int = 1) -> list[str]:
    pad = "    " * levels
    return [pad + line for line in lines]


class _Compiler:
    def __init__(self, root: Any) -> None:
        defs = root.get("$defs", {}) if isinstance(root, dict) else {}
        if not isinstance(defs, dict):
            raise Unsupported("$defs is not an object")
        self.defs: dict[str, Any] = defs
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {
            "_M": _MISSING,
            "_in_enum": _in_enum,
            "_is_number": _is_number,
        }
        self.ref_functions: dict[str, str] = {}
        self.count = 0

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def constant(self, value: Any, prefix: str = "_c") -> str:
        name = self.fresh(prefix)
        self.namespace[name] = value
        return name

    # ---- functions ---------------------------------------------------------------

    def function(self, name: str, schema: Any, at: _At) -> None:
        """``def name(v)``: True when ``v`` conforms; a missing required key is False."""
        body = self.stmts(schema, "v", at._replace(depth=2, loops=0))
        self.lines += [
            f"def {name}(v, _M=_M):",  # the marker for a missing key, as a local
            "    try:",
            *_indent(body or ["pass"], 2),
            "    except KeyError:",
            "        return False",
            "    return True",
            "",
        ]

    def helper(self, schema: Any, at: _At) -> str:
        name = self.fresh("_f")
        self.function(name, schema, at)
        return name

    def ref_function(self, name: str) -> str:
        if name not in self.ref_functions:
            self.ref_functions[name] = fname = self.fresh("_r")
            self.function(fname, self.defs[name], _At(stack=(name,)))
        return self.ref_functions[name]

    # ---- statements --------------------------------------------------------------

    def stmts(self, schema: Any, x: str, at: _At) -> list[str]:
        """Lines that ``return False`` unless ``x`` conforms to ``schema``."""
        if schema is True:
            return []
        if schema is False:
            return ["return False"]
        if not isinstance(schema, dict):
            raise Unsupported(f"schema is not an object: {schema!r}")
        self.check_keywords(schema)
        if at.depth > _MAX_DEPTH or at.loops > _MAX_LOOPS:
            return [f"if not {self.helper(schema, at)}({x}): return False"]
        test = self.expr(schema, x)
        if test is not None:
            return [] if test == "True" else [f"if not {_wrap(test)}: return False"]
        parts, lines, at = self.conjuncts(schema, x, at)
        for part in parts:
            scalar = self.expr({k: v for k, v in part.items() if k in _SCALAR}, x) or "True"
            line = f"if not {_wrap(scalar)}: return False"
            if scalar != "True" and line not in lines:  # parts may repeat a type
                lines.append(line)
        lines += self.guarded(parts, x, at)
        for part in parts:
            for key in ("anyOf", "oneOf"):
                if key in part:
                    lines += self.any_of(part[key], x, at, exclusive=key == "oneOf")
        return lines

    def conjuncts(
        self, schema: dict[str, Any], x: str, at: _At
    ) -> tuple[list[dict[str, Any]], list[str], _At]:
        """The schema with its ``allOf`` members and ``$ref`` targets, flattened (so that
        each property is looked up once); lines for recursive refs; the refs now inlined."""
        parts: list[dict[str, Any]] = []
        lines: list[str] = []
        todo: list[Any] = [schema]
        while todo:
            part = todo.pop(0)
            if part is True:
                continue
            if part is False:
                lines.append("return False")
                continue
            if not isinstance(part, dict):
                raise Unsupported(f"schema is not an object: {part!r}")
            self.check_keywords(part)
            if "$ref" in part:
                name = self.ref_name(part["$ref"])
                if name in at.stack:
                    lines.append(f"if not {self.ref_function(name)}({x}): return False")
                else:
                    at = at._replace(stack=(*at.stack, name))
                    todo.append(self.defs[name])
            todo += part.get("allOf", [])
            parts.append(part)
        return parts, lines, at

    def check_keywords(self, schema: dict[str, Any]) -> None:
        for key in schema:
            if key in _KNOWN and key not in _SUPPORTED:
                raise Unsupported(f"keyword {key!r}")
        for key in ("allOf", "anyOf", "oneOf"):
            if key in schema and not (isinstance(schema[key], list) and schema[key]):
                raise Unsupported(f"{key} is not a non-empty array")

    def ref_name(self, ref: Any) -> str:
        name = ref[len(_DEFS) :] if isinstance(ref, str) and ref.startswith(_DEFS) else None
        if name is None or name not in self.defs or any(c in name for c in "/~%"):
            raise Unsupported(f"$ref {ref!r}")
        return name

    def guarded(self, parts: list[dict[str, Any]], x: str, at: _At) -> list[str]:
        """Object and array keywords, which apply only to an instance of that type."""
        types: set[str] | None = None  # the types every part allows (None: any)
        for part in parts:
            if "type" in part:
                allowed = set(self.types(part))
                types = allowed if types is None else types & allowed
        lines: list[str] = []
        for kind, keys, make in (
            ("object", _OBJECT_KW, self.object_lines),
            ("array", _ARRAY_KW, self.array_lines),
        ):
            relevant = [p for p in parts if any(k in p for k in keys)]
            if not relevant or (types is not None and kind not in types):
                continue
            if types == {kind}:  # asserted above: x is exactly a dict / list here
                lines += make(relevant, x, at)
                continue
            body = make(relevant, x, at._replace(depth=at.depth + 1))
            exact = _TYPES[kind].format(x=x)
            broad = f"isinstance({x}, {'dict' if kind == 'object' else 'list'})"
            lines += [f"if {exact}:", *_indent(body or ["pass"])]
            lines.append(f"elif {broad}: return False")  # a subclass: leave it to jsonschema
        return lines

    def object_lines(self, parts: list[dict[str, Any]], x: str, at: _At) -> list[str]:
        props: dict[str, list[Any]] = {}
        required: dict[str, None] = {}
        for part in parts:
            if not isinstance(part.get("properties", {}), dict):
                raise Unsupported("properties is not an object")
            if not _strings(part.get("required", [])):
                raise Unsupported("required is not an array of strings")
            for name, sub in part.get("properties", {}).items():
                props.setdefault(name, []).append(sub)
            required.update(dict.fromkeys(part.get("required", [])))
        lines = [f"if {name!r} not in {x}: return False" for name in required if name not in props]
        for name, subs in props.items():
            lines += self.property(name, subs, x, name in required, at)
        for part in parts:
            lines += self.lengths(part, x, ("minProperties", "maxProperties"))
            lines += self.additional(part, x, at)
        return lines

    def property(self, name: str, subs: list[Any], x: str, required: bool, at: _At) -> list[str]:
        y = self.fresh("v")
        sub = subs[0] if len(subs) == 1 else {"allOf": subs}
        if required:  # a missing key raises KeyError: the function returns False
            return [f"{y} = {x}[{name!r}]", *self.stmts(sub, y, at)]
        body = self.stmts(sub, y, at._replace(depth=at.depth + 1))
        return (
            [f"{y} = {x}.get({name!r}, _M)", f"if {y} is not _M:", *_indent(body)] if body else []
        )

    def additional(self, schema: dict[str, Any], x: str, at: _At) -> list[str]:
        extra = schema.get("additionalProperties", True)
        if extra is True:
            return []
        known = self.constant(frozenset(schema.get("properties", {})), "_k")
        if extra is False:
            return [f"if not {x}.keys() <= {known}: return False"]
        y, key = self.fresh("v"), self.fresh("k")
        body = self.stmts(extra, y, at._replace(depth=at.depth + 2, loops=at.loops + 1))
        loop = [f"for {key}, {y} in {x}.items():", f"    if {key} not in {known}:"]
        return [*loop, *_indent(body, 2)]

    def array_lines(self, parts: list[dict[str, Any]], x: str, at: _At) -> list[str]:
        lines = [line for p in parts for line in self.lengths(p, x, ("minItems", "maxItems"))]
        items = [p["items"] for p in parts if "items" in p and p["items"] is not True]
        if not items:
            return lines
        if any(item is False for item in items):
            return [*lines, f"if {x}: return False"]
        y = self.fresh("v")
        sub = items[0] if len(items) == 1 else {"allOf": items}
        body = self.stmts(sub, y, at._replace(depth=at.depth + 1, loops=at.loops + 1))
        return lines + ([f"for {y} in {x}:", *_indent(body)] if body else [])

    def lengths(self, schema: dict[str, Any], x: str, keys: tuple[str, ...]) -> list[str]:
        lines = []
        for key in keys:
            if key in schema:
                limit = schema[key]
                if not isinstance(limit, int) or isinstance(limit, bool):
                    raise Unsupported(f"{key} {limit!r}")
                lines.append(f"if not len({x}) {_LENGTH[key]} {limit}: return False")
        return lines

    def any_of(self, branches: list[Any], x: str, at: _At, exclusive: bool) -> list[str]:
        if exclusive and not _disjoint(branches):
            raise Unsupported("oneOf whose branches may overlap")
        tests = [self.expr(b, x) if isinstance(b, dict | bool) else None for b in branches]
        complex_ = [b for b, t in zip(branches, tests, strict=True) if t is None]
        simple = [t for t in tests if t is not None]
        if len(complex_) == 1:  # the simple branches, else the one that needs statements
            body = self.stmts(complex_[0], x, at._replace(depth=at.depth + 1))
            if not simple:
                return body
            return [f"if not ({' or '.join(simple)}):", *_indent(body or ["pass"])]
        simple += [f"{self.helper(b, at)}({x})" for b in complex_]
        return [f"if not ({' or '.join(simple)}): return False"]

    # ---- expressions -------------------------------------------------------------

    def types(self, schema: dict[str, Any]) -> list[str]:
        types = schema.get("type", [])
        types = [types] if isinstance(types, str) else types
        if not _strings(types) or any(t not in _TYPES for t in types):
            raise Unsupported(f"type {schema['type']!r}")
        return list(types)

    def expr(self, schema: Any, x: str) -> str | None:
        """One boolean expression for a schema of scalar keywords only, else None."""
        if isinstance(schema, bool):
            return str(schema)
        if any(k in _KNOWN and k not in _SCALAR for k in schema):
            return None
        types = self.types(schema)
        parts = [" or ".join(_TYPES[t].format(x=x) for t in types)] if types else []
        if len(types) > 1:
            parts[0] = f"({parts[0]})"
        if "type" in schema and not types:
            parts.append("False")  # an empty list of types allows nothing
        if "const" in schema:
            parts.append(self.equals(x, [schema["const"]], types))
        if "enum" in schema:
            if not isinstance(schema["enum"], list):
                raise Unsupported("enum is not an array")
            parts.append(self.equals(x, schema["enum"], types))
        parts += self.scalar(schema, x, types, "string", _STRING_KW, f"isinstance({x}, str)")
        parts += self.scalar(schema, x, types, "number", _NUMBER_KW, f"_is_number({x})")
        return " and ".join(parts) or "True"

    def scalar(
        self, schema: dict[str, Any], x: str, types: list[str], kind: str,
        keys: tuple[str, ...], guard: str,
    ) -> list[str]:  # fmt: skip
        conds = [self.condition(key, schema[key], x) for key in keys if key in schema]
        if not conds:
            return []
        if kind == "number" and types and set(types) <= {"number", "integer"}:
            return conds
        if types and kind not in types and not (kind == "number" and "integer" in types):
            return []
        if types == [kind]:
            return conds
        return [f"(not {guard} or ({' and '.join(conds)}))"]

    def condition(self, key: str, value: Any, x: str) -> str:
        if key == "pattern":
            try:
                search = re.compile(value).search
            except (re.error, TypeError) as err:
                raise Unsupported(f"pattern {value!r}") from err
            return f"{self.constant(search, '_p')}({x}) is not None"
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise Unsupported(f"{key} {value!r}")
        if key in _LENGTH:
            return f"len({x}) {_LENGTH[key]} {self.constant(value)}"
        return f"{x} {_COMPARE[key]} {self.constant(value)}"

    def equals(self, x: str, values: list[Any], types: list[str]) -> str:
        """JSON equality with one of the values (for strings, Python's is the same)."""
        if values and _strings(values):
            if len(values) == 1:
                return f"{x} == {values[0]!r}"
            if len(values) <= 3:
                return f"{x} in {tuple(values)!r}"
            known = self.constant(frozenset(values))
            return (
                f"{x} in {known}"
                if types == ["string"]
                else f"({x}.__class__ is str and {x} in {known})"
            )
        return f"_in_enum({x}, {self.constant(tuple(values))})"


def _wrap(test: str) -> str:
    """``test`` in parentheses unless it is one comparison or call (no ``and``/``or``)."""
    return f"({test})" if " and " in test or " or " in test else test


def _strings(values: Any) -> bool:
    return isinstance(values, list) and all(isinstance(v, str) for v in values)


def _disjoint(branches: list[Any]) -> bool:
    """Whether no instance can satisfy two of the branches (told apart by their types)."""
    seen: set[str] = set()
    for branch in branches:
        types = branch.get("type") if isinstance(branch, dict) else None
        types = [types] if isinstance(types, str) else types
        if not _strings(types) or not types:
            return False
        kinds = {"number" if t == "integer" else t for t in types}
        if kinds & seen or len(kinds) < len(types):
            return False
        seen |= kinds
    return True
