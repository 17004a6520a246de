"""Records that flow through delivery: what is planned, each attempt, the outcome, the summary."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from capmock.envelope import event_id_of, unwrap
from capmock.jsonio import dumps

Outcome = Literal["delivered", "retrying", "failed-final", "duplicate"]
Final = Literal["delivered", "failed-final", "pending"]
Kind = Literal["send", "duplicate"]


def serialise(payload: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON: the exact bytes every send of an event carries."""
    return dumps(payload)


def human_duration(seconds: float) -> str:
    """``0.4 ms``, ``11 µs``, ``4 s``, ``2.5 s``, ``3 min 20 s``, ``2 h 5 min``, ``7 d 2 h``."""
    s = max(0.0, float(seconds))
    if s < 0.001:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1000:.3g} ms"
    if s < 60:
        return f"{s:.3g} s"
    for unit, size, sub, sub_size in (("d", 86400, "h", 3600), ("h", 3600, "min", 60),
                                      ("min", 60, "s", 1)):
        if s >= size:
            whole, rest = divmod(round(s / sub_size) * sub_size, size)
            tail = f" {int(rest // sub_size)} {sub}" if rest >= sub_size else ""
            return f"{int(whole)} {unit}{tail}"
    return f"{s:.3g} s"  # pragma: no cover - every s >= 60 matched above


def plural(count: int, word: str) -> str:
    """``1 attempt``, ``3 attempts``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def _customer_id(data: Any) -> int | None:
    if not isinstance(data, dict):
        return None
    idents = data.get("customerIdentifiers")
    value = idents.get("customerId") if isinstance(idents, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class Planned:
    """One event to deliver; ``body`` is fixed once, every send carries exactly these bytes."""

    seq: int
    event_id: str
    event_name: str
    customer_id: int | None
    body: bytes = field(repr=False)

    @classmethod
    def from_payload(cls, seq: int, payload: dict[str, Any]) -> Planned:
        """Serialise ``payload`` once; read eventId, eventName, customerId from either envelope."""
        name, _, data = unwrap(payload)
        return cls(
            seq=seq,
            event_id=event_id_of(payload) or "",
            event_name=name or "",
            customer_id=_customer_id(data),
            body=serialise(payload),
        )

    @classmethod
    def from_body(cls, seq: int, body: bytes) -> Planned:
        """An event from its UTF-8 JSON bytes, kept byte for byte (e.g. a JSONL line).

        Raises ValueError if ``body`` is not UTF-8 JSON."""
        planned = cls.from_payload(seq, json.loads(body.decode("utf-8")))
        return cls(seq, planned.event_id, planned.event_name, planned.customer_id, bytes(body))


@dataclass(frozen=True, slots=True)
class FaultNote:
    """The faults applied to one event, so a report can say what was done to it."""

    moved: int = 0  # places earlier (+) or later (-) than planned, by reordering
    duplicate_after: float | None = None  # seconds after the original, when duplicated
    delay: float = 0.0  # seconds held before the first send
    burst: int | None = None  # number of the burst it was released in

    def to_dict(self) -> dict[str, Any]:
        """Only the faults that apply (``{}`` for none); cheap, it runs once per event."""
        out: dict[str, Any] = {}
        if self.moved:
            out["moved"] = self.moved
        if self.duplicate_after is not None:
            out["duplicate_after"] = self.duplicate_after
        if self.delay:
            out["delay"] = self.delay
        if self.burst is not None:
            out["burst"] = self.burst
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> FaultNote:
        return cls(**(data or {}))

    def describe(self) -> str:
        parts = []
        if self.duplicate_after is not None:
            parts.append(f"sent twice (again {human_duration(self.duplicate_after)} later)")
        if self.moved:
            word = "early" if self.moved > 0 else "late"
            parts.append(f"{abs(self.moved)} place{'s' if abs(self.moved) != 1 else ''} {word}")
        if self.delay:
            parts.append(f"held {human_duration(self.delay)}")
        if self.burst is not None:
            parts.append(f"released in burst {self.burst}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One HTTP attempt at an event (or at its deliberate duplicate)."""

    seq: int
    event_id: str
    attempt: int  # 1-based, per kind
    kind: Kind
    time: float  # wall-clock epoch seconds when the attempt started
    status: int | None  # HTTP status, None when no response (timeout, refused…)
    latency_ms: float
    error: str | None
    outcome: Outcome
    wait: float = 0.0  # seconds until the next attempt, when retrying
    response: str | None = None  # the start of a non-2xx response body


