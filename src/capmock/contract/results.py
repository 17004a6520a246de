"""Results of contract checks: named test cases with their evidence, and a report of them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["passed", "failed", "skipped"]


@dataclass
class Case:
    """One named test case: ``acceptance[pointsIssued]``, ``check alice (line 20)``…

    ``message`` is one line (what was expected, what came back); ``details`` the evidence
    (bodies, the deliveries that preceded it, their faults); ``note`` a caveat that does not
    fail the case (e.g. "status codes only: give --state to compare the consumer's state").
    """

    name: str
    group: str
    status: Status = "passed"
    message: str = ""
    details: str = ""
    seconds: float = 0.0
    note: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def describe(self) -> str:
        mark = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}[self.status]
        text = f"{mark}  {self.name}"
        if self.message:
            text += f" — {self.message}"
        if self.note:
            text += f" ({self.note})"
        return text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def failed(name: str, group: str, message: str, details: str = "", **kw: Any) -> Case:
    return Case(name, group, "failed", message, details, **kw)


@dataclass
class Report:
    title: str
    cases: list[Case] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(c.failed for c in self.cases)

    def counts(self) -> dict[str, int]:
        out = {"passed": 0, "failed": 0, "skipped": 0}
        for case in self.cases:
            out[case.status] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "ok": self.ok,
            "counts": self.counts(),
            "meta": self.meta,
            "notes": self.notes,
            "cases": [c.to_dict() for c in self.cases],
        }
