"""The soak client and workers against real misbehaving loopback servers (issue 13 item 19):
every failure ends in a counted outcome, no slot is leaked, and a silent re-send on a
reused connection is counted as a duplicate."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from capmock.soak import SoakOptions, run_soak
from capmock.soak.client import Connection, HttpError, Target, request_head

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


class Scripted(socketserver.ThreadingTCPServer):
    """A TCP server on 127.0.0.1:0 that reads whole HTTP requests and answers the n-th
    request of each connection with ``answer(n)`` (None: close without answering)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, answer: Callable[[int], bytes | None]) -> None:
        self.answer = answer
        self.bodies: list[bytes] = []
        self.log: list[str] = []  # "accept" and "request", in the order they happened
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: Scripted = self.server  # type: ignore[assignment]
        sock: socket.socket = self.request
        with server.lock:
            server.log.append("accept")
        buf, n = b"", 0
        while True:
            while b"\r\n\r\n" not in buf:
                data = sock.recv(65536)
                if not data:
                    return
                buf += data
            head, _, buf = buf.partition(b"\r\n\r\n")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            while len(buf) < length:
                buf += sock.recv(65536)
            body, buf = buf[:length], buf[length:]
            with server.lock:
                server.bodies.append(body)
                server.log.append("request")
            n += 1
            reply = server.answer(n)
            if reply is None:
                sock.close()
                return
            sock.sendall(reply)


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[int], bytes | None]], Scripted]]:
    servers: list[Scripted] = []

    def start(answer: Callable[[int], bytes | None]) -> Scripted:
        server = Scripted(answer)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def connection(url: str) -> Connection:
    target = Target.parse(url)
    return Connection(target, request_head(target, [("Content-Type", "application/json")]), 5.0)


def soak(url: str, tmp: Path, **kw: str) -> SoakOptions:
    base = {
        "rate": "100/s",
        "duration": "1s",
        "customers": "50",
        "seed": "3",
        "connections": "4",
        "journal_mode": "off",
        "templates": "2",
        "timeout": "2s",
        "processes": "1",
    }
    return SoakOptions.from_settings(target=url, **{**base, **kw})


@pytest.mark.parametrize("length", [b"abc", b"-5", b"1, 2", b"0x10"])
def test_a_malformed_content_length_is_a_protocol_error(serve, length: bytes) -> None:
    server = serve(lambda n: b"HTTP/1.1 200 OK\r\nContent-Length: " + length + b"\r\n\r\nok")
    conn = connection(server.url)
    with pytest.raises(HttpError) as err:
        conn.post(b"{}")
    assert err.value.kind == "protocol" and conn.sock is None


def test_a_malformed_content_length_leaks_no_slot(serve, tmp_path: Path) -> None:
    server = serve(lambda n: b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n")
    summary = run_soak(soak(server.url, tmp_path))
    assert summary.sent == summary.completed == summary.failed == summary.planned == 100
    assert summary.errors == {"protocol": 100}
    assert summary.unsent == 0 and len(server.bodies) == 100


def test_a_silent_resend_on_a_reused_connection_is_a_counted_duplicate(serve) -> None:
    server = serve(lambda n: OK if n == 1 else None)  # reads the 2nd request, then hangs up
    conn = connection(server.url)
    assert conn.post(b'{"n":1}') == 200 and not conn.resent
    assert conn.post(b'{"n":2}') == 200  # sent again on a fresh connection
    assert conn.resent
    assert server.bodies == [b'{"n":1}', b'{"n":2}', b'{"n":2}']  # the server got it twice


def test_soak_counts_every_resend_as_a_duplicate(serve, tmp_path: Path) -> None:
    server = serve(lambda n: OK if n % 2 else None)  # every 2nd request on a connection is lost
    summary = run_soak(soak(server.url, tmp_path))
    assert summary.ok == summary.completed == summary.sent == 100
    assert summary.duplicates_sent > 0
    assert len(server.bodies) == summary.sent + summary.duplicates_sent


def test_no_answer_at_all_is_a_counted_failure(serve, tmp_path: Path) -> None:
    server = serve(lambda n: None)  # reads each request and hangs up on a fresh connection
    summary = run_soak(soak(server.url, tmp_path, rate="50/s"))
    assert summary.completed == summary.failed == summary.sent == 50
    assert summary.errors == {"closed": 50}


def test_the_connections_are_open_before_the_first_request(serve, tmp_path: Path) -> None:
    """A worker opens all its connections before the start, so no handshake delays the
    first events: every accept comes before the first request reaches the server."""
    server = serve(lambda n: OK)
    summary = run_soak(soak(server.url, tmp_path, rate="40/s"))
    assert summary.ok == 40
    assert server.log.count("accept") == 4  # --connections, none opened late
    assert server.log.index("request") == 4


def test_a_warm_connection_closed_while_idle_is_reopened_once() -> None:
    """A server may close a keep-alive connection that waited idle since the warm-up: the
    first request then goes again on a fresh connection (counted as resent)."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        conn = connection(f"http://127.0.0.1:{listener.getsockname()[1]}/hook")
        conn.open()
        first, _ = listener.accept()
        first.close()  # the server hangs up on the idle connection

        def answer() -> None:
            second, _ = listener.accept()
            with second:
                data = b""
                while not data.endswith(b'{"n":1}'):
                    data += second.recv(65536)
                second.sendall(OK)

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        assert conn.post(b'{"n":1}') == 200 and conn.resent
        thread.join(timeout=10)


def test_a_refused_warm_up_is_left_to_the_first_request() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: connects are refused
        conn = connection(f"http://127.0.0.1:{port}/hook")
        conn.open()
        assert conn.sock is None
        with pytest.raises(HttpError) as err:
            conn.post(b"{}")
    assert err.value.kind == "refused"
