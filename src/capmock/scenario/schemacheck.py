"""A scenario's shape, checked by its generated JSON Schema (``format_schema``) with
jsonschema-rs; each error told as a located problem in the scenario's own words."""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema_rs

from capmock.errors import ScenarioError, did_you_mean
from capmock.scenario import spec
from capmock.scenario.expect import parse_expect
from capmock.scenario.format_schema import scenario_schema
from capmock.scenario.yamlload import key_mark, mark_of, quoted

# Keywords whose subschema applies to a part of the instance (the instance changes there).
_DESCEND = {"properties", "items", "additionalProperties", "prefixItems", "patternProperties"}


@cache
def _validator() -> Any:
    return jsonschema_rs.validator_for(scenario_schema_cached(), validate_formats=True)


def schema_problems(doc: Any, file: str) -> list[ScenarioError]:
    """Every problem with the shape of ``doc``, in file order. A missing key is not told
    when an unknown key beside it is a misspelling of it (``poins: 3``: one problem, the
    did-you-mean, not also "needs 'points'")."""
    problems: dict[tuple[Any, ...], ScenarioError] = {}
    missing: dict[tuple[Any, ...], tuple[Any, ...]] = {}  # (path, key) -> its problem's key
    guessed: set[tuple[Any, ...]] = set()  # (path, key) an unknown key was taken for
    for err in _validator().iter_errors(doc):
        told = _Told(err, doc, file)
        for problem in told.problems():
            key = (problem.line, problem.column, problem.message)
            problems.setdefault(key, problem)
            for where in told.missing:
                missing[where] = key
        guessed.update((*told.path, guess) for guess in told.guesses)
    for where in guessed & missing.keys():
        problems.pop(missing[where], None)
    return sorted(problems.values(), key=lambda p: (p.file or "", p.line or 0, p.column or 0))


