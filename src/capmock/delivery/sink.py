"""A local webhook sink: a real HTTP server on 127.0.0.1 in a background thread that records
every request and answers as configured.

    with Sink.start(statuses=[500], retry_after="2") as sink:   # first answer 500, then 200
        deliver(events, sink.url, options)
        sink.wait_for(10, timeout=5)
        print(sink.summary())

Behaviour: ``statuses`` are answered in order, one per request, then ``status``;
``failure_rate`` answers ``failure_status`` at random (seeded); ``latency`` (seconds or
"MIN..MAX") is how long the consumer takes; ``retry_after`` is sent with every non-2xx
answer; ``hook(received)`` may return a :class:`Reply` to override all of that (tests use
it to block, count concurrency, or fail on demand). ``record=False`` keeps only a count.
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any

from waitress.server import BaseWSGIServer, create_server

from capmock.units import duration_range, probability, within

Environ = dict[str, Any]
StartResponse = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class Received:
    """One request as the sink got it."""

    time: float  # epoch seconds
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any  # the parsed body, or None if it is not JSON

    @property
    def event_id(self) -> str | None:
        from capmock.envelope import event_id_of

        return event_id_of(self.json) if isinstance(self.json, dict) else None

    @property
    def event_name(self) -> str | None:
        if not isinstance(self.json, dict):
            return None
        from capmock.envelope import unwrap

        return unwrap(self.json)[0]

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


@dataclass(frozen=True, slots=True)
class Reply:
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b'{"status":"ok"}'


Hook = Callable[[Received], Reply | None]


@dataclass
class Behaviour:
    statuses: deque[int] = field(default_factory=deque)
    status: int = 200
    failure_rate: float = 0.0
    failure_status: int = 503
    latency: tuple[float, float] = (0.0, 0.0)
    retry_after: str | None = None
    rng: random.Random = field(default_factory=random.Random)

    def reply(self) -> tuple[Reply, float]:
        """The next answer and how long to take over it (call under the sink's lock)."""
        if self.statuses:
            status = self.statuses.popleft()
        elif self.failure_rate and self.rng.random() < self.failure_rate:
            status = self.failure_status
        else:
            status = self.status
        headers: tuple[tuple[str, str], ...] = ()
        if self.retry_after is not None and not 200 <= status < 300:
            headers = (("Retry-After", self.retry_after),)
        body = b'{"status":"ok"}' if 200 <= status < 300 else b'{"status":"error"}'
        low, high = self.latency
        return Reply(status, headers, body), (self.rng.uniform(low, high) if high else 0.0)


def _headers(environ: Environ) -> dict[str, str]:
    out = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            out[key[5:].replace("_", "-").title()] = value
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            out[key.replace("_", "-").title()] = environ[key]
    return out


class Sink:
    """Use :meth:`start`; then ``url``, ``received``, ``wait_for``, ``stop``."""

    def __init__(self, behaviour: Behaviour, *, record: bool, hook: Hook | None) -> None:
        self.behaviour = behaviour
        self.record = record
        self.hook = hook
        self._received: list[Received] = []
        self._count = 0
        self._cond = threading.Condition()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""
        self.port = 0

    @classmethod
    def start(
        cls,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        statuses: Iterable[int] = (),
        status: int = 200,
        failure_rate: float | str = 0.0,
        failure_status: int = 503,
        latency: float | str = 0.0,
        retry_after: str | int | None = None,
        seed: int | None = None,
        record: bool = True,
        hook: Hook | None = None,
        threads: int = 32,
    ) -> Sink:
        behaviour = Behaviour(
            deque(statuses), status, within("failure rate", probability, failure_rate),
            failure_status,
            within("latency", duration_range, latency),
            None if retry_after is None else str(retry_after), random.Random(seed),
        )
        sink = cls(behaviour, record=record, hook=hook)
        server = create_server(sink.app, host=host, port=port, threads=threads,
                               clear_untrusted_proxy_headers=True)
        assert isinstance(server, BaseWSGIServer)
        sink._server = server
        sink.port = int(server.effective_port)
        sink.url = f"http://{host}:{sink.port}/"
        sink._thread = threading.Thread(target=server.run, name="capmock-sink", daemon=True)
        sink._thread.start()
        return sink

    def app(self, environ: Environ, start_response: StartResponse) -> Iterator[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        got = Received(time.time(), environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/"),
                       _headers(environ), body, parsed)
        with self._cond:
            self._count += 1
            if self.record:
                self._received.append(got)
            reply, latency = self.behaviour.reply()
            self._cond.notify_all()
        if self.hook is not None:
            reply = self.hook(got) or reply
        if latency:
            time.sleep(latency)  # the simulated consumer's own processing time
        headers = [("Content-Type", "application/json"),
                   ("Content-Length", str(len(reply.body))), *reply.headers]
        start_response(f"{reply.status} {_reason(reply.status)}", headers)
        return iter([reply.body])

    @property
    def received(self) -> list[Received]:
        with self._cond:
            return list(self._received)

    @property
    def count(self) -> int:
        with self._cond:
            return self._count

    def wait_for(self, n: int, timeout: float = 5.0) -> list[Received]:
        """Block until ``n`` requests arrived (or raise TimeoutError at the deadline)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._count < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"sink got {self._count} of {n} requests in {timeout}s")
                self._cond.wait(left)
            return list(self._received)

    def event_ids(self) -> list[str | None]:
        return [r.event_id for r in self.received]

    def summary(self) -> dict[str, Any]:
        """What arrived: counts by event name; eventIds that arrived more than once."""
        got = self.received
        ids = Counter(r.event_id for r in got if r.event_id)
        repeated = sorted(i for i, c in ids.items() if c > 1)
        return {
            "requests": self.count,
            "events": dict(Counter(r.event_name or "?" for r in got)),
            "distinct_event_ids": len(ids),
            "repeated_event_ids": len(repeated),
            "repeated_examples": repeated[:10],
        }

    def stop(self) -> None:
        """Close the listener and every connection (in the server's own loop), then join."""
        server, self._server = self._server, None
        if server is not None:
            close_server(server, self._thread)
            self._thread = None

    def __enter__(self) -> Sink:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"


def close_server(server: BaseWSGIServer, thread: threading.Thread | None = None) -> None:
    """Close a waitress server's listener and every connection (in the server's own loop),
    join its thread, stop its workers. Shared by this sink and ``capmock serve``."""
    channels = server._map  # waitress's socket map: listener, trigger, connections

    def close_all() -> None:
        for channel in list(channels.values()):
            channel.close()

    # OSError: the loop, woken by a worker, already ran close_all and closed the trigger
    with contextlib.suppress(OSError):
        server.trigger.pull_trigger(close_all)
    if thread is not None:
        thread.join(timeout=5)
    server.task_dispatcher.shutdown(timeout=5)
