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
            parts.append(f"sent twice (again {self.duplicate_after:.3g}s later)")
        if self.moved:
            word = "early" if self.moved > 0 else "late"
            parts.append(f"{abs(self.moved)} place{'s' if abs(self.moved) != 1 else ''} {word}")
        if self.delay:
            parts.append(f"held {self.delay:.3g}s")
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
        tries = f" after {self.attempts} attempts" if self.attempts > 1 else ""
        head = f"event {self.event_id} ({self.event_name} #{self.seq}): {self.outcome}{tries}"
        if self.outcome == "failed-final" and self.reason:
            head += f" ({self.reason})"
        notes = self.faults.describe()
        return f"{head}; {notes}" if notes else head

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["faults"] = self.faults.to_dict()
        return out


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
        if outcomes:
            out["outcomes"] = [o.to_dict() for o in self.outcomes.values()]
        return out
