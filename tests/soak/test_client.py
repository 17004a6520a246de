"""The hot-path HTTP client's response parsing, on a scripted socket (no network)."""

from __future__ import annotations

import pytest

from capmock.soak.client import Connection, HttpError, Target, request_head


class ScriptedSocket:
    def __init__(self, *chunks: bytes) -> None:
        self.chunks = list(chunks)
        self.sent = b""
        self.closed = False

    def sendall(self, data: bytes) -> None:
        self.sent += data

    def recv(self, n: int) -> bytes:
        return self.chunks.pop(0) if self.chunks else b""

    def close(self) -> None:
        self.closed = True


def connection(*chunks: bytes) -> tuple[Connection, ScriptedSocket]:
    target = Target.parse("http://127.0.0.1:8080/hook?x=1")
    conn = Connection(target, request_head(target, [("User-Agent", "t")]), timeout=1.0)
    sock = ScriptedSocket(*chunks)
    conn.sock = sock  # type: ignore[assignment]
    return conn, sock


def test_request_bytes_and_content_length() -> None:
    conn, sock = connection(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    assert conn.post(b'{"a":1}') == 200
    assert sock.sent == (b"POST /hook?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: t\r\n"
                         b"Content-Length: 7\r\n\r\n{\"a\":1}")
    assert conn.sock is sock and not sock.closed  # kept alive


def test_split_head_and_body_chunks() -> None:
    conn, _ = connection(b"HTTP/1.1 503 Busy\r\nCont", b"ent-Length: 5\r\n", b"\r\nab", b"cde")
    assert conn.post(b"x") == 503


def test_chunked_body_with_trailer_boundary() -> None:
    conn, sock = connection(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwi",
                            b"ki\r\n5;ext=1\r\npedia\r\n0\r\n", b"\r\n")
    assert conn.post(b"x") == 200
    assert conn.buf == b"" and not sock.closed


def test_connection_close_and_http10() -> None:
    conn, sock = connection(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
    assert conn.post(b"x") == 200
    assert sock.closed and conn.sock is None
    conn, sock = connection(b"HTTP/1.0 204 No Content\r\n\r\n")
    assert conn.post(b"x") == 204 and sock.closed


def test_body_until_close_and_interim_100() -> None:
    conn, sock = connection(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\nall", b"")
    assert conn.post(b"x") == 200 and sock.closed


def test_server_closing_early_is_an_error() -> None:
    conn, _ = connection(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
    with pytest.raises(HttpError) as err:
        conn.post(b"x")
    assert err.value.kind == "closed" and conn.sock is None


def test_garbage_status_line() -> None:
    conn, _ = connection(b"NOT HTTP AT ALL\r\n\r\n")
    with pytest.raises(HttpError) as err:
        conn.post(b"x")
    assert err.value.kind == "protocol"


def test_refused_connection_is_classified() -> None:
    import socket

    with socket.socket() as s:  # a free loopback port that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    target = Target.parse(f"http://127.0.0.1:{port}/")
    conn = Connection(target, request_head(target, []), timeout=1.0)
    with pytest.raises(HttpError) as err:
        conn.post(b"x")
    assert err.value.kind == "refused"


def test_parsed_heads_are_reused_and_the_cache_stays_bounded() -> None:
    from capmock.soak import client

    head = b"HTTP/1.1 200 OK\r\nContent-Length: 15\r\nConnection: keep-alive"
    first = client._parse_head(head)
    assert client._HEADS[head] == first == (200, 15, False, True)
    for n in range(3 * client._MAX_HEADS):  # a server whose every head differs
        client._parse_head(b"HTTP/1.1 200 OK\r\nDate: %d\r\nContent-Length: 2" % n)
        assert len(client._HEADS) <= client._MAX_HEADS
    long_head = b"HTTP/1.1 200 OK\r\nX-Pad: " + b"x" * 2000 + b"\r\nContent-Length: 0"
    assert client._parse_head(long_head) == (200, 0, False, True)
    assert long_head not in client._HEADS  # the cache holds short heads only
