"""Planning rate and memory of the crowd-journey scenario, with a baseline from the same run.

Planning = playing the scenario through the model, rendering every payload and validating
it (``capmock.schemas.default_validator().validate``). The crowd size is overridden by
patching ``scenario.doc['customers']['shoppers']['crowd']`` before the Player is made.

Baseline: ``capmock.Generator(seed).one(event)`` + validate for the same events (the same
number of each event name the plan produced) -- what generation costs without the model.

Each crowd size runs in its own child process pinned to one core, so that ``ru_maxrss``
(a peak over the life of the process) measures that size alone: the child warms up
(imports, schema compilation, a 50-customer plan), reads its peak RSS, plans the crowd,
reads the peak RSS again; the difference is the memory the plan added. Payloads are
streamed, so what grows with the crowd is the model's per-customer state (ledgers, bills).

Rates are given on wall-clock time and on the process's CPU time (``time.process_time``),
which a busy machine does not inflate; the target is judged on CPU time. ``--breakdown``
also times the model alone (``Player.emissions()``) and model + rendering without
validation, for the crowd of 10,000.

    python bench/plan.py [--big] [--breakdown] [--sizes 2000,10000] [--target 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from typing import Any

SCENARIO = "crowd-journey"
CROWD = "shoppers"


def pin_to_one_core() -> str:
    """Pin this process to one CPU (the first it may use); describe what was done."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"cpu {cpu}"


def peak_rss_kib() -> int:
    """Peak resident set size of this process so far, in KiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def make_player(scenario_name: str, crowd: int, seed: int | None) -> Any:
    from capmock.scenario import load
    from capmock.scenario.player import Player

    scenario = load(scenario_name, seed=seed)
    scenario.doc["customers"][CROWD]["crowd"] = crowd
    return Player(scenario)


def plan(scenario_name: str, crowd: int, seed: int | None, validator: Any) -> tuple[Counter, int]:
    """Plan and validate every payload; (events per name, invalid count)."""
    from capmock.envelope import unwrap

    names: Counter[str] = Counter()
    invalid = 0
    for payload in make_player(scenario_name, crowd, seed).payloads():
        if validator.validate(payload):
            invalid += 1
        names[unwrap(payload)[0]] += 1
    return names, invalid


class Clock:
    """Wall-clock and CPU seconds of a block."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def baseline(names: Counter, seed: int, validator: Any) -> tuple[int, Clock]:
    """Generator(seed).one(event) + validate, as many of each event as the plan made."""
    from capmock import Generator

    gen = Generator(seed)
    count = 0
    with Clock() as clock:
        for name, n in names.items():
            for _ in range(n):
                validator.validate(gen.one(name))
                count += 1
    return count, clock


def breakdown(scenario_name: str, crowd: int, seed: int | None) -> dict[str, float]:
    """CPU events/s of the model alone, and of model + rendering (no validation).

    Rendering draws from the same seeded stream as the model, so these runs take slightly
    different branches than the full plan; the rates are per event all the same.
    """
    with Clock() as model:
        n_model = sum(1 for _ in make_player(scenario_name, crowd, seed).emissions())
    with Clock() as render:
        n_render = sum(1 for _ in make_player(scenario_name, crowd, seed).payloads())
    return {"model": n_model / model.cpu, "render": n_render / render.cpu}


def child(crowd: int, scenario_name: str, seed: int | None, with_breakdown: bool) -> dict[str, Any]:
    """One measurement, in a fresh process: plan rate, RSS growth, baseline rate."""
    pinned = pin_to_one_core()
    from capmock.schemas import default_validator

    validator = default_validator()
    warm, _ = plan(scenario_name, 50, seed, validator)  # imports, schema compilation
    baseline(warm, 1, validator)
    rss_before = peak_rss_kib()

    with Clock() as clock:
        names, invalid = plan(scenario_name, crowd, seed, validator)
    rss_after = peak_rss_kib()

    events = sum(names.values())
    base_n, base = baseline(names, 1, validator)
    row = {
        "crowd": crowd,
        "events": events,
        "invalid": invalid,
        "plan_wall_s": clock.wall,
        "plan_wall": events / clock.wall,
        "plan_cpu": events / clock.cpu,
        "base_wall": base_n / base.wall,
        "base_cpu": base_n / base.cpu,
        "rss_before_kib": rss_before,
        "rss_growth_kib": rss_after - rss_before,
        "pinned": pinned,
    }
    if with_breakdown:
        row["breakdown"] = breakdown(scenario_name, crowd, seed)
    return row


