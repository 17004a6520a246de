"""Checks a loaded scenario against the language in ``spec.py``; every problem, located."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from capmock import catalog
from capmock.errors import CapmockError, ScenarioError, did_you_mean
from capmock.scenario import spec
from capmock.scenario.expect import parse_expect
from capmock.scenario.expressions import PathError, parse_jsonpath, template_names
from capmock.scenario.yamlload import Located, key_mark, mark_of

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}


def duration_ms(value: Any) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value * 1000)
    match = DURATION.match(str(value))
    return int(float(match.group(1)) * UNITS_MS[match.group(2)]) if match else None


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

    def unknown_key(self, container: Any, key: str, known: Any, what: str, path: str) -> None:
        guess = did_you_mean(key, known)
        noun, _, owner = what.partition(" for ")
        self.add(
            f"unknown {noun} '{key}'" + (f" for {owner}" if owner else ""),
            container,
            key,
            field=path,
            on_key=True,
            hint=f"did you mean '{guess}'?" if guess else f"known: {', '.join(sorted(known))}",
        )

    # ---- values -------------------------------------------------------------------
    def kind(
        self, value: Any, kind: str, container: Any, key: Any, path: str, loop_customer: bool
    ) -> None:
        ok = {
            "int": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "string": isinstance(value, str),
            "bool": isinstance(value, bool),
            "mapping": isinstance(value, dict),
            "list": isinstance(value, list),
            "duration": duration_ms(value) is not None,
            "date": isinstance(value, str) and bool(DATE.match(value)),
            "tier": isinstance(value, str | int) and not isinstance(value, bool),
        }.get(kind)
        if kind == "customer":
            self.customer(value, container, key, path, loop_customer)
        elif kind == "ref":
            self.ref(value, container, key, path)
        elif kind == "expect":
            self.expect(value, container, key, path)
        elif kind == "event":
            if value not in catalog.catalog():
                guess = did_you_mean(str(value), catalog.names())
                self.add(
                    f"unknown event '{value}'",
                    container,
                    key,
                    field=path,
                    hint=f"did you mean '{guess}'?" if guess else "see `capmock events`",
                )
        elif not ok:
            self.add(f"expected {spec.KINDS[kind]}, got {value!r}", container, key, field=path)

    def customer(self, value: Any, container: Any, key: Any, path: str, loop: bool) -> None:
        if value in self.customers or (loop and value in ("$each", "each")):
            return
        known = self.customers | ({"each"} if loop else set())
        guess = did_you_mean(str(value), known)
        self.add(
            f"unknown customer '{value}'",
            container,
            key,
            field=path,
            hint=f"did you mean '{guess}'?" if guess else "declare it under `customers:`",
        )

    def expect(self, value: Any, container: Any, key: Any, path: str) -> None:
        try:
            parse_expect(value)
        except ValueError as err:
            self.add(f"bad expectation: {err}", container, key, field=path,
                     hint=spec.KINDS["expect"])

    def check_json(self, value: Any, step: Any, path: str, loop: bool) -> None:
        """A check's `json:` — JSONPath keys, templates naming known customers."""
        if not isinstance(value, dict):
            return
        names = self.customers | {"customer"} | ({"each"} if loop else set())
        for key, want in value.items():
            try:
                parse_jsonpath(str(key))
                used = template_names(want)
            except PathError as err:
                self.add(str(err), value, key, field=f"{path}.json")
                continue
            for name in (n for n in used if n not in names):
                guess = did_you_mean(name, names)
                self.add(
                    f"unknown customer '{name}' in a template",
                    value,
                    key,
                    field=f"{path}.json",
                    hint=f"did you mean '{guess}'?" if guess else "declare it under `customers:`",
                )

    def ref(self, value: Any, container: Any, key: Any, path: str) -> None:
        if value not in self.refs:
            guess = did_you_mean(str(value), self.refs)
            self.add(
                f"unknown reference '{value}'",
                container,
                key,
                field=path,
                hint=f"did you mean '{guess}'?"
                if guess
                else "name an earlier step's result with `as:`",
            )

    # ---- steps --------------------------------------------------------------------
    def steps(self, steps: Any, container: Any, key: Any, path: str, loop: bool) -> None:
        if not isinstance(steps, list):
            self.add("expected a list of steps", container, key, field=path)
            return
        for i, step in enumerate(steps):
            self.step(step, steps, i, f"{path}[{i}]", loop)

    def step(self, step: Any, parent: Any, index: int, path: str, loop: bool) -> None:
        if not isinstance(step, dict) or not step:
            self.add(
                "a step is a mapping like `- transact: {customer: alice, amount: 100}`",
                parent,
                index,
                field=path,
            )
            return
        names = [k for k in step if k in spec.STEPS]
        extras = [
            k
            for k in step
            if k not in spec.STEPS
            and k not in ("steps", "as")
            and not any(k == p.name for p in spec.COMMON)
        ]
        if not names:
            first = next(iter(step))
            self.unknown_key(step, first, spec.STEPS, "step", path)
            return
        if len(names) > 1:
            self.add(
                f"one action per step, found {', '.join(names)}",
                step,
                names[1],
                field=path,
                on_key=True,
            )
            return
        action = spec.STEPS[names[0]]
        for k in extras:
            if action.param(k) is None:
                self.unknown_key(step, k, self._keys(action), f"key for '{action.name}'", path)
        self.args(action, step, path, loop)

    def _keys(self, action: spec.StepSpec) -> set[str]:
        return {p.name for p in action.params} | {p.name for p in spec.COMMON} | {"steps"}

    def args(self, action: spec.StepSpec, step: Located, path: str, loop: bool) -> None:
        raw = step[action.name]
        args: dict[str, Any] = {}
        if isinstance(raw, dict):
            args = dict(raw)
            holder: Any = raw
            for k in raw:
                if action.param(k) is None and k not in {p.name for p in spec.COMMON}:
                    self.unknown_key(
                        raw,
                        k,
                        self._keys(action),
                        f"parameter for '{action.name}'",
                        f"{path}.{action.name}",
                    )
        elif raw is None:
            holder = step
        elif action.primary is not None:
            args = {action.primary: raw}
            holder = step
        else:
            self.add(
                f"'{action.name}' takes a mapping of parameters",
                step,
                action.name,
                field=f"{path}.{action.name}",
            )
            return
        for k in step:
            if k != action.name and action.param(k) is not None:
                args[k] = step[k]
        self.check_args(action, args, holder, step, path, loop)

    def check_args(
        self,
        action: spec.StepSpec,
        args: dict[str, Any],
        holder: Any,
        step: Any,
        path: str,
        loop: bool,
    ) -> None:
        for p in action.params:
            where = holder if isinstance(holder, dict) and p.name in holder else step
            key = p.name if p.name in where else action.name
            if p.name in args:
                self.kind(args[p.name], p.kind, where, key, f"{path}.{p.name}", loop)
            elif p.required:
                self.add(
                    f"'{action.name}' needs '{p.name}' ({spec.KINDS[p.kind]})",
                    step,
                    action.name,
                    field=f"{path}.{action.name}",
                )
        for where in {id(holder): holder, id(step): step}.values():
            if isinstance(where, dict) and "expect" in where:
                self.expect(where["expect"], where, "expect", f"{path}.expect")
        if action.name == "check":
            self.check_json(args.get("json"), step, f"{path}.check", loop)
        if action.name == "for_each":
            self.steps(step.get("steps"), step, "steps", f"{path}.steps", True)
        elif action.nested:
            self.steps(step.get("steps"), step, "steps", f"{path}.steps", loop)
        elif action.name == "choose":
            self.branches(args.get("branches"), step, path, loop)
        if "as" in args and isinstance(args["as"], str):
            self.refs.add(args["as"])
        if "as" in step and isinstance(step["as"], str):
            self.refs.add(step["as"])

    def branches(self, branches: Any, step: Any, path: str, loop: bool) -> None:
        if not isinstance(branches, list):
            return
        for i, branch in enumerate(branches):
            bpath = f"{path}.choose[{i}]"
            if not isinstance(branch, dict):
                self.add("a branch is {weight: N, steps: [...]}", branches, i, field=bpath)
                continue
            weight = branch.get("weight", 1)
            if not isinstance(weight, int | float) or isinstance(weight, bool) or weight < 0:
                self.add("weight must be a number >= 0", branch, "weight", field=f"{bpath}.weight")
            self.steps(branch.get("steps", []), branch, "steps", f"{bpath}.steps", loop)


