"""Plays a scenario: control flow, customers, named results; renders emissions to payloads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from capmock import catalog
from capmock.catalog.context import Ctx, Options
from capmock.envelope import Envelope, event_ids, wrap
from capmock.errors import CapmockError, ScenarioError
from capmock.model.entities import Customer
from capmock.model.factory import make_customer
from capmock.model.fake import Fake
from capmock.model.ledger import Account
from capmock.model.world import CustomerState, Emission, World
from capmock.scenario import spec, steps_extra, steps_more  # noqa: F401 - register handlers
from capmock.scenario.loader import Scenario, build_org
from capmock.scenario.steps import HANDLERS, Rejected
from capmock.scenario.validate import duration_ms
from capmock.scenario.yamlload import mark_of


@dataclass(frozen=True)
class Rendered:
    """A payload with the expectation of the step that produced it (None: the default)."""

    payload: dict[str, Any]
    expect: Any = None
    step: str = ""  # where that step is, e.g. "line 14 (redeem_points)"


@dataclass(frozen=True)
class Checkpoint:
    """A `check:` step: the consumer's state must agree with the model as it is here.

    ``model`` holds the view of every named customer at this point (plus ``customer``, the
    checked one, and ``each`` inside a loop): what ``{{ alice.points.current }}`` reads."""

    customer: str
    customer_id: int
    args: dict[str, Any]  # json, within, status
    model: dict[str, dict[str, Any]]
    where: str  # e.g. "scenarios/x.yaml:20"


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            deep_merge(base[k], v)
        else:
            base[k] = v
    return base


def split_step(step: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(action, arguments) of a checked step, shorthand expanded."""
    action = next(k for k in step if k in spec.STEPS)
    definition = spec.STEPS[action]
    raw = step[action]
    if isinstance(raw, dict):
        args = dict(raw)
    elif raw is None:
        args = {}
    else:
        args = {definition.primary: raw}
    for k, v in step.items():
        if k != action and k != "steps":
            args[k] = v
    return action, args


