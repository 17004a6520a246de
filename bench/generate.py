"""Generation and validation rates for a mix of events, with the baselines measured in the same run.

generate+serialize builds each payload and serialises it with ``capmock.jsonio.dumps``
(the bytes delivery sends), at the default ``--fields typical`` and no variations. The
"without hooks" baseline is the same generator with the ``--fields``/``--variations``
hooks bypassed (the path before they existed), interleaved with it, so the typical path's
cost of them shows as a ratio; ``--fields all|required`` and ``--variations 0.1`` are shown
for scale. Other baselines: the same with the standard library's ``json.dumps``,
``json.dumps`` alone of already-built payloads, and fastjsonschema (the
compiled validator capmock used before its own predicates) and jsonschema's own validator
(what validation would cost without any compiled fast path). Rates are on this process's CPU
time (``time.process_time``), which other work on a busy machine does not inflate; the
generation rates are the best of ``--rounds`` interleaved rounds (as ``timeit`` reports its
best), each a fresh seeded Generator making ``--n`` payloads.

    python bench/generate.py [--n 20000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

import fastjsonschema
import jsonschema

from capmock import catalog
from capmock.catalog.context import Options
from capmock.envelope import _wrap, event_ids
from capmock.generator import Generator
from capmock.jsonio import dumps
from capmock.schemas import bundle, default_validator, documents, inline_refs


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
    for p in payloads[: len(events)]:
        validator.validate(p)  # compile once, outside the timing
    start = time.process_time()
    bad = sum(1 for p in payloads if validator.validate(p))
    val_rate = rate(n, time.process_time() - start)

    docs = documents()
    fjs = {
        e: fastjsonschema.compile(inline_refs(bundle(docs, e, "flat")), use_formats=False)
        for e in events
    }
    start = time.process_time()
    for p in payloads:
        fjs[p["eventName"]](p)
    fjs_rate = rate(n, time.process_time() - start)

    slow = {e: jsonschema.Draft202012Validator(bundle(docs, e, "flat")) for e in events}
    m = min(n, 2_000)
    start = time.process_time()
    for p in payloads[:m]:
        slow[p["eventName"]].is_valid(p)
    js_rate = rate(m, time.process_time() - start)

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
        f"validate (compiled)        {val_rate:10.0f} events/s   (target >= 20000), invalid: {bad}"
    )
    print(
        f"  baseline fastjsonschema  {fjs_rate:10.0f} events/s"
        f"   speed-up {val_rate / fjs_rate:.1f}x"
    )
    print(
        f"  baseline jsonschema      {js_rate:10.0f} events/s   speed-up {val_rate / js_rate:.1f}x"
    )


if __name__ == "__main__":
    main()
