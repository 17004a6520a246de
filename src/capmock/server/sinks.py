"""Named webhook sinks inside ``capmock serve``: ``POST /sink/<name>`` records the request
and answers as that sink is configured (``PUT /api/sinks/<name>`` or the page).

Behaviour is :class:`capmock.delivery.sink.Behaviour`, the same as the stand-alone sink's:
``statuses`` answered in order, one per request, then ``status``; ``failure_rate`` answers
``failure_status`` at random; ``latency`` (seconds or "MIN..MAX") is how long the receiver
takes; ``retry_after`` is sent with every non-2xx answer. A sink is created on first use
(a request refused as too large creates none).

Memory is bounded twice: each sink keeps its newest ``KEEP`` requests, and all sinks
together keep at most ``max_bytes`` (64 MB by default) of bodies and headers, the oldest
request of any sink dropped first. Counts go on counting what was dropped.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import orjson
from flask import Blueprint, Response, current_app, request

from capmock.delivery.sink import Behaviour, Received, Reply
from capmock.errors import UsageError
from capmock.units import duration_range, probability, within

bp = Blueprint("sinks", __name__)

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
KEEP = 500  # requests kept per sink (the count keeps going)
MAX_SINKS = 100
MAX_BYTES = 64 * 1024 * 1024  # of kept requests, all sinks together
OVERHEAD = 256  # bytes a kept request costs beyond its body and headers
MAX_LATENCY = 30.0
MAX_STATUSES = 1000
SETTINGS = ("statuses", "status", "failure_rate", "failure_status", "latency", "retry_after",
            "seed")


@dataclass(frozen=True)
class Hit:
    """One request a sink received, and what it answered."""

    n: int
    received: Received  # without the parsed body: only its event name and id are kept
    status: int
    latency_ms: float
    event_name: str | None = None
    event_id: str | None = None

    @property
    def cost(self) -> int:
        """Bytes this kept request is counted as."""
        r = self.received
        return OVERHEAD + len(r.body) + sum(len(k) + len(v) for k, v in r.headers.items())

    def to_dict(self, *, body: bool = False) -> dict[str, Any]:
        r = self.received
        out: dict[str, Any] = {
            "n": self.n, "time": r.time, "method": r.method, "path": r.path,
            "eventName": self.event_name, "eventId": self.event_id, "status": self.status,
            "latency_ms": round(self.latency_ms, 3), "size": len(r.body),
        }
        if body:
            out["headers"] = r.headers
            out["body"] = r.body.decode("utf-8", "replace")
        return out


def _status(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 200 <= value <= 599:
        raise UsageError(f"{what}: an HTTP status from 200 to 599, got {value!r}")
    return value


def _text(value: Any, what: str) -> str | float:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise UsageError(f"{what}: a number or a string, got {value!r}")
    return value


def behaviour_from(settings: dict[str, Any], max_latency: float = MAX_LATENCY) -> Behaviour:
    """A Behaviour from JSON settings (every key optional); UsageError when unusable."""
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise UsageError(f"unknown sink setting '{unknown[0]}'", hint=", ".join(SETTINGS))
    raw_statuses = settings.get("statuses") or []
    if not isinstance(raw_statuses, list) or len(raw_statuses) > MAX_STATUSES:
        raise UsageError(f"statuses: a list of at most {MAX_STATUSES} HTTP statuses")
    latency = within("latency", duration_range, _text(settings.get("latency", 0), "latency"))
    if latency[1] > max_latency:
        raise UsageError(f"latency: at most {max_latency:g}s")
    retry_after = settings.get("retry_after")
    if retry_after is not None:
        retry_after = str(_text(retry_after, "retry_after"))
        if not re.fullmatch(r"[\x20-\x7e]{1,64}", retry_after):
            raise UsageError("retry_after: delta-seconds or an HTTP date")
    seed = settings.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise UsageError("seed: an integer")
    return Behaviour(
        statuses=deque(_status(s, "statuses") for s in raw_statuses),
        status=_status(settings.get("status", 200), "status"),
        failure_rate=within("failure_rate", probability,
                            _text(settings.get("failure_rate", 0), "failure_rate")),
        failure_status=_status(settings.get("failure_status", 503), "failure_status"),
        latency=latency,
        retry_after=retry_after,
        rng=random.Random(seed),
    )


class NamedSink:
    def __init__(self, name: str, max_latency: float = MAX_LATENCY) -> None:
        self.name = name
        self.max_latency = max_latency
        self.settings: dict[str, Any] = {}
        self.behaviour = Behaviour()
        self.hits: deque[Hit] = deque()  # the newest KEEP at most (SinkRegistry.record)
        self.bytes = 0  # what the kept hits cost
        self.count = 0
        self.lock = threading.Lock()

    def configure(self, settings: dict[str, Any]) -> None:
        behaviour = behaviour_from(settings, self.max_latency)
        with self.lock:
            self.settings, self.behaviour = dict(settings), behaviour

    def drop_oldest(self) -> int:
        """Forget the oldest kept request; returns its cost."""
        with self.lock:
            cost = self.hits.popleft().cost
            self.bytes -= cost
        return cost

    def oldest(self) -> float:
        with self.lock:
            return self.hits[0].received.time if self.hits else float("inf")

    def to_dict(self, *, requests: int = 0) -> dict[str, Any]:
        with self.lock:
            b = self.behaviour
            out: dict[str, Any] = {
                "name": self.name, "count": self.count, "kept": len(self.hits),
                "kept_bytes": self.bytes, "settings": self.settings,
                "pending_statuses": list(b.statuses), "path": f"/sink/{self.name}",
            }
            hits = list(self.hits)[-requests:] if requests else []
        if requests:
            out["requests"] = [h.to_dict() for h in reversed(hits)]
        return out


class SinkRegistry:
    def __init__(self, max_latency: float = MAX_LATENCY, max_bytes: int = MAX_BYTES) -> None:
        self.max_latency = max_latency
        self.max_bytes = max_bytes
        self.bytes = 0  # kept by every sink together
        self._sinks: dict[str, NamedSink] = {}
        self._lock = threading.Lock()
        self.get("default")

    def get(self, name: str, *, create: bool = True) -> NamedSink | None:
        with self._lock:
            sink = self._sinks.get(name)
            if sink is None and create:
                if len(self._sinks) >= MAX_SINKS:  # forget the oldest, never "default"
                    oldest = next(k for k in self._sinks if k != "default")
                    self.bytes -= self._sinks.pop(oldest).bytes
                sink = self._sinks[name] = NamedSink(name, self.max_latency)
            return sink

    def record(self, sink: NamedSink, got: Received, event: tuple[str | None, str | None],
               ) -> tuple[Reply, float]:
        """Count and keep a request, answer it as the sink is set; then drop the oldest
        requests (this sink's beyond KEEP, any sink's beyond ``max_bytes``)."""
        with self._lock:
            with sink.lock:
                sink.count += 1
                reply, latency = sink.behaviour.reply()
                if self._sinks.get(sink.name) is not sink:
                    return reply, latency  # forgotten meanwhile (MAX_SINKS): keep nothing
                hit = Hit(sink.count, got, reply.status, latency * 1000.0, *event)
                sink.hits.append(hit)
                sink.bytes += hit.cost
            self.bytes += hit.cost
            if len(sink.hits) > KEEP:
                self.bytes -= sink.drop_oldest()
            while self.bytes > self.max_bytes:
                oldest = min(self._sinks.values(), key=NamedSink.oldest)
                if oldest is sink and len(sink.hits) == 1:
                    break  # the request just received is always shown
                self.bytes -= oldest.drop_oldest()
        return reply, latency

    def clear(self, sink: NamedSink) -> None:
        """Forget a sink's requests and restart its count."""
        with self._lock, sink.lock:
            self.bytes -= sink.bytes
            sink.hits.clear()
            sink.bytes = sink.count = 0

    def all(self) -> list[NamedSink]:
        with self._lock:
            return list(self._sinks.values())


def _event_of(body: bytes) -> tuple[str | None, str | None]:
    """(eventName, eventId) of a JSON body, flat or wrapped; the parsed body is not kept."""
    try:
        parsed = orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        return None, None
    probe = Received(0.0, "", "", {}, b"", parsed)
    return probe.event_name, probe.event_id


def _headers(req: Any) -> dict[str, str]:
    return {k.title(): v for k, v in req.headers.items()}


@bp.post("/sink/<name>")
def receive(name: str) -> Response:
    if not NAME.fullmatch(name):
        return Response('{"error":"bad sink name"}', 404, mimetype="application/json")
    body = request.get_data(cache=False)  # first: a body too large (413) creates no sink
    registry: SinkRegistry = current_app.extensions["capmock"].sinks
    sink = registry.get(name)
    assert sink is not None
    got = Received(time.time(), request.method, request.path, _headers(request), body, None)
    reply, latency = registry.record(sink, got, _event_of(body))
    if latency:
        time.sleep(latency)  # the simulated receiver's own processing time
    body_out = b"" if reply.status in (204, 304) else reply.body
    return Response(body_out, reply.status, headers=list(reply.headers),
                    mimetype="application/json")