class Player:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        org_raw = scenario.doc.get("org") or {}
        opts = scenario.options
        self.options = Options(
            enrich=bool(opts.get("enrich", True)),
            tz_millis=bool(opts.get("tz_millis", False)),
            locale=str(org_raw.get("locale", "en_IN")),
        )
        self.fake = Fake(scenario.seed, self.options.locale)
        self.org = build_org(scenario, self.fake)
        self.world = World(self.fake, self.org, scenario.start_ms)
        self.envelope = Envelope(
            scenario.envelope,
            prefix_event_type=self.org.event_type_prefix,
            trace=bool(opts.get("trace", True)),
        )
        self.refs: dict[str, Any] = {}
        self.named: dict[str, Customer] = {}
        self.crowds: dict[str, int] = {}
        self.emitted = 0
        self.step_expect: tuple[Any, str] | None = None  # the step whose events render now
        self._declare_customers()

    def _declare_customers(self) -> None:
        for name, raw in (self.scenario.doc.get("customers") or {}).items():
            raw = raw or {}
            if "crowd" in raw:
                self.crowds[name] = int(raw["crowd"])
                continue
            customer = self.new_customer()
            for key in ("first_name", "last_name", "mobile", "email"):
                if key in raw:
                    setattr(customer, key, str(raw[key]))
            if "email" not in raw and ("first_name" in raw or "last_name" in raw):
                customer.email = self.fake.email(customer.first_name, customer.last_name)
            self.named[name] = customer

    def new_customer(self) -> Customer:
        return make_customer(self.fake, self.world.ids.next("customer"), self.org)

    # ---- playing --------------------------------------------------------------------
    def emissions(self) -> Iterator[Emission | Checkpoint]:
        yield from self.run(self.scenario.steps, None)

    def payloads(self) -> Iterator[dict[str, Any]]:
        for emission in self.emissions():
            if isinstance(emission, Emission):
                yield self.render(emission)

    def items(self) -> Iterator[Rendered | Checkpoint]:
        """Payloads with their steps' expectations, and the `check:` points between them."""
        for emission in self.emissions():
            if isinstance(emission, Checkpoint):
                yield emission
                continue
            expect, where = self.step_expect or (None, "")
            yield Rendered(self.render(emission), expect, where)

    def run(self, steps: list[Any], each: Customer | None) -> Iterator[Emission | Checkpoint]:
        for step in steps:
            yield from self.step(step, each)

    def step(self, step: dict[str, Any], each: Customer | None) -> Iterator[Emission | Checkpoint]:
        action, args = split_step(step)
        if action == "repeat":
            for _ in range(int(args["times"])):
                yield from self.run(step.get("steps") or [], each)
        elif action == "for_each":
            for customer in self.crowd(step, args["customers"]):
                yield from self.run(step.get("steps") or [], customer)
        elif action == "choose":
            yield from self.choose(args["branches"], each)
        elif action == "wait":
            yield from self.world_wait(duration_ms(args["duration"]) or 0)
        elif action == "check":
            yield self.checkpoint(step, args, each)
        else:
            yield from self.act(step, action, args, each)

    def crowd(self, step: dict[str, Any], name: str) -> Iterator[Customer]:
        if name in self.named:
            yield self.named[name]
            return
        for _ in range(self.crowds.get(name, 0)):
            yield self.new_customer()

    def choose(self, branches: list[dict[str, Any]], each: Customer | None) -> Iterator[Emission]:
        weights = [float(b.get("weight", 1)) for b in branches]
        if sum(weights) <= 0:
            return
        branch = self.fake.rng.choices(branches, weights=weights, k=1)[0]
        yield from self.run(branch.get("steps") or [], each)

    def world_wait(self, ms: int) -> Iterator[Emission]:
        from capmock.model import ops

        yield from ops.advance(self.world, ms)

    def act(
        self, step: dict[str, Any], action: str, args: dict[str, Any], each: Customer | None
    ) -> Iterator[Emission]:
        self.world.tick()
        expect_rejection = bool(args.pop("expect_rejection", False))
        expect = args.pop("expect", None)
        style = args.pop("envelope", None)
        args.pop("note", None)
        name = args.pop("as", None)
        try:
            customer = self.customer(step, args, each)
            emissions, result = HANDLERS[action](self, customer, args)
        except Rejected as refused:
            if expect_rejection:
                return
            raise self.located(
                step,
                action,
                str(refused),
                hint="add `expect_rejection: true` if the step is meant to be refused",
            ) from refused
        except ScenarioError:
            raise
        except CapmockError as err:
            raise self.located(step, action, err.message, hint=err.hint) from err
        if expect_rejection:
            raise self.located(step, action, "expected a rejection, but the step succeeded")
        if name:
            self.refs[str(name)] = result
        self.step_expect = None if expect is None else (expect, self.where(step, action))
        for emission in emissions:
            emission.envelope = style
            yield emission
        self.step_expect = None

    def where(self, step: Any, action: str) -> str:
        mark = mark_of(step, action)
        return f"line {mark.line} ({action})" if mark else action

    def checkpoint(self, step: Any, args: dict[str, Any], each: Customer | None) -> Checkpoint:
        name = args.get("customer")
        try:
            customer = self.customer(step, dict(args), each)
        except KeyError:
            customer = None
        if customer is None:
            raise self.located(step, "check", "which customer? a named one, or `each` in a loop")
        model = {n: self.customer_view(c) for n, c in self.named.items()}
        model["customer"] = self.customer_view(customer)
        if each is not None:
            model["each"] = self.customer_view(each)
        mark = mark_of(step, "check")
        where = f"{mark.file}:{mark.line}" if mark else self.scenario.path
        named = name not in (None, "each", "$each")
        label = str(name) if named else f"customer {customer.customer_id}"
        return Checkpoint(label, customer.customer_id, dict(args), model, where)

    def customer_view(self, customer: Customer) -> dict[str, Any]:
        """The model's view of a customer for templates: `plan --state`'s row, plus
        ``points`` and ``tier`` of the default program and ``transactions`` (visits)."""
        from capmock.scenario.state import customer_state

        st = self.world.states.get(customer.customer_id)
        if st is None:  # not met yet: a blank view, without registering the customer
            st = CustomerState(customer, {p.id: Account() for p in self.org.programs})
        row = customer_state(self, st)
        account = row["programs"][str(self.org.default_program.id)]
        row["points"] = {k: v for k, v in account.items() if k != "tier"}
        row["tier"] = account["tier"]
        row["transactions"] = row["visits"]
        return row

    def located(
        self, step: Any, action: str, message: str, hint: str | None = None
    ) -> ScenarioError:
        mark = mark_of(step, action)
        return ScenarioError(
            message,
            file=mark.file if mark else self.scenario.path,
            line=mark.line if mark else None,
            column=mark.column if mark else None,
            field=action,
            hint=hint,
        )

    def customer(self, step: Any, args: dict[str, Any], each: Customer | None) -> Customer | None:
        name = args.pop("customer", None)
        if name is None or name in ("each", "$each"):
            if each is not None:
                return each
            if len(self.named) == 1 and name is None:
                return next(iter(self.named.values()))
            return None
        return self.named[str(name)]

    def ref(self, name: Any, kind: type | None = None) -> Any:
        if name not in self.refs:
            raise CapmockError(f"'{name}' has no result yet (the step naming it did not run)")
        value = self.refs[name]
        if kind is not None and not isinstance(value, kind):
            raise CapmockError(f"'{name}' is not a {kind.__name__.lower()}")
        return value

    # ---- rendering ------------------------------------------------------------------
    def render(self, emission: Emission) -> dict[str, Any]:
        defn = catalog.get(emission.event)
        customer = emission.customer or self.fallback_customer()
        ctx = Ctx(
            fake=self.fake,
            org=self.org,
            customer=customer,
            store=emission.store or self.world.store(),
            ids=self.world.ids,
            now_ms=emission.at_ms,
            options=self.options,
            program=emission.program,
        )
        data = defn.render(ctx, emission.facts)
        if emission.overrides:
            deep_merge(data, emission.overrides)
        env = self.envelope
        if emission.envelope and emission.envelope != env.style:
            env = Envelope(
                emission.envelope, env.prefix_event_type, env.consumer_group_id, env.trace
            )
        self.emitted += 1
        return wrap(defn, data, ctx, env, event_ids(ctx, defn, data))

    def fallback_customer(self) -> Customer:
        if not hasattr(self, "_fallback"):
            self._fallback = self.new_customer()
        return self._fallback