def run_child(
    crowd: int, scenario_name: str, seed: int | None, with_breakdown: bool
) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", str(crowd), "--scenario", scenario_name]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    if with_breakdown:
        cmd.append("--breakdown")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000", help="crowd sizes, comma-separated")
    parser.add_argument("--big", action="store_true", help="also a crowd of 20,000")
    parser.add_argument("--scenario", default=SCENARIO, help="scenario name or path")
    parser.add_argument("--seed", type=int, help="override the scenario's seed")
    parser.add_argument("--target", type=float, default=10_000, help="events/s to reach")
    parser.add_argument(
        "--breakdown", action="store_true", help="also time model only / model + render"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child is not None:
        print(json.dumps(child(args.child, args.scenario, args.seed, args.breakdown)))
        return

    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.big and 20_000 not in sizes:
        sizes.append(20_000)
    main_size = 10_000 if 10_000 in sizes else sizes[-1]
    rows = [
        run_child(n, args.scenario, args.seed, args.breakdown and n == main_size) for n in sizes
    ]

    print(
        f"scenario {args.scenario}, one core ({rows[0]['pinned']});"
        " plan = model + render + validate"
    )
    print(
        f"{'crowd':>6} {'events':>7} {'ev/cust':>7} {'wall s':>7} {'plan ev/s':>19}"
        f" {'baseline ev/s':>19} {'ratio':>6} {'RSS +MiB':>8} {'KiB/cust':>8} {'invalid':>7}"
    )
    print(f"{'':>29} {'wall':>9} {'cpu':>9} {'wall':>9} {'cpu':>9} {'(cpu)':>6}")
    for r in rows:
        print(
            f"{r['crowd']:>6} {r['events']:>7} {r['events'] / r['crowd']:>7.2f}"
            f" {r['plan_wall_s']:>7.2f} {r['plan_wall']:>9.0f} {r['plan_cpu']:>9.0f}"
            f" {r['base_wall']:>9.0f} {r['base_cpu']:>9.0f} {r['plan_cpu'] / r['base_cpu']:>6.2f}"
            f" {r['rss_growth_kib'] / 1024:>8.1f} {r['rss_growth_kib'] / r['crowd']:>8.2f}"
            f" {r['invalid']:>7}"
        )
    print(
        "baseline = Generator(seed).one(event) + validate, the same events; ratio = plan/baseline"
    )
    print(
        "RSS +MiB = peak RSS growth while planning"
        f" (after warm-up at {rows[0]['rss_before_kib'] / 1024:.0f} MiB)"
    )

    main_row = next(r for r in rows if r["crowd"] == main_size)
    met = main_row["plan_cpu"] >= args.target
    print(
        f"target >= {args.target:.0f} events/s planned (crowd {main_size}, cpu time): "
        f"{main_row['plan_cpu']:.0f} -> {'met' if met else 'NOT met'}"
    )
    if "breakdown" in main_row:
        b = main_row["breakdown"]
        print(
            f"breakdown (cpu ev/s, crowd {main_size}): model only {b['model']:.0f}, "
            f"+ render {b['render']:.0f}, + validate {main_row['plan_cpu']:.0f}"
        )
    if len(rows) > 1:
        small, large = rows[0], rows[-1]
        per = [r["rss_growth_kib"] / r["crowd"] for r in (small, large)]
        print(
            f"memory: x{large['crowd'] / small['crowd']:.0f} customers -> "
            f"x{large['rss_growth_kib'] / max(small['rss_growth_kib'], 1):.1f} RSS growth "
            f"({per[0]:.2f} vs {per[1]:.2f} KiB per customer)"
        )
    if any(r["invalid"] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
