"""Checks a loaded scenario: its shape by the format's JSON Schema (``schemacheck``), then
what a schema cannot say — names, references, events, expectations, arithmetic."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from capmock import catalog, units
from capmock.errors import CapmockError, ScenarioError, did_you_mean
from capmock.scenario import spec
from capmock.scenario.compiled import split_step
from capmock.scenario.expect import parse_expect
from capmock.scenario.expressions import PathError, parse_jsonpath, template_names
from capmock.scenario.schemacheck import schema_problems
from capmock.scenario.yamlload import Located, key_mark, mark_of, quoted


def duration_ms(value: Any) -> int | None:
    """Milliseconds of a duration in the one grammar of :mod:`capmock.units`, else None."""
    try:
        return units.duration_ms(value)
    except CapmockError:
        return None


DECLARE = "declare it under `customers:`"


@dataclass
class Checker:
    file: str
    problems: list[ScenarioError] = field(default_factory=list)
    customers: set[str] = field(default_factory=set)
    crowds: set[str] = field(default_factory=set)
    refs: set[str] = field(default_factory=set)

    def add(
        self,
        message: str,
        container: Any,
        key: Any = None,
        *,
        field: str | None = None,
        hint: str | None = None,
        on_key: bool = False,
    ) -> None:
        where = (
            key_mark(container, key) if on_key and isinstance(key, str) else mark_of(container, key)
        )
        self.problems.append(
            ScenarioError(
                message,
                file=where.file if where else self.file,
                line=where.line if where else None,
                column=where.column if where else None,
                field=field,
                hint=hint,
            )
        )

    def unknown(
        self, what: str, value: Any, known: Any, where: tuple[Any, Any, str], otherwise: str,
        suffix: str = "",
    ) -> None:  # fmt: skip
        """``value`` names no known ``what``: say so where it stands, with a guess."""
        container, key, path = where
        guess = did_you_mean(str(value), known)
        self.add(f"unknown {what} {quoted(value)}{suffix}", container, key, field=path,
                 hint=f"did you mean '{guess}'?" if guess else otherwise)  # fmt: skip

    # ---- values (the schema has checked their shapes) -------------------------------
    def kind(
        self, value: Any, kind: str, container: Any, key: Any, path: str, loop_customer: bool
    ) -> None:
        if kind == "customer":
            self.customer(value, container, key, path, loop_customer)
        elif kind == "ref" and value not in self.refs:
            self.unknown("reference", value, self.refs, (container, key, path),
                         "name an earlier step's result with `as:`")  # fmt: skip
        elif kind == "expect":
            self.expect(value, container, key, path)
        elif kind == "event" and value not in catalog.catalog():
            self.unknown("event", value, catalog.names(), (container, key, path),
                         "see `capmock events`")  # fmt: skip

    def customer(self, value: Any, container: Any, key: Any, path: str, loop: bool) -> None:
        if value in self.customers or (loop and value in ("$each", "each")):
            return
        known = self.customers | ({"each"} if loop else set())
        self.unknown("customer", value, known, (container, key, path), DECLARE)

    def expect(self, value: Any, container: Any, key: Any, path: str) -> None:
        try:
            parse_expect(value)
        except ValueError as err:
            self.add(f"bad expectation: {err}", container, key, field=path,
                     hint=spec.KINDS["expect"])  # fmt: skip

    def check_json(self, value: Any, path: str, loop: bool) -> None:
        """A check's `json:` — JSONPath keys, templates naming known customers."""
        names = self.customers | {"customer"} | ({"each"} if loop else set())
        for key, want in value.items():
            try:
                parse_jsonpath(str(key))
                used = template_names(want)
            except PathError as err:
                self.add(str(err), value, key, field=f"{path}.json")
                continue
            for name in (n for n in used if n not in names):
                where = (value, key, f"{path}.json")
                self.unknown("customer", name, names, where, DECLARE, " in a template")

    def crowd(self, value: Any, step: Any, path: str) -> None:
        if value not in self.customers:
            self.unknown("crowd", value, self.customers, (step, "for_each", path), DECLARE)

    # ---- steps --------------------------------------------------------------------
    def steps(self, steps: list[Any], path: str, loop: bool) -> None:
        for i, step in enumerate(steps):
            self.step(step, f"{path}[{i}]", loop)

    def step(self, step: Located, path: str, loop: bool) -> None:
        action = spec.STEPS[next(k for k in step if k in spec.STEPS)]
        raw = step[action.name]
        holder = raw if isinstance(raw, dict) else step
        _, args = split_step(step)
        for p in action.params:
            if p.name in args:
                where = holder if isinstance(holder, dict) and p.name in holder else step
                key = p.name if p.name in where else action.name
                self.kind(args[p.name], p.kind, where, key, f"{path}.{p.name}", loop)
        for where in {id(holder): holder, id(step): step}.values():
            if isinstance(where, dict) and "expect" in where:
                self.expect(where["expect"], where, "expect", f"{path}.expect")
        if action.name == "check":
            self.check_json(args["json"], f"{path}.check", loop)
        elif action.name == "for_each":
            self.crowd(args["customers"], step, f"{path}.customers")
            self.steps(step.get("steps") or [], f"{path}.steps", True)
        elif action.nested:
            self.steps(step.get("steps") or [], f"{path}.steps", loop)
        elif action.name == "choose":
            for i, branch in enumerate(args["branches"]):
                self.steps(branch.get("steps") or [], f"{path}.choose[{i}].steps", loop)
        if isinstance(args.get("as"), str):
            self.refs.add(args["as"])

    # ---- arithmetic ---------------------------------------------------------------
    def durations(self, doc: dict[str, Any]) -> None:
        """Durations the schema cannot weigh: a program's expiry and conversion delay."""
        for i, program in enumerate((doc.get("org") or {}).get("programs") or []):
            for key, low, high in (
                ("expiry", DAY_MS, MAX_PERIOD_MS),
                ("promised_conversion", 0, MAX_PERIOD_MS),
            ):
                if key not in program:
                    continue
                ms = duration_ms(program[key])
                if ms is not None and not low <= ms <= high:
                    self.add(
                        f"{key} must be from {low // DAY_MS}d to {high // DAY_MS}d, "
                        f"got {program[key]!r}",
                        program,
                        key,
                        field=f"org.programs[{i}].{key}",
                        hint="durations in whole days, e.g. 365d",
                    )


