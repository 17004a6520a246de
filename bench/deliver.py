"""Delivery throughput against a local sink, with the plain-requests baseline in the same run.

The sink is a minimal asyncio HTTP/1.1 responder (keep-alive, answers 200) in a separate
process, so the client measured here does not share its GIL with the server.

Measured over the same N pre-built events, best of ``--rounds`` (the rounds interleave the
cases, so machine noise hits them alike):
  plain      a ``requests.Session()`` loop posting the bodies (the baseline)
  plain-env  the same with ``trust_env=False`` (no per-request environment look-ups)
  capmock 1  ``deliver()`` with connections=1, journal on (what ``capmock run`` does)
  capmock 8  ``deliver()`` with connections=8, journal on
then capmock 1 and 8 again against a sink that takes ``--latency`` ms per request, like a
real consumer (against an instant sink a GIL-bound client gains little from parallelism).

    python bench/deliver.py [--n 20000] [--rounds 3] [--latency 2]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

from capmock.delivery import DeliveryOptions, Planned, deliver
from capmock.generator import Generator

RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")


class _Responder(asyncio.Protocol):
    """Reads requests (headers + Content-Length body) and answers each with 200."""

    latency = 0.0  # seconds before answering

    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            length = 0
            for line in self.buffer[:end].split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            total = end + 4 + length
            if len(self.buffer) < total:
                return
            self.buffer = self.buffer[total:]
            assert self.transport is not None
            if self.latency:
                asyncio.get_running_loop().call_later(self.latency, self.transport.write,
                                                      RESPONSE)
            else:
                self.transport.write(RESPONSE)


def serve(latency_ms: float) -> None:
    _Responder.latency = latency_ms / 1000

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(_Responder, "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())


Rate = tuple[float, float]  # (events per second, client CPU microseconds per event)


def timed(n: int, fn: Callable[[], object]) -> Rate:
    """Wall-clock rate and this process's CPU time per event (all threads)."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return n / (time.perf_counter() - start), (time.process_time() - cpu) / n * 1e6


def plain_loop(url: str, bodies: list[bytes], trust_env: bool) -> None:
    session = requests.Session()
    session.trust_env = trust_env
    headers = {"Content-Type": "application/json", "User-Agent": "Java/1.8.0_272"}
    for body in bodies:
        session.post(url, data=body, headers=headers, timeout=30).raise_for_status()


def run_capmock(url: str, events: list[Planned], connections: int, folder: Path) -> None:
    journal = folder / f"c{connections}-{time.time_ns()}.jsonl"
    summary = deliver(events, url, DeliveryOptions(connections=connections), journal=journal)
    assert summary.delivered == len(events), summary.to_dict(outcomes=False)


def crowd_file(folder: Path, customers: int) -> Path:
    """The bundled crowd journey with its crowd resized (~5 events per customer)."""
    from capmock.scenario import BUNDLED

    path = folder / f"crowd-{customers}.yaml"
    path.write_text(f"include: {BUNDLED / 'crowd-journey.yaml'}\n"
                    f"customers: {{shoppers: {{crowd: {customers}}}}}\n")
    return path


def run_scenario(url: str, scenario: Path, connections: int, folder: Path) -> int:
    """`capmock run` as the library does it: play the scenario and deliver every event."""
    from capmock.runner import run_scenario as play_and_deliver

    journal = folder / f"s{connections}-{time.time_ns()}.jsonl"
    result = play_and_deliver(str(scenario), target=url, journal=journal,
                              flags={"connections": str(connections)})
    assert result.summary.ok, result.summary.to_dict(outcomes=False)
    return result.summary.planned


def timed_run(fn: Callable[[], int]) -> Rate:
    start, cpu = time.perf_counter(), time.process_time()
    n = fn()
    return n / (time.perf_counter() - start), (time.process_time() - cpu) / n * 1e6


def start_sink(latency_ms: float) -> tuple[subprocess.Popen[str], str]:
    sink = subprocess.Popen([sys.executable, __file__, "--serve", str(latency_ms)],
                            stdout=subprocess.PIPE, text=True)
    assert sink.stdout is not None
    return sink, f"http://127.0.0.1:{int(sink.stdout.readline())}/"


