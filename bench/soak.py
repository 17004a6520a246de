"""Soak throughput against one loopback sink, every row in the same run, with ratios.

The sink is nginx answering 200 to every POST (started here with its own config on a free
127.0.0.1 port, stopped at the end); without nginx, capmock's own sink (slower) stands in.
Rows:

* ``wrk`` posting one fixed payload (skipped when wrk is not installed): the sink's ceiling;
* Locust FastHttpUser posting pre-built payloads (1 process, and as many as capmock uses);
* a plain ``requests`` loop (one thread, one keep-alive session);
* capmock soak at an unbounded rate: max sustained events/s, journeys generated on the fly;
* capmock soak ``--rate`` at 80% (the target) and 50% of that max: p99 scheduling lag
  (open model).

``--long`` adds a 10-minute soak at that rate and compares each worker's RSS at minute 1
and minute 10. Every load loop is bounded in time and targets 127.0.0.1 only.

    python bench/soak.py [--seconds 20] [--long]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

import capmock
from capmock.delivery.types import serialise
from capmock.soak import SoakOptions, SoakSummary, run_soak


@dataclass
class Row:
    name: str
    rate: float | None  # events/s
    note: str = ""
    extra: dict[str, float | None] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


# ---- the sink ------------------------------------------------------------------------------

NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  client_body_buffer_size 64k;
  server {{
    listen 127.0.0.1:{port};
    location / {{ default_type application/json; return 200 '{{"status":"ok"}}'; }}
  }}
}}
"""


class NginxSink:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="capmock-nginx-"))
        self.port = free_port()
        conf = self.dir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=self.dir, port=self.port))
        self.proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(self.dir)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.name = "nginx (1 worker) answering 200"

    def stop(self) -> None:
        self.proc.terminate()  # nginx's master stops its worker on SIGTERM
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class CapmockSink:
    def __init__(self) -> None:
        from capmock.delivery.sink import Sink

        self.sink = Sink.start(record=False, threads=32)
        self.url = self.sink.url + "hook"
        self.name = "capmock Sink (waitress), nginx not installed"

    def stop(self) -> None:
        self.sink.stop()


# ---- rows ------------------------------------------------------------------------------------


def payloads(n: int) -> list[bytes]:
    gen = capmock.Generator(1)
    events = ["customerAdded", "transactionAdded", "pointsIssued", "pointsRedeemed"]
    return [serialise(gen.one(events[i % len(events)])) for i in range(n)]