@dataclass(slots=True)
class EventOutcome:
    """Where one event ended up."""

    seq: int
    event_id: str
    event_name: str
    customer_id: int | None
    outcome: Final = "pending"
    attempts: int = 0
    status: int | None = None
    reason: str = ""
    faults: FaultNote = field(default_factory=FaultNote)
    duplicates_sent: int = 0

    def describe(self) -> str:
        """E.g. ``event <id> (pointsIssued #3): delivered after 2 attempts; 3 places early``."""
        tries = f" after {plural(self.attempts, 'attempt')}" if self.attempts > 1 else ""
        head = f"event {self.event_id} ({self.event_name} #{self.seq}): {self.outcome}{tries}"
        if self.outcome == "failed-final" and self.reason:
            head += f" ({self.reason})"
        notes = self.faults.describe()
        return f"{head}; {notes}" if notes else head

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["faults"] = self.faults.to_dict()
        return out


@dataclass(slots=True)
class Hold:
    """An event retried while its connection held back the events behind it (``on_retry``
    block), and the burst of events that connection delivered once it let go."""

    seq: int
    event_id: str
    lane: int  # the connection, 0-based
    seconds: float  # from its first failed attempt to its final one
    model_seconds: float  # the same before --time-scale compressed it
    attempts: int
    outcome: str  # delivered / failed-final: how the hold ended
    burst_events: int = 0  # delivered right after, first try, before the lane's next retry
    burst_seconds: float = 0.0

    def describe(self) -> str:
        """E.g. ``event #0 held connection 1 for 2 h (14 attempts, then delivered); then a
        burst of 119 events in 40 ms``."""
        model = f", {human_duration(self.model_seconds)} model time" if (
            abs(self.model_seconds - self.seconds) > 1e-9) else ""
        head = (f"event #{self.seq} held connection {self.lane + 1} for "
                f"{human_duration(self.seconds)}{model} ({plural(self.attempts, 'attempt')}, "
                f"then {self.outcome})")
        if not self.burst_events:
            return head
        return (f"{head}; then a burst of {plural(self.burst_events, 'event')} in "
                f"{human_duration(self.burst_seconds)}")


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during delivery, after sends in flight were journaled: ``summary`` so far."""

    def __init__(self, summary: Summary) -> None:
        super().__init__("delivery interrupted")
        self.summary = summary


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile of already sorted ``values``."""
    if not values:
        return None
    rank = max(1, -(-len(values) * pct // 100))  # ceil
    return values[int(rank) - 1]


@dataclass(slots=True)
class Summary:
    """Counts and outcomes of a delivery run (or a resume / replay)."""

    planned: int = 0
    delivered: int = 0
    failed_final: int = 0
    pending: int = 0  # neither acknowledged nor failed-final: only when interrupted
    already_done: int = 0  # resume: journaled events that were finished and not sent again
    interrupted: bool = False
    retries: int = 0
    duplicates_sent: int = 0
    reordered: int = 0
    elapsed_s: float = 0.0
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    latency_p99_ms: float | None = None
    journal: str | None = None
    longest_hold: Hold | None = None  # on_retry block: the longest a retry held a connection
    outcomes: dict[int, EventOutcome] = field(default_factory=dict)

    def set_latencies(self, latencies_ms: list[float]) -> None:
        ordered = sorted(latencies_ms)
        self.latency_p50_ms = percentile(ordered, 50)
        self.latency_p95_ms = percentile(ordered, 95)
        self.latency_p99_ms = percentile(ordered, 99)

    @property
    def ok(self) -> bool:
        return self.failed_final == 0 and self.pending == 0

    def failed(self) -> list[EventOutcome]:
        return [o for o in self.outcomes.values() if o.outcome == "failed-final"]

    def notable(self) -> list[str]:
        """One line per event that failed, is still pending, was retried or had a fault."""
        return [
            o.describe() for o in self.outcomes.values()
            if o.outcome != "delivered" or o.attempts > 1 or o.faults.to_dict()
        ]

    def to_dict(self, *, outcomes: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name != "outcomes"
        }
        out["longest_hold"] = asdict(self.longest_hold) if self.longest_hold else None
        if outcomes:
            out["outcomes"] = [o.to_dict() for o in self.outcomes.values()]
        return out
