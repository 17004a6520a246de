"""Plays a scenario: control flow, customers, named results; renders emissions to payloads."""

from __future__ import annotations

import re
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from capmock import catalog
from capmock.catalog.context import Ctx, Options
from capmock.catalog.shape import check_fields
from capmock.envelope import Envelope, event_ids, wrap
from capmock.errors import CapmockError, ScenarioError
from capmock.model import schedule
from capmock.model.entities import Customer
from capmock.model.factory import make_world, new_customer
from capmock.model.ledger import Account
from capmock.model.world import CustomerState, Emission
from capmock.scenario.budget import BudgetExceeded
from capmock.scenario.compiled import ACT, CHOOSE, FOR_EACH, REPEAT, WAIT, Op, compile_step
from capmock.scenario.loader import Scenario, org_spec
from capmock.scenario.state import customer_state
from capmock.scenario.steps import HANDLERS, Rejected, Session
from capmock.scenario.validate import duration_ms
from capmock.scenario.yamlload import mark_of
from capmock.variations import maybe
from capmock.vendor import CAPILLARY, renderer


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
    customer_id: int | str  # another vendor's consumer knows its own id (capmock.vendor)
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


class Player:
    def __init__(
        self, scenario: Scenario, *, variations: float = 0.0, fields: str | None = None
    ) -> None:
        self.scenario = scenario
        # Capillary's documented shape variants (another vendor's payloads have none of them)
        self.vary = maybe(variations, scenario.seed) if scenario.vendor == CAPILLARY else None
        org_raw = scenario.doc.get("org") or {}
        opts = scenario.options
        # --fields over the scenario's; Capillary's levels only (as the variants above):
        # another vendor's journey stays the one it is without them
        level = (check_fields(fields or str(opts.get("fields", "typical")))
                 if scenario.vendor == CAPILLARY else "typical")
        self.options = Options(
            enrich=bool(opts.get("enrich", True)),
            # every documented member: the …InMillis companions too (as capmock generate)
            tz_millis=bool(opts.get("tz_millis", False)) or level == "all",
            locale=str(org_raw.get("locale", "en_IN")),
            fields=level,
        )
        spec = org_spec(scenario)
        self.world = make_world(scenario.seed, self.options.locale, spec, scenario.start_ms)
        self.fake, self.org = self.world.fake, self.world.org
        self.envelope = Envelope(
            scenario.envelope,
            prefix_event_type=self.org.event_type_prefix,
            trace=bool(opts.get("trace", True)),
        )
        self.refs: dict[str, Any] = {}
        self.named: dict[str, Customer] = {}
        self.crowds: dict[str, int] = {}
        self.emitted = 0
        self.spent = 0  # events the acts have made, against scenario.max_events
        self._ctx: Ctx | None = None  # one rendering context, re-aimed at each emission
        self.step_expect: tuple[Any, str] | None = None  # the step whose events render now
        self._ops: dict[int, Op] = {}  # id(step) -> the step, read (see scenario.compiled)
        # Another vendor's rendering of the emissions (None: Capillary's, render() below)
        self.vendor = renderer(scenario.vendor, scenario.seed, self.world)
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
        return new_customer(self.world)

    # ---- playing --------------------------------------------------------------------
    def emissions(self) -> Iterator[Emission | Checkpoint]:
        return self.run(self.scenario.steps, None)  # not `yield from`: one layer less

    def payloads(self) -> Iterator[dict[str, Any]]:
        vendor = self.vendor
        for emission in self.emissions():
            if isinstance(emission, Emission):
                if vendor is None:
                    yield self.render(emission)
                else:  # Capillary's rendering still runs: the same draws, the same journey
                    yield from vendor.render(emission, self.render(emission))

    def items(self) -> Iterator[Rendered | Checkpoint]:
        """Payloads with their steps' expectations, and the `check:` points between them."""
        for emission in self.emissions():
            if isinstance(emission, Checkpoint):
                yield emission
                continue
            expect, where = self.step_expect or (None, "")
            if self.vendor is None:
                yield Rendered(self.render(emission), expect, where)
            else:
                for payload in self.vendor.render(emission, self.render(emission)):
                    yield Rendered(payload, expect, where)

    def run(self, steps: list[Any], each: Customer | None) -> Iterator[Emission | Checkpoint]:
        """Run ``steps``; acts and ``choose`` are done here, not in generators of their own,
        as every emission passes up through each generator it was made under."""
        ops = self._ops
        for step in steps:
            op = ops.get(id(step)) or self._compile(step)
            kind = op.kind
            if kind == ACT:
                emissions = self.act(op, each)
                if emissions:
                    self.step_expect = op.expect
                    for emission in emissions:
                        emission.envelope = op.style
                        yield emission
                    self.step_expect = None
            elif kind == CHOOSE:
                if op.cum is not None:
                    assert op.branches is not None
                    draw = self.fake.rng.random()  # as rng.choices(branches, weights) draws
                    pick = bisect(op.cum, draw * op.total, 0, len(op.cum) - 1)
                    if op.branches[pick]:
                        yield from self.run(op.branches[pick], each)
            elif kind == FOR_EACH:
                for customer in self.crowd(op.step, op.args["customers"]):
                    yield from self.run(op.steps, customer)
            elif kind == REPEAT:
                for _ in range(int(op.args["times"])):
                    yield from self.run(op.steps, each)
            elif kind == WAIT:
                yield from self.world_wait(duration_ms(op.args["duration"]) or 0)
            else:
                yield self.checkpoint(op.step, op.args, each)

    def _compile(self, step: dict[str, Any]) -> Op:
        op = self._ops[id(step)] = compile_step(step)  # the Op keeps the step (and its id)
        return op

    def crowd(self, step: dict[str, Any], name: str) -> Iterator[Customer]:
        if name in self.named:
            yield self.named[name]
            return
        for _ in range(self.crowds.get(name, 0)):
            yield self.new_customer()

    def world_wait(self, ms: int) -> Iterator[Emission]:
        yield from schedule.advance(self.world, ms)

    def act(self, op: Op, each: Customer | None) -> list[Emission]:
        """Run one handler step; its emissions (none when a rejection was expected)."""
        self.world.tick()
        try:
            if op.customer is None and each is not None:
                customer: Customer | None = each  # the loop's customer, as customer_for
            else:
                customer = self.customer_for(op.customer, each)
            session: Session = self
            emissions, result = HANDLERS[op.action](session, customer, dict(op.call))
        except Rejected as refused:
            if op.reject:
                return []
            raise self.located(
                op.step,
                op.action,
                self.by_name(refused.message),
                hint=refused.hint
                or "add `expect_rejection: true` if the step is meant to be refused",
            ) from refused
        except ScenarioError:
            raise
        except CapmockError as err:
            raise self.located(op.step, op.action, err.message, hint=err.hint) from err
        if op.reject:
            raise self.located(op.step, op.action, "expected a rejection, but the step succeeded")
        if op.name:
            self.refs[str(op.name)] = result
        self.spent += len(emissions)
        if self.scenario.max_events is not None and self.spent > self.scenario.max_events:
            where = self.located(op.step, op.action, "")
            raise BudgetExceeded(self.scenario.max_events, file=where.file, line=where.line,
                                 column=where.column, field=op.action)  # fmt: skip
        return emissions

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
        return self.customer_for(args.pop("customer", None), each)

    def by_name(self, message: str) -> str:
        """The model's ``customer 167619323`` told as the scenario names it: ``customer
        'bob'`` (crowd members, who have no name, keep their id)."""
        if "customer " not in message:
            return message
        for key, c in self.named.items():
            message = re.sub(rf"\bcustomer {c.customer_id}\b", f"customer '{key}'", message)
        return message

    def customer_for(self, name: Any, each: Customer | None) -> Customer | None:
        """Who a step's ``customer:`` names: the loop's customer for none (or ``each``),
        else the only named customer, else the named one."""
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
            what = getattr(kind, "WHAT", kind.__name__.lower())
            raise CapmockError(f"'{name}' is not a {what}")
        return value

    # ---- rendering ------------------------------------------------------------------
    def render(self, emission: Emission) -> dict[str, Any]:
        defn = catalog.get(emission.event)
        customer = emission.customer or self.fallback_customer()
        store = emission.store or self.world.store()
        ctx = self._ctx
        if ctx is None or ctx.org is not self.org:
            ids, options = self.world.ids, self.options
            ctx = self._ctx = Ctx(self.fake, self.org, customer, store, ids, 0, options)
        ctx.aim(customer, store, emission.at_ms, emission.program)
        data = defn.render(ctx, emission.facts)
        if emission.overrides:
            deep_merge(data, emission.overrides)
        env = self.envelope
        if emission.envelope and emission.envelope != env.style:
            env = Envelope(
                emission.envelope, env.prefix_event_type, env.consumer_group_id, env.trace
            )
        self.emitted += 1
        payload = wrap(defn, data, ctx, env, event_ids(ctx, defn, data))
        return payload if self.vary is None else self.vary(payload)

    def fallback_customer(self) -> Customer:
        if not hasattr(self, "_fallback"):
            self._fallback = self.new_customer()
        return self._fallback
