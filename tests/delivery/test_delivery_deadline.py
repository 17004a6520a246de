"""`timeout` is a deadline for a whole attempt: real trickling servers on loopback."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from capmock.delivery import DeliveryOptions, deliver
from capmock.delivery.policy import no_retry

from .helpers import EventsFactory

HEAD = b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\nConnection: close\r\n\r\n"


@contextmanager
def trickling_server(answer: bytes, every: float = 0.05) -> Iterator[str]:
    """A server that reads the request, then sends ``answer`` one byte every ``every`` s."""
    stop = threading.Event()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            sock: socket.socket = self.request
            sock.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                data += chunk
            for byte in answer:
                if stop.wait(every):
                    return
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    return  # the client gave up: that is the point

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def one_attempt(url: str, timeout: float, make_events: EventsFactory) -> dict[str, object]:
    options = DeliveryOptions(timeout=timeout, policy=no_retry())
    summary = deliver(make_events(1), url, options, journal=False)
    outcome = summary.outcomes[0]
    return {"outcome": outcome.outcome, "reason": outcome.reason, "status": outcome.status}


def test_a_body_trickled_a_byte_every_50ms_fails_a_100ms_attempt(
    make_events: EventsFactory,
) -> None:
    with trickling_server(HEAD + b"x" * 40) as url:
        got = one_attempt(url, 0.1, make_events)
    assert got["outcome"] == "failed-final"
    assert got["status"] is None and "timeout" in str(got["reason"])


def test_a_status_line_trickled_a_byte_every_50ms_fails_a_100ms_attempt(
    make_events: EventsFactory,
) -> None:
    with trickling_server(HEAD) as url:
        got = one_attempt(url, 0.1, make_events)
    assert got["outcome"] == "failed-final" and "timeout" in str(got["reason"])


def test_a_quick_enough_trickle_is_delivered(make_events: EventsFactory) -> None:
    """The same server within the deadline: the wrapper does not break a slow answer."""
    with trickling_server(HEAD + b"y" * 40, every=0.0) as url:
        got = one_attempt(url, 5.0, make_events)
    assert got["outcome"] == "delivered" and got["status"] == 200
