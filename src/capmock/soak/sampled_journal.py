"""The soak journal: failures (and optionally a sample) only, in rotated files.

Hours of load must not fill the disk, so a soak journals by default only the events that
failed; ``sample`` adds a random fraction of the rest, ``all`` everything. Records are
the delivery journal's (``run``, ``planned``, ``attempt``; see
:mod:`capmock.delivery.journal`), so ``read_journal`` reads a soak journal too. When the
file passes ``max_bytes`` it is renamed to ``<name>.1`` (older ones shift to ``.2``…;
beyond ``keep`` they are deleted) and a new file is started.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from capmock.delivery.journal import JournalWriter
from capmock.delivery.types import Attempt, FaultNote, Planned

_OVERHEAD = 400  # bytes of a planned + attempt record besides the body (an estimate)


class SoakJournal:
    def __init__(
        self, path: Path, *, mode: str, sample: float, max_bytes: int, keep: int,
        run: dict[str, Any], seed: int,
    ) -> None:
        self.path = path
        self.mode = mode
        self.sample = sample if mode == "sample" else (1.0 if mode == "all" else 0.0)
        self.max_bytes = max_bytes
        self.keep = keep
        self.run = run
        self.rng = random.Random(seed)
        self.written = 0
        self.records = 0
        self.rotations = 0
        self.writer = self._open()

    def _open(self) -> JournalWriter:
        writer = JournalWriter(self.path)
        writer.run("soak", str(self.run.get("target", "")), self.run)
        self.written = 0
        return writer

    def wants(self, ok: bool) -> bool:
        if not ok:
            return True
        return self.sample > 0 and (self.sample >= 1 or self.rng.random() < self.sample)

    def record(
        self, planned: Planned, *, kind: str, status: int | None, latency_ms: float,
        error: str | None, ok: bool,
    ) -> None:
        outcome = ("delivered" if ok else "failed-final") if kind == "send" else "duplicate"
        if kind == "send":
            self.writer.planned(planned, FaultNote())
        self.writer.attempt(Attempt(
            seq=planned.seq, event_id=planned.event_id, attempt=1, kind=kind,  # type: ignore[arg-type]
            time=time.time(), status=status, latency_ms=round(latency_ms, 3), error=error,
            outcome=outcome,  # type: ignore[arg-type]
        ))
        self.records += 1
        self.written += len(planned.body) + _OVERHEAD
        if self.written >= self.max_bytes:
            self.rotate()

    def rotate(self) -> None:
        self.writer.close()
        for n in range(self.keep, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{n}")
            if n == self.keep:
                older.unlink(missing_ok=True)
            else:
                newer = self.path.with_name(f"{self.path.name}.{n + 1}")
                if older.exists():
                    older.rename(newer)
        if self.keep:
            self.path.rename(self.path.with_name(f"{self.path.name}.1"))
        else:
            self.path.unlink(missing_ok=True)
        self.rotations += 1
        self.writer = self._open()

    def close(self) -> None:
        self.writer.close()
