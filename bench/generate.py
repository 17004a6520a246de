"""Generation and validation rates for a mix of events, with the baselines measured in the same run.

Baselines: json.dumps of an already-built payload (the serialisation floor) and
jsonschema's own validator (what validation would cost without the compiled fast path).

    python bench/generate.py [--n 20000]
"""

from __future__ import annotations

import argparse
import json
import time

import jsonschema

from capmock import catalog
from capmock.generate import Generator
from capmock.schemas import bundle, default_validator, documents


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    events = catalog.names()
    gen = Generator(seed=1)
    n = args.n

    start = time.perf_counter()
    payloads = []
    for i in range(n):
        payload = gen.one(events[i % len(events)])
        json.dumps(payload)
        payloads.append(payload)
    gen_rate = rate(n, time.perf_counter() - start)

    start = time.perf_counter()
    for p in payloads:
        json.dumps(p)
    dumps_rate = rate(n, time.perf_counter() - start)

    validator = default_validator()
    for p in payloads[: len(events)]:
        validator.validate(p)  # compile once, outside the timing
    start = time.perf_counter()
    bad = sum(1 for p in payloads if validator.validate(p))
    val_rate = rate(n, time.perf_counter() - start)

    docs = documents()
    slow = {e: jsonschema.Draft202012Validator(bundle(docs, e, "flat")) for e in events}
    m = min(n, 2_000)
    start = time.perf_counter()
    for p in payloads[:m]:
        slow[p["eventName"]].is_valid(p)
    js_rate = rate(m, time.perf_counter() - start)

    print(f"events in mix              {len(events)}")
    print(f"generate+serialize         {gen_rate:10.0f} events/s   (target >= 20000)")
    print(
        f"  baseline json.dumps only {dumps_rate:10.0f} events/s"
        f"   ratio {gen_rate / dumps_rate:.2f}"
    )
    print(
        f"validate (compiled)        {val_rate:10.0f} events/s   (target >= 20000), invalid: {bad}"
    )
    print(
        f"  baseline jsonschema      {js_rate:10.0f} events/s   speed-up {val_rate / js_rate:.1f}x"
    )


if __name__ == "__main__":
    main()