def wrk_row(url: str, seconds: int, body: bytes, tmp: Path) -> Row:
    if shutil.which("wrk") is None:
        return Row("wrk, one fixed payload", None, "skipped: wrk not installed")
    script = tmp / "post.lua"
    script.write_text('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                      f"wrk.body = {json.dumps(body.decode())}\n")
    out = subprocess.run(["wrk", "-t1", "-c32", f"-d{seconds}s", "-s", str(script), url],
                         capture_output=True, text=True, timeout=seconds + 30).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return Row("wrk, one fixed payload (1 thread, 32 conns)",
               float(match.group(1)) if match else None)


LOCUSTFILE = '''
import json
from itertools import cycle
from locust import FastHttpUser, task
BODIES = cycle([line.encode() for line in open({path!r}, encoding="utf-8").read().splitlines()])
HEADERS = {{"Content-Type": "application/json"}}

class Prebuilt(FastHttpUser):
    @task
    def post(self):
        self.client.post({path_url!r}, data=next(BODIES), headers=HEADERS, name="event")
'''


def locust_row(url: str, seconds: int, bodies: list[bytes], tmp: Path, processes: int) -> Row:
    name = f"Locust FastHttpUser, pre-built payloads ({processes} proc, 32 users)"
    if shutil.which("locust") is None and not _has_module("locust"):
        return Row(name, None, "skipped: locust not installed")
    data = tmp / "bodies.jsonl"
    data.write_bytes(b"\n".join(bodies))
    host, _, path = url.partition("://")[2].partition("/")
    locustfile = tmp / "prebuilt_locustfile.py"
    locustfile.write_text(LOCUSTFILE.format(path=str(data), path_url="/" + path))
    csv = tmp / f"locust{processes}"
    cmd = [sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "-u", "32",
           "-r", "32", "-t", f"{seconds}s", "--host", f"http://{host}", "--only-summary",
           "--csv", str(csv)] + (["--processes", str(processes)] if processes > 1 else [])
    subprocess.run(cmd, capture_output=True, timeout=seconds + 60)
    stats = (csv.parent / f"{csv.name}_stats.csv").read_text().splitlines()
    header = stats[0].split(",")
    total = next(line.split(",") for line in stats if ",Aggregated," in line)
    count = int(total[header.index("Request Count")])
    return Row(name, count / seconds, extra={"p99_ms": float(total[header.index("99%")])})


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def requests_row(url: str, seconds: int, bodies: list[bytes]) -> Row:
    session = requests.Session()
    headers = {"Content-Type": "application/json"}
    n, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        session.post(url, data=bodies[n % len(bodies)], headers=headers, timeout=10)
        n += 1
    return Row("requests loop (1 thread, keep-alive)", n / seconds)


def soak(url: str, seconds: float, rate: str, *, metrics: Path | None = None) -> SoakSummary:
    options = SoakOptions.from_cli(
        target=url, rate=rate, duration=f"{seconds}s", seed="1", journal_mode="off",
        mix="crowd-journey:3,earn-and-redeem:1",
        metrics=None if metrics is None else str(metrics), metrics_interval="10s")
    return run_soak(options)


def soak_row(summary: SoakSummary, name: str) -> Row:
    return Row(name, summary.achieved_rate, extra={
        "p99_ms": summary.latency_ms["p99"], "lag_p99_ms": summary.lag_ms["p99"],
        "unsent": float(summary.unsent), "failed": float(summary.failed)})


def long_row(url: str, rate: float, tmp: Path) -> tuple[Row, dict[str, tuple[float, float]]]:
    metrics = tmp / "long.jsonl"
    options = SoakOptions.from_cli(
        target=url, rate=f"{rate:.0f}/s", duration="600s", seed="2", journal_mode="failures",
        journal=str(tmp / "long-journal.jsonl"), metrics=str(metrics), metrics_interval="10s")
    minute: dict[str, dict[int, float]] = {}

    def tick(s: object) -> None:
        elapsed = s.elapsed  # type: ignore[attr-defined]
        for w, mb in enumerate(s.rss_mb):  # type: ignore[attr-defined]
            for mark in (60, 600):
                if abs(elapsed - mark) < 1.01 or (mark == 600 and elapsed > 598):
                    minute.setdefault(f"worker {w}", {})[mark] = mb

    summary = run_soak(options, on_tick=tick)
    rss = {w: (marks.get(60, 0.0), marks.get(600, 0.0)) for w, marks in minute.items()}
    return soak_row(summary, f"capmock soak --rate {rate:.0f}/s for 10 min"), rss


# ---- the table -------------------------------------------------------------------------------


def table(rows: list[Row], base: float | None) -> str:
    out = [f"{'row':<58} {'events/s':>10} {'vs Locust':>9}  notes"]
    for r in rows:
        rate = "-" if r.rate is None else f"{r.rate:,.0f}"
        ratio = "-" if r.rate is None or not base else f"{r.rate / base:.2f}x"
        notes = [r.note] if r.note else []
        notes += [f"{k} {v:,.1f}" for k, v in r.extra.items() if v is not None]
        out.append(f"{r.name:<58} {rate:>10} {ratio:>9}  {'; '.join(notes)}")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20, help="length of each row's run")
    parser.add_argument("--long", action="store_true", help="add the 10-minute RSS soak")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="capmock-bench-"))
    sink = NginxSink() if shutil.which("nginx") else CapmockSink()
    try:
        run(sink, args, tmp)
    finally:
        sink.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def run(sink: NginxSink | CapmockSink, args: argparse.Namespace, tmp: Path) -> None:
    seconds, cpus = args.seconds, os.cpu_count() or 1
    print(f"sink: {sink.name}; {cpus} cores; load average before: {os.getloadavg()[0]:.2f}")
    bodies = payloads(2000)
    rows = [wrk_row(sink.url, 10, bodies[1], tmp)]
    locust1 = locust_row(sink.url, seconds, bodies, tmp, 1)
    rows.append(locust1)
    procs = SoakOptions(target=sink.url, rate=None).effective_processes
    if procs > 1:
        rows.append(locust_row(sink.url, seconds, bodies, tmp, procs))
    rows.append(requests_row(sink.url, 10, bodies))
    top = soak(sink.url, seconds, "max")
    rows.append(soak_row(top, f"capmock soak, unbounded, generating ({top.processes} proc)"))
    rate = 0.8 * top.achieved_rate
    paced = soak(sink.url, seconds, f"{rate:.0f}/s")
    rows.append(soak_row(paced, f"capmock soak --rate {rate:,.0f}/s (80% of max)"))
    half = 0.5 * top.achieved_rate  # where the lag stands with more headroom
    rows.append(soak_row(soak(sink.url, seconds, f"{half:.0f}/s"),
                         f"capmock soak --rate {half:,.0f}/s (50% of max)"))
    rss: dict[str, tuple[float, float]] = {}
    if args.long:
        row, rss = long_row(sink.url, rate, tmp)
        rows.append(row)
    base = max((r.rate for r in rows if r.name.startswith("Locust") and r.rate), default=None)
    print(table(rows, base))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    verdicts(top, paced, base, rss)


def verdicts(top: SoakSummary, paced: SoakSummary, base: float | None,
             rss: dict[str, tuple[float, float]]) -> None:
    checks = [
        ("max sustained >= 1.0x Locust (pre-built)", base is not None and
         top.achieved_rate >= base, f"{top.achieved_rate:,.0f} vs {base or 0:,.0f}/s"),
        ("max sustained >= 5,000 events/s", top.achieved_rate >= 5000,
         f"{top.achieved_rate:,.0f}/s"),
        ("p99 scheduling lag at 80% < 50 ms", (paced.lag_ms["p99"] or 0) < 50,
         f"{paced.lag_ms['p99']} ms; {paced.unsent} never sent"),
    ]
    for worker, (m1, m10) in rss.items():
        growth = (m10 - m1) / m1 if m1 else float("inf")
        checks.append((f"RSS growth minute 1 -> 10 < 10% ({worker})", growth < 0.10,
                       f"{m1:.1f} MB -> {m10:.1f} MB ({growth:+.1%})"))
    for name, ok, detail in checks:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {detail}")
    print(textwrap.dedent("""\
        (All rows share the 2 cores with the sink; the sink, the load generator and any other
        load on the machine compete, so repeat a run before trusting a single number.)"""))


if __name__ == "__main__":
    main()
