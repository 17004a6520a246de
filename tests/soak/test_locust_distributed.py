"""Locust, distributed on loopback: a master and two workers, a bounded headless run.

Locust runs in its own processes (it monkey-patches with gevent on import), against a sink
in this process. Both workers must send, and no eventId may arrive twice. The run ends
when the sink has events from both workers (polled, with a deadline), not after a fixed
time: on a loaded machine the workers may take seconds to start.
"""

from __future__ import annotations

import importlib.util
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from capmock.delivery.sink import Sink
from capmock.soak import locustfile_path
from capmock.soak.ids import decode_event_id, run_tag

# never import locust here: it would monkey-patch the test process with gevent
pytestmark = pytest.mark.skipif(importlib.util.find_spec("locust") is None,
                                reason="locust is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def locust(*args: str, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "locust", "-f", str(locustfile_path()), *args]
    return subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def senders(sink: Sink) -> Counter[int]:
    """Events received so far, by the Locust worker that sent them."""
    return Counter(decode_event_id(i).worker for i in sink.event_ids() if i)


def await_both_workers(sink: Sink, master: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline and master.poll() is None:
        if min(senders(sink)[w] for w in (0, 1)) >= 60:
            return
        time.sleep(0.2)  # polling the sink, bounded by the deadline


def test_master_and_two_workers_send_disjoint_event_ids(tmp_path: Path) -> None:
    port = free_port()
    with Sink.start(threads=16, record=True) as sink:
        master = locust("--headless", "--master", "--expect-workers", "2",
                        "--master-bind-host", "127.0.0.1", "--master-bind-port", str(port),
                        "-u", "4", "-r", "4", "-t", "120s", "--host", sink.url.rstrip("/"),
                        "--capmock-path", "/hook", "--capmock-seed", "21",
                        "--capmock-customers", "500", "--only-summary",
                        log=tmp_path / "master.log")
        workers = [locust("--worker", "--master-host", "127.0.0.1", "--master-port", str(port),
                          log=tmp_path / f"worker{i}.log") for i in range(2)]
        try:
            await_both_workers(sink, master, time.monotonic() + 90)
            if master.poll() is None:
                master.send_signal(signal.SIGTERM)  # Locust's graceful stop: summary, exit 0
            master.wait(timeout=60)
            for w in workers:
                w.wait(timeout=30)
        finally:
            for p in (master, *workers):
                if p.poll() is None:
                    p.kill()
                    p.wait()
        got = sink.received
    log = (tmp_path / "master.log").read_text(errors="replace")
    assert master.returncode == 0, log[-2000:]
    assert len(got) > 100, log[-2000:]
    ids = Counter(r.event_id for r in got)
    assert max(ids.values()) == 1  # no eventId twice (no duplicates were injected)
    decoded = [decode_event_id(i) for i in ids if i]
    assert {d.worker for d in decoded} == {0, 1}  # both workers sent
    assert {d.tag for d in decoded} == {run_tag(21)}
    customers = {r.json["data"]["customerIdentifiers"]["customerId"] for r in got}
    by_worker = {w: {c for c in customers if (c - 200_000_000) // 60_000_000 == w}
                 for w in (0, 1)}
    assert by_worker[0] and by_worker[1] and len(customers) == len(by_worker[0] | by_worker[1])
    assert "Aggregated" in log
