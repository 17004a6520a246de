"""The delivery journal: JSON Lines, flushed after every record, so a killed run loses nothing
it wrote.

Records, one per line::

    {"type":"run", "mode":"deliver|resume|replay", "started":…, "target":…, "options":{…},
     "meta":{…}}                                  (options redacted: no secrets, ever)
    {"type":"planned", "seq":…, "event":…, "eventId":…, "customer":…, "sha256":…,
     "body":"<the exact JSON text sent>", "faults":{…}}
    {"type":"attempt", "seq":…, "eventId":…, "attempt":…, "kind":"send|duplicate",
     "time":…, "status":…, "latency_ms":…, "error":…, "outcome":"delivered|retrying|
     failed-final|duplicate", "wait":…}
    {"type":"end", "summary":{…}}

:func:`read_journal` rebuilds each event's state for ``resume`` and ``replay``.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from capmock.delivery.types import Attempt, FaultNote, Final, Planned
from capmock.errors import InputError
from capmock.jsonio import dumps
from capmock.outputs import cannot_write

RUNS_DIR = Path(".capmock") / "runs"
VERSION = 1


def default_journal_path(base: Path | str | None = None) -> Path:
    """``.capmock/runs/<UTC timestamp>.jsonl`` (under ``base``, default the working directory)."""
    folder = Path(base or ".") / RUNS_DIR
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    return folder / f"{stamp}.jsonl"


def _dumps(record: dict[str, Any]) -> bytes:
    return dumps(record) + b"\n"


class JournalWriter:
    """Appends records; every record is written and flushed under a lock."""

    def __init__(self, path: Path | str, *, fsync: bool = False) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._drop_torn_tail()
            # unbuffered: each record is one write() straight to the OS, nothing held back
            self._file: IO[bytes] = open(self.path, "ab", buffering=0)  # noqa: SIM115
        except OSError as err:
            raise cannot_write(self.path, err, "the journal") from None
        self._lock = threading.Lock()
        self._fsync = fsync

    def _drop_torn_tail(self) -> None:
        """Cut a half-written last record (its writer was killed) before appending."""
        if not self.path.exists():
            return
        with open(self.path, "r+b") as f:
            end = f.seek(0, os.SEEK_END)
            pos = end
            while pos > 0:
                step = min(pos, 65536)
                f.seek(pos - step)
                chunk = f.read(step)
                if pos == end and chunk.endswith(b"\n"):
                    return
                newline = chunk.rfind(b"\n")
                if newline >= 0:
                    f.truncate(pos - step + newline + 1)
                    return
                pos -= step
            f.truncate(0)

    def write(self, record: dict[str, Any]) -> None:
        line = _dumps(record)
        with self._lock:
            view = memoryview(line)
            while view:
                view = view[self._file.write(view) :]  # type: ignore[index]
            if self._fsync:
                os.fsync(self._file.fileno())

    def run(self, mode: str, target: str, options: dict[str, Any], **extra: Any) -> None:
        started = datetime.now(UTC).isoformat(timespec="milliseconds")
        self.write({"type": "run", "version": VERSION, "mode": mode, "started": started,
                    "target": target, "options": options, **extra})

    def planned(self, planned: Planned, faults: FaultNote) -> None:
        self.write({
            "type": "planned",
            "seq": planned.seq,
            "event": planned.event_name,
            "eventId": planned.event_id,
            "customer": planned.customer_id,
            "sha256": hashlib.sha256(planned.body).hexdigest(),
            "body": planned.body.decode("utf-8"),
            "faults": faults.to_dict(),
        })

    def attempt(self, a: Attempt) -> None:
        record: dict[str, Any] = {
            "type": "attempt", "seq": a.seq, "eventId": a.event_id, "attempt": a.attempt,
            "kind": a.kind, "time": round(a.time, 6), "status": a.status,
            "latency_ms": a.latency_ms, "error": a.error, "outcome": a.outcome,
        }
        if a.wait:
            record["wait"] = a.wait
        if a.response:
            record["response"] = a.response
        self.write(record)

    def end(self, summary: dict[str, Any]) -> None:
        self.write({"type": "end", "summary": summary})

    def close(self) -> None:
        with self._lock:
            self._file.close()


@dataclass
class JournalEvent:
    """One event as the journal tells it."""

    planned: Planned
    faults: FaultNote
    attempts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def state(self) -> Final:
        final: Final = "pending"
        for a in self.attempts:
            if a.get("kind") != "send":
                continue
            if a["outcome"] == "delivered":
                return "delivered"
            if a["outcome"] == "failed-final":
                final = "failed-final"
        return final

    @property
    def sends(self) -> int:
        return sum(1 for a in self.attempts if a.get("kind") == "send")

    @property
    def duplicate_pending(self) -> bool:
        """A duplicate the faults asked for and that was not sent yet."""
        sent = any(a.get("kind") == "duplicate" for a in self.attempts)
        return self.faults.duplicate_after is not None and not sent


@dataclass
class JournalState:
    path: Path
    runs: list[dict[str, Any]]
    events: dict[int, JournalEvent]  # by seq, in the order first planned
    truncated: bool = False  # the last line was cut short (the writer was killed)

    @property
    def target(self) -> str | None:
        return self.runs[0].get("target") if self.runs else None

    @property
    def options(self) -> dict[str, Any]:
        return self.runs[0].get("options", {}) if self.runs else {}

    @property
    def meta(self) -> dict[str, Any]:
        return self.runs[0].get("meta") or {} if self.runs else {}

    def by_state(self, state: Final) -> list[JournalEvent]:
        return [e for e in self.events.values() if e.state == state]


def read_journal(path: Path | str) -> JournalState:
    """Every event's planned bytes and attempts. A torn last line is ignored; any other
    unreadable line, or a body whose sha256 does not match, is an InputError."""
    path = Path(path)
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError as exc:
        raise InputError(f"cannot read journal: {exc.strerror}", file=str(path)) from None
    state = JournalState(path, [], {})
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            if number - 1 == last:
                state.truncated = True
                continue
            raise InputError("not a journal record", file=str(path), line=number) from None
        _apply(state, record, str(path), number)
    return state


def _apply(state: JournalState, record: dict[str, Any], file: str, line: int) -> None:
    kind = record.get("type")
    if kind == "run":
        state.runs.append(record)
    elif kind == "planned":
        body = record["body"].encode("utf-8")
        if hashlib.sha256(body).hexdigest() != record["sha256"]:
            raise InputError("journaled body does not match its sha256", file=file, line=line)
        planned = Planned(record["seq"], record["eventId"], record["event"], record["customer"],
                          body)
        if record["seq"] not in state.events:
            state.events[record["seq"]] = JournalEvent(planned, FaultNote.from_dict(
                record.get("faults")))
    elif kind == "attempt":
        event = state.events.get(record["seq"])
        if event is None:
            raise InputError("attempt for an event never planned", file=file, line=line)
        event.attempts.append(record)
