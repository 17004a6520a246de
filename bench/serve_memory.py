"""Memory of ``capmock serve``'s sinks under large POSTs, bounded against unbounded in the
same run.

Each case starts ``capmock serve`` in its own process, POSTs ``--posts`` JSON bodies of
``--mb`` MB to five sinks, and reads the server's resident memory (VmRSS, Linux) before and
after:
  bounded    the default --sink-memory 64
  unbounded  --sink-memory 65536 (what the sinks kept before the bound: every request)

    python bench/serve_memory.py [--posts 60] [--mb 4]

What the sinks keep is bounded; the process's RSS also holds memory glibc keeps in its
per-thread arenas after the bodies are freed: run with MALLOC_ARENA_MAX=2 (the Docker image
sets it) to see the difference.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path

import orjson
import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS (Linux only)")


def case(sink_memory: int, posts: int, mb: float) -> tuple[float, float, float]:
    """(RSS before, RSS after, MB the sinks say they keep)."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "capmock",
        "serve",
        "--port",
        str(port),
        "--sink-memory",
        str(sink_memory),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{url}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        before = rss_mb(proc.pid)
        pad = "x" * int(mb * 1024 * 1024 - 200)
        for i in range(posts):
            body = orjson.dumps({"eventName": "big", "eventId": f"e{i}", "pad": pad})
            requests.post(
                f"{url}/sink/s{i % 5}",
                data=body,
                timeout=30,
                headers={"Content-Type": "application/json"},
            ).raise_for_status()
        kept = sum(s["kept_bytes"] for s in requests.get(f"{url}/api/sinks", timeout=5).json())
        return before, rss_mb(proc.pid), kept / 1024 / 1024
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=60)
    parser.add_argument("--mb", type=float, default=4 - 0.01)
    args = parser.parse_args()
    rows = {
        name: case(limit, args.posts, args.mb)
        for name, limit in (("bounded", 64), ("unbounded", 65536))
    }
    print(f"{args.posts} POSTs of {args.mb:g} MB to five sinks")
    for name, (before, after, kept) in rows.items():
        print(f"  {name:<10} RSS {before:6.0f} -> {after:6.0f} MB   sinks keep {kept:6.1f} MB")
    ratio = rows["unbounded"][1] / rows["bounded"][1]
    print(f"  unbounded / bounded RSS after: {ratio:.1f}x")


if __name__ == "__main__":
    main()