DAY_MS = 86_400_000
MAX_PERIOD_MS = 36_500 * DAY_MS  # a hundred years


def check(doc: Any, file: str) -> None:
    """Raise one ScenarioError listing every problem (each located), or return: the shape
    by the format's JSON Schema, then what a schema cannot say (names, references…)."""
    if not isinstance(doc, dict):
        raise ScenarioError("a scenario is a mapping (name, org, customers, steps…)", file=file,
                            line=1)  # fmt: skip
    problems = schema_problems(doc, file)
    if problems:
        raise ScenarioProblems(problems)
    checker = Checker(file)
    for name, value in (doc.get("customers") or {}).items():
        is_crowd = isinstance(value, dict) and "crowd" in value
        (checker.crowds if is_crowd else checker.customers).add(name)
    checker.customers |= checker.crowds
    if "expect" in doc:
        checker.expect(doc["expect"], doc, "expect", "expect")
    checker.durations(doc)
    checker.steps(doc["steps"], "steps", False)
    if checker.problems:
        raise ScenarioProblems(checker.problems)


class ScenarioProblems(ScenarioError):
    """Several located problems at once; ``str`` is one line per problem."""

    def __init__(self, problems: list[ScenarioError]) -> None:
        self.problems = problems
        first = problems[0]
        # the first problem's message is already located: take it (and where) as it is
        CapmockError.__init__(self, first.message, hint=first.hint)
        self.file, self.line, self.column, self.field = (
            first.file, first.line, first.column, first.field,
        )  # fmt: skip

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
