"""The soak journal: failures by default, samples on request, bounded by rotation."""

from __future__ import annotations

from pathlib import Path

from capmock.delivery import Planned, read_journal
from capmock.soak.sampled_journal import SoakJournal


def journal(path: Path, mode: str = "failures", sample: float = 0.0, max_bytes: int = 1 << 20,
            keep: int = 2) -> SoakJournal:
    return SoakJournal(path, mode=mode, sample=sample, max_bytes=max_bytes, keep=keep,
                       run={"target": "http://127.0.0.1:9/"}, seed=1)


def event(seq: int) -> Planned:
    return Planned(seq, f"id-{seq}", "pointsIssued", 7, b'{"eventId":"id-%d"}' % seq + b" " * 900)


def test_failures_only_by_default(tmp_path: Path) -> None:
    j = journal(tmp_path / "j.jsonl")
    assert not j.wants(ok=True) and j.wants(ok=False)
    j.record(event(1), kind="send", status=503, latency_ms=3.2, error="http 503", ok=False)
    j.close()
    state = read_journal(tmp_path / "j.jsonl")
    assert state.runs[0]["mode"] == "soak"
    assert [e.state for e in state.events.values()] == ["failed-final"]


def test_sample_mode_takes_about_its_share(tmp_path: Path) -> None:
    j = journal(tmp_path / "j.jsonl", mode="sample", sample=0.1)
    taken = sum(j.wants(ok=True) for _ in range(5000))
    assert 350 < taken < 650
    assert journal(tmp_path / "k.jsonl", mode="all").wants(ok=True)


def test_rotation_keeps_the_disk_bounded(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    j = journal(path, mode="all", max_bytes=8192, keep=2)
    for seq in range(200):
        j.record(event(seq), kind="send", status=200, latency_ms=1.0, error=None, ok=True)
    j.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["j.jsonl", "j.jsonl.1", "j.jsonl.2"]
    assert j.rotations > 10
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) < 4 * 8192 + 3000
    assert read_journal(path.with_name("j.jsonl.1")).events  # each file reads on its own