def best_of(rounds: int, cases: dict[str, Callable[[], Rate]]) -> dict[str, Rate]:
    """Highest rate and lowest CPU per event of each case over interleaved rounds."""
    best = dict.fromkeys(cases, (0.0, float("inf")))
    for _ in range(rounds):
        for name, case in cases.items():
            rate, cpu = case()
            best[name] = (max(best[name][0], rate), min(best[name][1], cpu))
    return best


def measure(args: argparse.Namespace, events: list[Planned], tmp: Path) -> dict[str, Rate]:
    n, bodies = len(events), [e.body for e in events]
    slow_events = events[: max(1, n // 4)]  # a slow consumer: fewer events, same shape
    instant, url = start_sink(0)
    slow, slow_url = start_sink(args.latency)
    try:
        plain_loop(url, bodies[:200], True)  # warm up
        fast = best_of(args.rounds, {
            "plain": lambda: timed(n, lambda: plain_loop(url, bodies, True)),
            "plain_env": lambda: timed(n, lambda: plain_loop(url, bodies, False)),
            "one": lambda: timed(n, lambda: run_capmock(url, events, 1, tmp)),
            "eight": lambda: timed(n, lambda: run_capmock(url, events, 8, tmp)),
        })
        crowd = crowd_file(tmp, max(1, n // 5))
        fast |= best_of(max(1, args.rounds - 1), {
            "run_one": lambda: timed_run(lambda: run_scenario(url, crowd, 1, tmp)),
            "run_eight": lambda: timed_run(lambda: run_scenario(url, crowd, 8, tmp)),
        })
        m = len(slow_events)
        waited = best_of(args.rounds, {
            "slow_one": lambda: timed(m, lambda: run_capmock(slow_url, slow_events, 1, tmp)),
            "slow_eight": lambda: timed(m, lambda: run_capmock(slow_url, slow_events, 8, tmp)),
        })
    finally:
        for sink in (instant, slow):
            sink.terminate()
            sink.wait()
    return {**fast, **waited}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency", type=float, default=2.0, help="slow sink, ms per request")
    parser.add_argument("--serve", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return
    gen = Generator(seed=1)
    events = [Planned.from_payload(i, gen.one("pointsIssued")) for i in range(args.n)]
    with tempfile.TemporaryDirectory() as tmp:
        r = measure(args, events, Path(tmp))
    size = sum(len(e.body) for e in events) / len(events)
    print(f"events {args.n}, mean body {size:.0f} bytes, best of {args.rounds} rounds; "
          "sink: asyncio responder in its own process")
    print(f"{'':30}{'events/s':>9}{'CPU us/event':>14}")
    rows = [("plain requests loop", "plain"), ("plain loop, trust_env=False", "plain_env"),
            ("capmock deliver, 1 conn", "one"), ("capmock deliver, 8 conns", "eight"),
            ("capmock run crowd, 1 conn", "run_one"), ("capmock run crowd, 8 conns", "run_eight"),
            (f"{args.latency:g} ms consumer, 1 conn", "slow_one"),
            (f"{args.latency:g} ms consumer, 8 conns", "slow_eight")]
    for label, key in rows:
        print(f"{label:30}{r[key][0]:9.0f}{r[key][1]:14.0f}")
    print(f"capmock 1 conn / plain loop: {r['one'][0] / r['plain'][0]:.2f}x events/s "
          f"(target >= 0.8x); {r['one'][0] / r['plain_env'][0]:.2f}x the trust_env=False loop; "
          f"CPU per event {r['one'][1] / r['plain'][1]:.2f}x plain")
    print(f"capmock run (plays the crowd journey too) 1 conn / plain loop: "
          f"{r['run_one'][0] / r['plain'][0]:.2f}x; 8 conns / 1 conn: "
          f"{r['run_eight'][0] / r['run_one'][0]:.2f}x")
    print(f"8 conns / 1 conn: {r['eight'][0] / r['one'][0]:.2f}x instant sink, "
          f"{r['slow_eight'][0] / r['slow_one'][0]:.2f}x {args.latency:g} ms consumer "
          "(target > 1x)")


if __name__ == "__main__":
    main()
