"""Generation and validation rates for a mix of events, with the baselines measured in the same run.

generate+serialize builds each payload and serialises it with ``capmock.jsonio.dumps``
(the bytes delivery sends), at the default ``--fields typical`` and no variations. The
"without hooks" baseline is the same generator with the ``--fields``/``--variations``
hooks bypassed (the path before they existed), interleaved with it, so the typical path's
cost of them shows as a ratio; ``--fields all|required`` and ``--variations 0.1`` are shown
for scale. Other baselines: the same with the standard library's ``json.dumps``,
and ``json.dumps`` alone of already-built payloads. Validation is ``capmock.schemas``
(jsonschema-rs behind the event/envelope dispatch), with jsonschema-rs called directly and
jsonschema (the pure-Python reference the tests check against) as baselines. Rates are on
this process's CPU time (``time.process_time``), which other work on a busy machine does
not inflate; the rates are the best of ``--rounds`` interleaved rounds (as ``timeit``
reports its best): for generation each round is a fresh seeded Generator making ``--n``
payloads, for validation each round checks the same ``--n`` payloads (jsonschema: the
first 2,000).

    python bench/generate.py [--n 20000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

import jsonschema
import jsonschema_rs

from capmock import catalog
from capmock.catalog.context import Options
from capmock.envelope import _wrap, event_ids
from capmock.generator import Generator
from capmock.jsonio import dumps
from capmock.schemas import bundle, default_validator, documents


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds else float("inf")


class Unhooked(Generator):
    """The generator as it was before ``--fields``/``--variations``: no hooks after wrap."""

    def one(self, event: str, facts: Any = None, style: str | None = None) -> dict[str, Any]:
        defn = catalog.get(event)
        self.now_ms += self.fake.rng.randint(1_000, 120_000)
        ctx = self.context()
        data = defn.render(ctx, facts)
        return _wrap(defn, data, ctx, self.envelope, event_ids(ctx, defn, data))


def generate_rate(
    events: list[str], n: int, serialise: Callable[[Any], Any], make: Any = Generator, **kw: Any
) -> float:
    gen = make(seed=1, **kw)
    start = time.process_time()
    for i in range(n):
        serialise(gen.one(events[i % len(events)]))
    return rate(n, time.process_time() - start)


def check_rate(payloads: list[Any], check: Callable[[Any], Any]) -> float:
    start = time.process_time()
    for p in payloads:
        check(p)
    return rate(len(payloads), time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    events = catalog.names()
    gen = Generator(seed=1)
    n = args.n

    gen_rates, std_rates, raw_rates = [], [], []
    for _ in range(max(1, args.rounds)):  # interleaved, so all see the same machine
        gen_rates.append(generate_rate(events, n, dumps))
        raw_rates.append(generate_rate(events, n, dumps, Unhooked))
        std_rates.append(generate_rate(events, n, json.dumps))
    gen_rate, std_rate, raw_rate = max(gen_rates), max(std_rates), max(raw_rates)
    levels = {
        f"--fields {f}": generate_rate(events, n // 2, dumps, options=Options(fields=f))
        for f in ("all", "required")
    }
    levels["--variations 0.1"] = generate_rate(events, n // 2, dumps, variations=0.1)
    payloads = [gen.one(events[i % len(events)]) for i in range(n)]

    start = time.process_time()
    for p in payloads:
        json.dumps(p)
    dumps_rate = rate(n, time.process_time() - start)

    validator = default_validator()
    docs = documents()
    direct = {e: jsonschema_rs.Draft202012Validator(bundle(docs, e, "flat")) for e in events}
    slow = {e: jsonschema.Draft202012Validator(bundle(docs, e, "flat")) for e in events}
    bad = sum(1 for p in payloads if validator.validate(p))  # compiles each schema once
    some = payloads[: min(n, 2_000)]  # jsonschema is slow
    val_rates, rs_rates, js_rates = [], [], []
    for _ in range(max(1, args.rounds)):  # interleaved, best of rounds as for generation
        val_rates.append(check_rate(payloads, validator.validate))
        rs_rates.append(check_rate(payloads, lambda p: direct[p["eventName"]].is_valid(p)))
        js_rates.append(check_rate(some, lambda p: slow[p["eventName"]].is_valid(p)))
    val_rate, rs_rate, js_rate = max(val_rates), max(rs_rates), max(js_rates)

    print(f"events in mix              {len(events)}")
    print(
        f"generate+serialize         {gen_rate:10.0f} events/s   (target >= 40000)"
        f"   rounds: {', '.join(f'{r:.0f}' for r in gen_rates)}"
    )
    print(
        f"  baseline without hooks   {raw_rate:10.0f} events/s"
        f"   ratio {gen_rate / raw_rate:.2f}   rounds: {', '.join(f'{r:.0f}' for r in raw_rates)}"
    )
    for label, value in levels.items():
        print(f"  {label:<24} {value:10.0f} events/s   ratio {value / gen_rate:.2f}")
    print(
        f"  baseline with json.dumps {std_rate:10.0f} events/s"
        f"   speed-up {gen_rate / std_rate:.2f}x"
    )
    print(
        f"  baseline json.dumps only {dumps_rate:10.0f} events/s"
        f"   ratio {gen_rate / dumps_rate:.2f}"
    )
    print(
        f"validate (jsonschema-rs)   {val_rate:10.0f} events/s   (target >= 200000), invalid: {bad}"
        f"   rounds: {', '.join(f'{r:.0f}' for r in val_rates)}"
    )
    print(
        f"  jsonschema-rs is_valid   {rs_rate:10.0f} events/s"
        f"   ratio {val_rate / rs_rate:.2f} (the cost of dispatch by event and envelope)"
    )
    print(
        f"  baseline jsonschema      {js_rate:10.0f} events/s   speed-up {val_rate / js_rate:.1f}x"
    )


if __name__ == "__main__":
    main()
