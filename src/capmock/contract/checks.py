"""The six checks of the standard suite; each returns its named cases."""

from __future__ import annotations

import copy
import json
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

from capmock.contract.journeys import CustomerSet, customer_of
from capmock.contract.results import Case, Report, failed
from capmock.contract.suite import (
    CHECKS,
    NEEDS_STATE,
    STATUS_ONLY,
    Reference,
    Suite,
    SuiteConfig,
)
from capmock.delivery.secrets import redact_url
from capmock.envelope import is_event_object, unwrap
from capmock.variations import VARIANTS, OtherEnvelope, Variant

UNKNOWN_EVENT = "capmockUnknownEvent"
SHOWN = 15


# ---- acceptance and tolerant reader: status codes -------------------------------------------


def acceptance(suite: Suite) -> list[Case]:
    started = time.monotonic()
    sent = suite.acceptance_sent()
    each = round((time.monotonic() - started) / max(1, len(sent.summary.outcomes)), 3)
    cases = []
    payloads = suite.acceptance_payloads()
    for o in sent.summary.outcomes.values():
        name = f"acceptance[{_label(payloads[o.seq]) if o.seq < len(payloads) else o.event_name}]"
        if o.outcome == "delivered":
            cases.append(Case(name, "acceptance", message=f"answered {o.status}", seconds=each))
        else:
            cases.append(failed(name, "acceptance", f"expected 2xx, got {sent.answer(o)}",
                                o.describe(), seconds=each))
    return cases


def _label(payload: dict[str, Any]) -> str:
    """The event's name; for another vendor's event object, its type and the transaction's."""
    name = unwrap(payload)[0] or "?"
    if is_event_object(payload):
        from capmock.vendor.voucherify.envelope import transaction_type

        kind = transaction_type(payload)
        return f"{name}:{kind}" if kind else name
    return name


