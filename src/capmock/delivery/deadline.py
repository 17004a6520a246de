"""A total deadline per HTTP attempt (connect + send + the full answer), for ``requests``.

``requests``' own ``timeout`` bounds each socket operation, so a receiver that trickles its
answer one byte at a time keeps an attempt alive for ever. Here every socket of the
session is wrapped: before each send and receive, its timeout is set to what is left of the
current attempt's deadline (a thread-local set by :func:`attempt_deadline`), and a read
that would start after the deadline fails at once as a timeout.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_local = threading.local()


@contextmanager
def attempt_deadline(seconds: float) -> Iterator[None]:
    """Sockets used by this thread inside the block give up ``seconds`` after it began."""
    _local.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _local.at = None


def _left() -> float | None:
    at = getattr(_local, "at", None)
    return None if at is None else at - time.monotonic()


class _DeadlineSocket:
    """A socket whose every blocking call is bounded by the current attempt's deadline."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._base: float | None = sock.gettimeout()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

    def settimeout(self, value: float | None) -> None:
        self._base = value
        self._sock.settimeout(value)

    def _arm(self) -> None:
        left = _left()
        if left is None:
            return
        if left <= 0:
            raise TimeoutError("timed out (deadline of the attempt)")
        self._sock.settimeout(left if self._base is None else min(self._base, left))

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        self._arm()
        return self._sock.recv_into(buffer, nbytes, flags)

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        self._arm()
        return self._sock.recv(bufsize, flags)

    def send(self, data: Any, flags: int = 0) -> int:
        self._arm()
        return self._sock.send(data, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        view = memoryview(data).cast("B")
        while view:  # in pieces, so a receiver that reads slowly meets the deadline too
            self._arm()
            sent = self._sock.send(view[:65536], flags)
            view = view[sent:]

    def makefile(self, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if mode != "rb":
            return self._sock.makefile(mode, *args, **kwargs)
        # the socket's own unbuffered file keeps the socket open while it is read (a
        # response to `Connection: close` is read after the connection closed its socket)
        return io.BufferedReader(_Reader(self, self._sock.makefile("rb", buffering=0)))


class _Reader(io.RawIOBase):
    """The socket's raw file, each read bounded by the attempt's deadline."""

    def __init__(self, owner: _DeadlineSocket, raw: Any) -> None:
        self._owner, self._raw = owner, raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self._owner._arm()
        return int(self._raw.readinto(buffer))

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _HTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        self.sock = _DeadlineSocket(self.sock)  # type: ignore[assignment]


class _HTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        self.sock = _DeadlineSocket(self.sock)  # type: ignore[assignment]


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection  # type: ignore[assignment]


class DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections honour :func:`attempt_deadline`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