def check(doc: Any, file: str) -> None:
    """Raise one ScenarioError listing every problem (each located), or return."""
    checker = Checker(file)
    if not isinstance(doc, dict):
        raise ScenarioError("a scenario is a mapping (name, org, customers, steps…)", file=file)
    for key in doc:
        if key not in spec.TOP_LEVEL:
            checker.unknown_key(doc, key, spec.TOP_LEVEL, "top-level key", key)
    customers = doc.get("customers") or {}
    if isinstance(customers, dict):
        for name, value in customers.items():
            is_crowd = isinstance(value, dict) and "crowd" in value
            (checker.crowds if is_crowd else checker.customers).add(name)
            if isinstance(value, dict):
                for k in value:
                    if k not in spec.CUSTOMER_KEYS:
                        checker.unknown_key(
                            value, k, spec.CUSTOMER_KEYS, "customer key", f"customers.{name}"
                        )
    else:
        checker.add("expected a mapping of customer names", doc, "customers", field="customers")
    checker.customers |= checker.crowds
    if "expect" in doc:
        checker.expect(doc["expect"], doc, "expect", "expect")
    consumer(checker, doc.get("consumer"), doc)
    if "steps" not in doc:
        checker.add("a scenario needs `steps:`", doc, None, field="steps")
    else:
        checker.steps(doc["steps"], doc, "steps", "steps", False)
    if checker.problems:
        raise ScenarioProblems(checker.problems)


def consumer(checker: Checker, block: Any, doc: Any) -> None:
    """`consumer: {state: "GET {base}/customers/{customerId}", headers: {…}, within: 10s}`."""
    if block is None:
        return
    if not isinstance(block, dict):
        checker.add("expected a mapping {state, headers, within}", doc, "consumer",
                    field="consumer")
        return
    for key in block:
        if key not in spec.CONSUMER_KEYS:
            checker.unknown_key(block, key, spec.CONSUMER_KEYS, "consumer key", "consumer")
    state = block.get("state")
    if state is not None and (not isinstance(state, str) or "{customerId}" not in state):
        checker.add(
            "state must be a URL template with {customerId}", block, "state",
            field="consumer.state", hint='e.g. "GET {base}/customers/{customerId}"',
        )
    headers = block.get("headers")
    if headers is not None and not isinstance(headers, dict):
        checker.add("headers must be a mapping of names to values", block, "headers",
                    field="consumer.headers")
    if "within" in block and duration_ms(block["within"]) is None:
        checker.add(f"expected {spec.KINDS['duration']}", block, "within",
                    field="consumer.within")


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
