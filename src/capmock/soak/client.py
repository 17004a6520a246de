"""A minimal HTTP/1.1 POST client on gevent sockets, for the soak hot path.

One :class:`Connection` is one keep-alive TCP (or TLS) connection used by one greenlet: a
request is a single ``sendall`` of pre-built header bytes plus the body, and the response
is parsed only as far as a client must (status line, Content-Length, chunked encoding,
``Connection: close``). That is ~10x fewer Python steps per request than a general client
(requests tops out near 1,400 POSTs/s per process here; this goes well past 10,000/s).

It uses ``gevent.socket`` explicitly and patches nothing, so importing it leaves the rest of
the process alone. Sockets carry no per-operation timeout (each would start a timer per
request): the owner calls :meth:`Connection.expire_if_late` now and then (the soak worker's
watchdog does, a few times per ``timeout``), which closes a connection whose request is past
its deadline, and the waiting request fails as ``timeout``.
"""

from __future__ import annotations

import errno
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from gevent import socket
from gevent import ssl as gssl

CRLF2 = b"\r\n\r\n"
_NO_BODY = (204, 304)
_RECV = 65536
MAX_HEAD = 65536  # bytes of a response head before it is a protocol error


class HttpError(Exception):
    """A request that got no usable response; ``kind`` names the class of failure."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: bytes
    host_header: str

    @classmethod
    def parse(cls, url: str) -> Target:
        parts = urlsplit(url)
        tls = parts.scheme == "https"
        port = parts.port or (443 if tls else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        default = (tls and port == 443) or (not tls and port == 80)
        host = parts.hostname or ""
        shown = f"[{host}]" if ":" in host else host
        return cls(parts.scheme, host, port, path.encode(), shown if default else f"{shown}:{port}")


def request_head(target: Target, headers: list[tuple[str, str]]) -> bytes:
    """Everything before the Content-Length value: method, path, Host and the headers."""
    lines = [b"POST " + target.path + b" HTTP/1.1", f"Host: {target.host_header}".encode()]
    lines += [f"{name}: {value}".encode() for name, value in headers]
    return b"\r\n".join(lines) + b"\r\nContent-Length: "


class Connection:
    def __init__(self, target: Target, head: bytes, timeout: float) -> None:
        self.target = target
        self.head = head
        self.timeout = timeout
        self.sock: socket.socket | None = None
        self.raw: Any = None  # the plain socket under gevent's, for a direct first send
        self.buf = b""
        self.reused = False
        self.deadline = 0.0  # of the request in progress; 0 when idle
        self.expired = False
        self.resent = False  # the last post was sent twice (see post)
        self.tls = gssl.create_default_context() if target.scheme == "https" else None

    def expire_if_late(self, now: float) -> bool:
        """Close the connection if its request is past the deadline (it fails as timeout)."""
        if self.deadline and now > self.deadline and self.sock is not None:
            self.expired = True
            self.close()
            return True
        return False

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = self.raw = None
                self.buf = b""

    def open(self) -> None:
        """Connect ahead of the first request (a refused or slow connect is left to that
        request to report). The connection then waits idle, and a server may close an
        idle keep-alive connection, so the first request gets the same one retry as a
        reused connection."""
        try:
            self._socket()
        except HttpError:
            return
        self.reused = True

    def post(self, body: bytes) -> int:
        """The response status of one POST; HttpError when there is none.

        A kept-alive connection the server had closed is retried once on a fresh one; the
        server may have got the first copy, so ``resent`` is then True (the caller counts
        it as a duplicate)."""
        message = b"%s%d\r\n\r\n%s" % (self.head, len(body), body)
        self.deadline, self.expired, self.resent = time.monotonic() + self.timeout, False, False
        try:
            return self._exchange(message)
        except HttpError as err:
            if not (self.reused and err.kind in ("closed", "reset")):
                raise
            self.close()
            self.resent = True
            return self._exchange(message)
        finally:
            self.deadline = 0.0

    def _exchange(self, message: bytes) -> int:
        sock = self._socket()
        try:
            self._send(sock, message)
            status, keep = self._response(sock)
        except HttpError as err:
            self.close()
            if self.expired:
                raise HttpError("timeout") from None
            raise err from None
        except OSError as exc:
            self.close()
            if self.expired or isinstance(exc, TimeoutError):
                raise HttpError("timeout") from None
            raise HttpError(_kind(exc), exc.strerror or str(exc)) from None
        if keep:
            self.reused = True
        else:
            self.close()
        return status

    def _send(self, sock: socket.socket, message: bytes) -> None:
        """One direct send (loopback takes a whole request at once), gevent's for the rest."""
        sent = 0
        if self.raw is not None:
            try:
                sent = self.raw.send(message)
            except BlockingIOError:
                sent = 0
        if sent < len(message):
            sock.sendall(memoryview(message)[sent:])

    def _socket(self) -> socket.socket:
        if self.sock is not None:
            return self.sock
        self.reused = False
        t = self.target
        try:
            sock = socket.create_connection((t.host, t.port), timeout=self.timeout)
        except TimeoutError:
            raise HttpError("connect timeout") from None
        except OSError as exc:
            raise HttpError(_kind(exc, connect=True), exc.strerror or str(exc)) from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_hostname=t.host)
        sock.settimeout(None)  # the deadline is enforced by expire_if_late, not per call
        self.raw = getattr(sock, "_sock", None) if self.tls is None else None
        self.sock = sock
        return sock

    # ---- response parsing ------------------------------------------------------------
    def _response(self, sock: socket.socket) -> tuple[int, bool]:
        while True:
            buf = self._head(sock)
            end = buf.find(CRLF2)
            head, rest = buf[:end], buf[end + 4:]
            status, length, chunked, keep = _parse_head(head)
            if status >= 200:
                break
            self.buf = rest  # 1xx: an interim answer, the real one follows
        if status in _NO_BODY:
            self.buf = rest
        elif chunked:
            self.buf = self._chunked(sock, rest)
        elif length is not None:
            while len(rest) < length:
                rest += self._recv(sock)
            self.buf = rest[length:]
        else:  # body until the server closes
            while self._recv(sock, eof_ok=True):
                pass
            return status, False
        return status, keep

    def _head(self, sock: socket.socket) -> bytes:
        buf, self.buf = self.buf, b""
        while CRLF2 not in buf:
            if len(buf) > MAX_HEAD:
                raise HttpError("protocol", "response head too large")
            buf += self._recv(sock)
        return buf

    def _recv(self, sock: socket.socket, eof_ok: bool = False) -> bytes:
        data = sock.recv(_RECV)
        if not data and not eof_ok:
            raise HttpError("closed", "connection closed before a complete response")
        return data

    def _chunked(self, sock: socket.socket, rest: bytes) -> bytes:
        while True:
            while b"\r\n" not in rest:
                rest += self._recv(sock)
            line, _, rest = rest.partition(b"\r\n")
            try:
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
            except ValueError:
                size = -1
            if size < 0:
                raise HttpError("protocol", "bad chunk size")
            if size == 0:
                while not (rest.startswith(b"\r\n") or CRLF2 in rest):
                    rest += self._recv(sock)
                return rest[2:] if rest.startswith(b"\r\n") else rest.split(CRLF2, 1)[1]
            while len(rest) < size + 2:
                rest += self._recv(sock)
            rest = rest[size + 2:]