def _at(doc: Any, path: list[Any]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _annotations(schema: dict[str, Any], schema_path: list[Any]) -> dict[str, Any]:
    """The ``x-`` annotations of the failing subschema and the subschemas above it that
    apply to the same part of the instance (nearest wins)."""
    nodes = [schema]
    node: Any = schema
    for part in schema_path[:-1]:
        node = node[part]
        if part in _DESCEND:
            nodes = []
        if isinstance(node, dict):
            nodes.append(node)
    found: dict[str, Any] = {}
    for node in reversed(nodes):
        for key, value in node.items():
            if key.startswith("x-"):
                found.setdefault(key, value)
    return found


def _kind_of(schema: dict[str, Any], prop: Any) -> str | None:
    if isinstance(prop, dict) and "$ref" in prop:
        prop = schema["$defs"][prop["$ref"].rsplit("/", 1)[1]]
    return prop.get("x-kind") if isinstance(prop, dict) else None


def field_name(path: list[Any], *, value: bool = True) -> str:
    """``steps[1].amount`` for ``['steps', 1, 'transact', 'amount']``: a step's action is
    left out of its parameters' names, and a shorthand value is named as its parameter."""
    out = ""
    for i, part in enumerate(path):
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        after_index = i > 0 and isinstance(path[i - 1], int)
        if after_index and part in spec.STEPS:
            last = i == len(path) - 1
            primary = spec.STEPS[part].primary
            if not last and isinstance(path[i + 1], str):
                continue
            if value and primary is not None:
                part = primary
        text = str(part) if str(part).isprintable() else repr(str(part))[1:-1]
        out += f".{text}" if out else text
    return out


class _Told:
    """One jsonschema-rs error, told as one or more located ScenarioErrors."""

    def __init__(self, err: Any, doc: Any, file: str) -> None:
        self.err, self.doc, self.file = err, doc, file
        self.path = list(err.instance_path)
        self.keyword = err.schema_path[-1] if err.schema_path else ""
        self.schema = scenario_schema_cached()
        self.notes = _annotations(self.schema, list(err.schema_path))
        self.value = _at(doc, self.path)
        self.missing: list[tuple[Any, ...]] = []  # where a key is missing: (*path, key)
        self.guesses: list[str] = []  # what unknown keys here were taken for

    def located(
        self, message: str, path: list[Any], *, on_key: bool = False, hint: str | None = None,
        value: bool = True,
    ) -> ScenarioError:  # fmt: skip
        if path:
            container, key = _at(self.doc, path[:-1]), path[-1]
            on = on_key and isinstance(key, str)
            mark = key_mark(container, key) if on else mark_of(container, key)
        else:
            mark = mark_of(self.doc)
        return ScenarioError(
            message,
            file=mark.file if mark else self.file,
            line=mark.line if mark else 1,
            column=mark.column if mark else None,
            field=field_name(path, value=value) or None,
            hint=hint,
        )

    def problems(self) -> list[ScenarioError]:
        keyword, notes = self.keyword, self.notes
        custom = self._own(f"x-message-{keyword}")
        if custom:
            at = notes.get("x-at")
            path = [*self.path, at] if at else self.path
            needs = self._own("x-needs")  # beside the action, or among its arguments
            if needs:
                self.missing = [(*self.path, needs), (*path, needs)]
            return [self.located(custom, path, value=False, hint=self._own("x-hint"))]
        if notes.get("x-kind") == "expect":  # the expectation grammar says what is wrong
            return [self.bad_expectation()]
        if keyword == "additionalProperties":
            return [p for k in self.err.kind.unexpected for p in self.unknown(str(k))]
        if keyword == "required":
            return [self.required(self.err.kind.property)]
        if keyword == "anyOf" and notes.get("x-what") == "step":
            return [self.unknown_step()]
        if keyword == "enum":
            choices = [str(c) for c in self.err.kind.options]
            guess = did_you_mean(str(self.value), choices)
            hint = f"did you mean '{guess}'?" if guess else f"one of: {', '.join(choices)}"
            return [self.located(f"unknown value {self.value!r}", self.path, hint=hint)]
        if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            return [self.out_of_range(keyword)]
        kind = notes.get("x-kind")
        if kind is not None:
            message = f"expected {spec.KINDS[kind]}, got {self.value!r}"
            hint = "no such day in the calendar" if keyword == "format" else None
            return [self.located(message, self.path, hint=hint)]
        return [self.located(self.err.message, self.path)]

    def _own(self, note: str) -> Any:
        """An annotation of the subschema whose keyword failed (not of those above it)."""
        node: Any = self.schema
        for part in self.err.schema_path[:-1]:
            node = node[part]
        return node.get(note) if isinstance(node, dict) else None

    def bad_expectation(self) -> ScenarioError:
        try:
            parse_expect(self.value)
        except ValueError as err:
            message = f"bad expectation: {err}"
        else:
            message = f"expected {spec.KINDS['expect']}, got {self.value!r}"
        return self.located(message, self.path, hint=spec.KINDS["expect"])

    def out_of_range(self, keyword: str) -> ScenarioError:
        limit = self.err.kind.limit
        words = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }
        shown = f"{int(limit):,}" if float(limit).is_integer() else str(limit)
        return self.located(f"must be {words[keyword]} {shown}, got {self.value!r}", self.path)

    def unknown(self, key: str) -> list[ScenarioError]:
        step = self.notes.get("x-step")
        if step is not None and key in spec.STEPS:
            found = [k for k in self.value if k in spec.STEPS]
            if key != found[1]:  # told once, at the second action (each action's rule sees it)
                return []
            return [self.located(f"one action per step, found {', '.join(found)}",
                                 [*self.path, key], on_key=True, value=False)]  # fmt: skip
        what = str(self.notes.get("x-what") or "key")
        noun, _, owner = what.partition(" for ")
        known = sorted(self.known_keys())
        action = spec.STEPS.get(owner.strip("'")) if noun == "parameter" else None
        if key == "steps" and action is not None and action.nested:
            hint = (f"'steps' goes beside '{action.name}', not inside it: "
                    f"`- {action.name}: …` and `steps:` on the next line, at the same indent")
        elif guess := did_you_mean(key, known):
            self.guesses.append(guess)
            hint = f"did you mean '{guess}'?"
        else:
            hint = f"known: {', '.join(known)}"
        message = f"unknown {noun} {quoted(key)}" + (f" for {owner}" if owner else "")
        return [ScenarioError(**self._key_where(key), message=message, hint=hint)]

    def _key_where(self, key: str) -> dict[str, Any]:
        mark = key_mark(self.value, key)
        return {
            "file": mark.file if mark else self.file,
            "line": mark.line if mark else 1,
            "column": mark.column if mark else None,
            "field": field_name(self.path, value=False) or key,
        }

    def known_keys(self) -> list[str]:
        node: Any = self.schema
        for part in self.err.schema_path[:-1]:
            node = node[part]
        return list(node.get("properties", {}))

    def required(self, prop: str) -> ScenarioError:
        node: Any = self.schema
        for part in self.err.schema_path[:-1]:
            node = node[part]
        kind = _kind_of(self.schema, node.get("properties", {}).get(prop))
        owner = self.notes.get("x-owner") or "this mapping"
        what = f" ({spec.KINDS[kind]})" if kind else ""
        self.missing = [(*self.path, prop)]
        return self.located(f"{owner} needs '{prop}'{what}", self.path, value=False)

    def unknown_step(self) -> ScenarioError:
        step = self.value
        if not step:
            return self.located(self.notes["x-message-type"], self.path)
        first = str(next(iter(step)))
        guess = did_you_mean(first, spec.STEPS)
        hint = f"did you mean '{guess}'?" if guess else "see the step list in docs/scenarios.md"
        where = self._key_where(first) | {"field": field_name(self.path) or None}
        return ScenarioError(f"unknown step {quoted(first)}", hint=hint, **where)


@cache
def scenario_schema_cached() -> dict[str, Any]:
    return scenario_schema()
