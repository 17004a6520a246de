"""One soak transport alone, in its own gevent process: pre-built payloads, N connections,
as fast as answers come, for S seconds; prints the rate. Run by bench/soak.py.

    python bench/soak_transport.py client|geventhttpclient URL SECONDS [CONNECTIONS]
"""

from __future__ import annotations

import sys
import time
from urllib.parse import urlsplit

import gevent

BODY = b'{"eventName":"pointsIssued","data":{"customerId":123456789,"points":42}}' * 12


def small_client(url: str, end: float) -> int:
    from capmock.soak.client import Connection, Target, request_head

    target = Target.parse(url)
    conn = Connection(target, request_head(target, [("Content-Type", "application/json")]), 10)
    n = 0
    while time.monotonic() < end:
        conn.post(BODY)
        n += 1
    return n


def geventhttpclient(url: str, end: float) -> int:
    from geventhttpclient import HTTPClient

    parts = urlsplit(url)
    client = HTTPClient(
        parts.hostname or "127.0.0.1",
        parts.port,
        concurrency=1,
        connection_timeout=10,
        network_timeout=10,
    )
    headers = {"Content-Type": "application/json"}
    n = 0
    while time.monotonic() < end:
        client.request("POST", parts.path or "/", body=BODY, headers=headers).read()
        n += 1
    return n


def main() -> None:
    kind, url, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    connections = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    loop = small_client if kind == "client" else geventhttpclient
    end = time.monotonic() + seconds
    greenlets = [gevent.spawn(loop, url, end) for _ in range(connections)]
    gevent.joinall(greenlets, timeout=seconds + 30)
    print(sum(g.value or 0 for g in greenlets) / seconds)


if __name__ == "__main__":
    main()