_HEADS: dict[bytes, tuple[int, int | None, bool, bool]] = {}  # parsed heads, see below
_MAX_HEADS = 256
_CACHED_HEAD = 1024  # bytes: longer heads are parsed every time


def _parse_head(head: bytes) -> tuple[int, int | None, bool, bool]:
    """(status, content length, chunked, keep-alive) from the status line and headers.

    A server under load sends the same head again and again (it changes with its Date
    header, once a second), so the parse of a short head is kept and looked up first; the
    cache is emptied when it is full, so it stays small whatever the server sends."""
    cached = _HEADS.get(head)
    if cached is not None:
        return cached
    parsed = _parse(head)
    if len(head) <= _CACHED_HEAD:
        if len(_HEADS) >= _MAX_HEADS:
            _HEADS.clear()
        _HEADS[head] = parsed
    return parsed


def _parse(head: bytes) -> tuple[int, int | None, bool, bool]:
    lines = head.split(b"\r\n")
    status_line = lines[0]
    try:
        version, code = status_line[:8], int(status_line[9:12])
    except ValueError:
        raise HttpError("protocol", f"bad status line {status_line[:40]!r}") from None
    keep = version == b"HTTP/1.1"
    length: int | None = None
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = _content_length(value, length)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            token = value.strip().lower()
            keep = token != b"close" and (keep or token == b"keep-alive")
    return code, length, chunked, keep


def _content_length(value: bytes, before: int | None) -> int:
    """A Content-Length value: digits only, and the same if repeated (RFC 9112 6.3)."""
    text = value.strip()
    if not text.isdigit() or (before is not None and int(text) != before):
        raise HttpError("protocol", f"bad Content-Length {text[:20]!r}")
    return int(text)


def _kind(exc: OSError, connect: bool = False) -> str:
    code = exc.errno
    if code == errno.ECONNREFUSED:
        return "refused"
    if code in (errno.ECONNRESET, errno.EPIPE):
        return "reset"
    if isinstance(exc, socket.gaierror):
        return "dns"
    return "connect error" if connect else "io error"