def with_extra_fields(payload: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(payload)
    out["capmockUnknownField"] = {"note": "added by capmock check", "values": [1, 2.5, None]}
    attrs = out.get("attributes")
    if isinstance(attrs, dict):
        attrs["capmockUnknownAttribute"] = "x"
    _, _, data = unwrap(out)
    if isinstance(data, dict):
        data["capmockUnknownDataField"] = {"nested": {"list": [True, "x"]}}
    return out


def with_unknown_name(payload: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(payload)
    if is_event_object(out):  # another vendor's event object: its type is the name
        out["type"] = UNKNOWN_EVENT
        return out
    attrs = out.get("attributes")
    body = attrs if isinstance(attrs, dict) else out
    body["eventName"] = UNKNOWN_EVENT
    if "eventType" in out:
        prefix, sep, _ = str(out["eventType"]).rpartition("_")
        out["eventType"] = f"{prefix}{sep}{UNKNOWN_EVENT}"
    return out


def _renamed(payload: dict[str, Any], variant: str) -> dict[str, Any]:
    """The same event under a new eventId (so a de-duplicating consumer still reads it)."""
    out = dict(payload)
    key = "id" if is_event_object(payload) else "eventId"
    out[key] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{payload[key]}/{variant}"))
    return out


def tolerant_reader(suite: Suite) -> list[Case]:
    plain = suite.acceptance_sent()
    accepted = {o.event_name for o in plain.summary.outcomes.values() if o.outcome == "delivered"}
    base = [p for p in suite.acceptance_payloads() if unwrap(p)[0] in accepted]
    group = "tolerant-reader"
    cases: list[Case] = []
    name = "tolerant-reader[extra fields]"
    if not base:
        cases.append(Case(name, group, "skipped", "no event type was accepted without them"))
    else:
        extra = suite.send([_renamed(with_extra_fields(p), "extra") for p in base],
                           suite.config.options.connections)
        bad = extra.problems()
        if bad:
            cases.append(failed(
                name, group,
                f"{len(bad)} of {len(base)} events it accepts were refused with unknown fields "
                f"added: {bad[0]}",
                "unknown fields: capmockUnknownField (top level), capmockUnknownDataField "
                "(in data)\n" + _lines(bad)))
        else:
            cases.append(Case(name, group, message=f"{len(base)} event types answered 2xx"))
    if suite.config.vendor == "capillary":  # the variants are Capillary's documented shapes
        cases += variant_cases(suite, base)
    sample = next((p for p in suite.acceptance_payloads() if unwrap(p)[0] == "customerAdded"),
                  None) or suite.acceptance_payloads()[0]
    sent = suite.send([_renamed(with_unknown_name(sample), "unknown")])
    (o,) = sent.summary.outcomes.values()
    last = (sent.attempts.get(o.seq) or [None])[-1]
    status = last.status if last else None
    name = "tolerant-reader[unknown eventName]"
    if status is not None and status < 500:
        cases.append(Case(name, group, message=f"'{UNKNOWN_EVENT}' answered {status}"))
    else:
        cases.append(failed(name, group, f"'{UNKNOWN_EVENT}' got {sent.answer(o)}",
                            "an unknown eventName must not get a 5xx: Capillary retries it"))
    return cases


def variant_cases(suite: Suite, base: list[dict[str, Any]]) -> list[Case]:
    """One case per documented shape variant (capmock.variations): every accepted event in
    that shape, under a fresh eventId; the case names the variant the consumer refused."""
    rng = random.Random(f"{suite.salt}:variants")
    cases = []
    for v in VARIANTS:
        name, group = f"tolerant-reader[{v.name}]", "tolerant-reader"
        # a variant of the other envelope's shape (eventType) is sent in that envelope
        varied = _shaped(v, base, rng) or _shaped(v, _shaped(OtherEnvelope(), base, rng), rng)
        if not varied:
            cases.append(Case(name, group, "skipped", "no accepted event has this shape"))
            continue
        bad = suite.send(varied, suite.config.options.connections, vary=False).problems()
        if bad:
            cases.append(failed(
                name, group,
                f"variant '{v.name}': {len(bad)} of {len(varied)} events refused: {bad[0]}",
                f"{v.summary} (the docs show it: {v.seen}; see docs/variations.md)\n"
                + _lines(bad)))
        else:
            cases.append(Case(name, group, message=f"{len(varied)} events answered 2xx"))
    return cases


def _shaped(v: Variant, payloads: list[dict[str, Any]], rng: random.Random) -> list[Any]:
    """The payloads ``v`` changes, changed, each under a fresh eventId."""
    out = []
    for payload in payloads:
        shaped = copy.deepcopy(payload)
        if v.apply(shaped, rng):
            out.append(_renamed(shaped, v.name))
    return out


# ---- state: idempotency, order, retries, concurrency ---------------------------------------


def idempotency(suite: Suite) -> list[Case]:
    name, group = "idempotency[loyalty]", "idempotency"
    ref = suite.reference("loyalty")
    if (bad := _reference_problem(name, group, ref)) is not None:
        return [bad]
    again = suite.send(ref.cset.payloads)
    return [_judge(suite, name, group, ref, ref.cset, again.problems(),
                   "every event delivered a second time (same eventId, same bytes)")]


def reversed_per_customer(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each customer's events in reverse, in the slots that customer had (interleaving kept)."""
    slots: dict[Any, list[int]] = {}
    for i, p in enumerate(payloads):
        slots.setdefault(customer_of(p), []).append(i)
    out = list(payloads)
    for positions in slots.values():
        for pos, src in zip(positions, reversed(positions), strict=True):
            out[pos] = payloads[src]
    return out


def shuffled(seed: int) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    def arrange(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = list(payloads)
        random.Random(seed).shuffle(out)
        return out

    return arrange


def order_tolerance(suite: Suite) -> list[Case]:
    group = "order-tolerance"
    ref = suite.reference("loyalty")
    orders = (("reversed per customer", reversed_per_customer),
              ("shuffled globally", shuffled(suite.config.seed)))
    cases = []
    for label, arrange in orders:
        name = f"order-tolerance[{label}]"
        if (bad := _reference_problem(name, group, ref)) is not None:
            cases.append(bad)
            continue
        cset = suite.customer_set("loyalty")
        order = arrange(cset.payloads)
        sent = suite.send(order)
        what = f"the same journey {label} (" + ", ".join(_order(order, cset)) + ")"
        cases.append(_judge(suite, name, group, ref, cset, sent.problems(), what))
    return cases


def retry_safety(suite: Suite) -> list[Case]:
    name, group = "retry-safety[loyalty]", "retry-safety"
    ref = suite.reference("loyalty")
    if (bad := _reference_problem(name, group, ref)) is not None:
        return [bad]
    cset = suite.customer_set("loyalty")
    pairs = [suite.send([p, p], connections=2, retry=True) for p in cset.payloads]
    problems = [line for sent in pairs for line in sent.problems()]
    retried = sum(sent.retried() for sent in pairs)
    what = ("every event sent twice at once, same bytes, as a retry after a timeout arrives "
            "while the first send is still being processed; a send answered 5xx was retried "
            f"({retried} were)")
    return [_judge(suite, name, group, ref, cset, problems, what)]


def concurrency(suite: Suite) -> list[Case]:
    name, group = "concurrency[one customer, 10 connections]", "concurrency"
    ref = suite.reference("one-customer")
    if (bad := _reference_problem(name, group, ref)) is not None:
        return [bad]
    cset = suite.customer_set("one-customer")
    sent = suite.send(cset.payloads, connections=10, retry=True)
    what = (f"{len(cset.payloads)} events of one customer over 10 parallel connections; "
            f"a send answered 5xx was retried ({sent.retried()} were)")
    return [_judge(suite, name, group, ref, cset, sent.problems(), what)]


# ---- judging ----------------------------------------------------------------------------------


def _reference_problem(name: str, group: str, ref: Reference) -> Case | None:
    bad = ref.sent.problems()
    if not bad:
        return None
    return failed(name, group, f"the journey delivered once, in order, was not acknowledged: "
                  f"{bad[0]}", "nothing to compare against:\n" + _lines(bad))


def _judge(
    suite: Suite, name: str, group: str, ref: Reference, cset: CustomerSet, bad: list[str],
    what: str,
) -> Case:
    """Deliveries acknowledged, then (with --state) the same documents as the reference."""
    if bad:
        return failed(name, group, f"{len(bad)} deliveries were not acknowledged: {bad[0]}",
                      f"sent: {what}\n" + _lines(bad))
    if suite.state is None or ref.docs is None:
        return Case(name, group, message=f"{len(cset.payloads)} events acknowledged",
                    details=f"sent: {what}", note=STATUS_ONLY)
    polled = suite.agree(cset, ref.docs)
    if polled.ok:
        return Case(name, group, message="same state as the journey delivered once, in order",
                    details=f"sent: {what}", seconds=round(polled.elapsed, 3))
    message = "state differs"
    diffs: list[str] = []
    for i, (want, got) in enumerate(zip(ref.docs, polled.value, strict=True)):
        lines = diff(want, got)
        if lines:
            message = message if diffs else f"customer {i + 1}: {lines[0]}"
            diffs += [_customer(i, ref, cset), *(f"  {line}" for line in lines[:SHOWN])]
    details = "\n".join([
        f"sent: {what}",
        f"expected the consumer's documents to equal those after the journey delivered once, "
        f"in order (customer ids normalised; waited {polled.elapsed:.2f}s, {polled.tries} reads):",
        *diffs,
    ])
    return failed(name, group, message, details, seconds=round(polled.elapsed, 3))


def _customer(i: int, ref: Reference, cset: CustomerSet) -> str:
    here, there = cset.customer_ids[i], ref.cset.customer_ids[i]
    ids = f"id {here}" if here == there else f"id {here}; {there} in the reference"
    return f"customer {i + 1} ({ids}):"


def diff(want: Any, got: Any, path: str = "$") -> list[str]:
    """Where two JSON documents differ: ``$.body.tier: 2, want 1``."""
    if isinstance(want, dict) and isinstance(got, dict):
        out = []
        for key in sorted(set(want) | set(got), key=str):
            if key not in got:
                out.append(f"{path}.{key} missing, want {_j(want[key])}")
            elif key not in want:
                out.append(f"{path}.{key} = {_j(got[key])}, not expected")
            else:
                out += diff(want[key], got[key], f"{path}.{key}")
        return out
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        return [line for k, (a, b) in enumerate(zip(want, got, strict=True))
                for line in diff(a, b, f"{path}[{k}]")]
    return [] if want == got else [f"{path} = {_j(got)}, want {_j(want)}"]


def _j(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:120] + "…"


def _order(payloads: list[dict[str, Any]], cset: CustomerSet) -> list[str]:
    index = {cid: i + 1 for i, cid in enumerate(cset.customer_ids)}
    return [f"{unwrap(p)[0]}/c{index.get(customer_of(p), '?')}" for p in payloads]


def _lines(lines: list[str]) -> str:
    shown = [f"  {line}" for line in lines[:SHOWN]]
    if len(lines) > SHOWN:
        shown.append(f"  … and {len(lines) - SHOWN} more")
    return "\n".join(shown)


RUNNERS: dict[str, Callable[[Suite], list[Case]]] = {
    "acceptance": acceptance,
    "idempotency": idempotency,
    "order-tolerance": order_tolerance,
    "tolerant-reader": tolerant_reader,
    "retry-safety": retry_safety,
    "concurrency": concurrency,
}


def run_suite(config: SuiteConfig) -> Report:
    """Run the checks in ``config.only`` (in the standard order); a report of their cases."""
    suite = Suite(config)
    report = Report(
        "check",
        meta={"target": redact_url(config.target), "envelope": config.envelope,
              **({"vendor": config.vendor} if config.vendor != "capillary" else {}),
              "seed": config.seed, "customer-id space": suite.salt, "state": config.state.template
              if config.state else None},
    )
    if config.state is None and any(c in config.only for c in NEEDS_STATE):
        report.notes.append(f"{', '.join(c for c in NEEDS_STATE if c in config.only)}: "
                            f"{STATUS_ONLY}.")
    try:
        for name in CHECKS:
            if name in config.only:
                for case in RUNNERS[name](suite):
                    report.cases.append(case)
                    if config.on_case is not None:
                        config.on_case(case)
    finally:
        suite.close()
    return report
