"""Scheduling arithmetic: pure functions of time, no clock read, no waiting."""

from __future__ import annotations

import math

import pytest

from capmock.soak.schedule import Schedule


def test_constant_rate_counts_and_times() -> None:
    s = Schedule(rate=500.0, duration=2.0)
    assert s.total == 1000
    assert s.count_at(0.0) == 0
    assert s.count_at(1.0) == 500
    assert s.time_of(0) == pytest.approx(0.002)
    assert s.time_of(499) == pytest.approx(1.0)
    assert s.time_of(999) == pytest.approx(2.0)


@pytest.mark.parametrize("rate,duration,ramp", [(500, 10, 0), (500, 10, 4), (37.5, 3, 3),
                                                (5000, 20, 1), (1, 60, 30)])
def test_time_of_inverts_count_at(rate: float, duration: float, ramp: float) -> None:
    s = Schedule(rate, duration, ramp)
    assert s.total is not None
    for i in range(0, s.total, max(1, s.total // 500)):
        t = s.time_of(i)
        assert s.count_at(t + 1e-9) >= i + 1  # due by its time
        assert s.count_at(t - 1e-6) <= i  # not before
        assert 0 < t <= duration + 1e-9


def test_ramp_is_linear_then_flat() -> None:
    s = Schedule(rate=1000.0, duration=10.0, ramp=4.0)
    assert s.rate_at(0.0) == 0.0
    assert s.rate_at(2.0) == pytest.approx(500.0)
    assert s.rate_at(4.0) == pytest.approx(1000.0)
    assert s.rate_at(9.0) == pytest.approx(1000.0)
    # area under the ramp: half of rate x ramp, then rate x the rest
    assert s.count_at(4.0) == 2000
    assert s.total == 2000 + 6000
    # events come closer together during the ramp
    gaps = [s.time_of(i + 1) - s.time_of(i) for i in (10, 100, 1000, 5000)]
    assert gaps == sorted(gaps, reverse=True)
    assert gaps[-1] == pytest.approx(0.001)


def test_strides_partition_the_global_schedule() -> None:
    s = Schedule(rate=333.0, duration=3.0, ramp=1.0)
    workers = 3
    times = sorted(s.stride(w, workers).time_of(k) for w in range(workers)
                   for k in range(s.stride(w, workers).total or 0))
    assert len(times) == s.total
    assert times == pytest.approx([s.time_of(i) for i in range(s.total or 0)])
    for t in (0.0, 0.5, 1.7, 3.0):
        assert sum(s.stride(w, workers).count_at(t) for w in range(workers)) == s.count_at(t)


def test_unbounded_schedule() -> None:
    s = Schedule(rate=None, duration=5.0)
    assert s.unbounded and s.total is None
    assert s.rate_at(1.0) == math.inf
    assert s.time_of(12345) == 0.0


@pytest.mark.parametrize("kwargs", [dict(rate=0, duration=1), dict(rate=10, duration=0),
                                    dict(rate=10, duration=5, ramp=6)])
def test_bad_schedules(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Schedule(**kwargs)  # type: ignore[arg-type]
