"""Soak settings: good values in (typed or as text), one-line UsageErrors naming the setting
(never a flag) for bad ones; the delivery part is the delivery core's DeliveryOptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from capmock.delivery.options import DeliveryOptions
from capmock.errors import UsageError
from capmock.soak.settings import MixEntry, SoakOptions, parse_mix

URL = "http://127.0.0.1:9/hook"


@pytest.mark.parametrize(
    "text,rate",
    [
        ("500/s", 500.0),
        ("500", 500.0),
        ("30000/m", 500.0),
        ("1800/h", 0.5),
        ("2.5/sec", 2.5),
        ("max", None),
    ],
)
def test_rates(text: str, rate: float | None) -> None:
    assert SoakOptions.from_settings(target=URL, rate=text).rate == rate


def test_full_settings() -> None:
    o = SoakOptions.from_settings(
        target=URL,
        rate="500/s",
        duration="2h",
        ramp="5m",
        customers="100000",
        mix="crowd-journey:3,earn-and-redeem:1",
        connections="32",
        envelope="wrapped",
        duplicates="1%",
        reorder="3",
        max_error_rate="0.1%",
        max_p99="500ms",
        min_rate="95%",
        metrics="m.jsonl",
        plot="p.html",
        seed="4",
        journal_mode="sample:1%",
        journal_max="16MB",
        header=["X-Api-Key: s3cret"],
        bearer="t0ken",
    )
    assert (o.rate, o.duration, o.ramp, o.customers) == (500.0, 7200.0, 300.0, 100000)
    assert o.mix == (MixEntry("crowd-journey", 3.0), MixEntry("earn-and-redeem", 1.0))
    assert o.thresholds.max_error_rate == pytest.approx(0.001)
    assert o.thresholds.max_p99 == pytest.approx(0.5)
    assert o.thresholds.min_rate == pytest.approx(0.95)
    assert (o.journal_mode, o.journal_sample, o.journal_max_bytes) == ("sample", 0.01, 16 << 20)
    assert o.plot == Path("p.html") and o.effective_processes >= 1
    assert isinstance(o.delivery, DeliveryOptions) and o.delivery.seed == o.seed == 4
    assert (o.duplicates, o.reorder, o.delivery.faults.reorder_scope) == (0.01, 3, "customer")
    headers = o.delivery.request_headers()
    assert headers["X-Api-Key"] == "s3cret" and headers["Authorization"] == "Bearer t0ken"
    assert "s3cret" not in str(o.redacted()) and "t0ken" not in str(o.redacted())


def test_soak_delivery_defaults() -> None:
    o = SoakOptions.from_settings(target=URL)
    assert (o.connections, o.timeout, o.delivery.policy.max_attempts) == (32, 10.0, 1)
    assert o.delivery.faults.duplicate_delay == (0.5, 5.0)


def test_mix_accepts_paths_and_default_weights() -> None:
    path = str(Path(__file__).resolve().parents[2] / "scenarios" / "earn-and-redeem.yaml")
    assert parse_mix(f"{path},crowd-journey:2") == (
        MixEntry(path, 1.0),
        MixEntry("crowd-journey", 2.0),
    )


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(target=None), "target is required"),
        (dict(target="ftp://x/"), "target: not an http(s) URL"),
        (dict(rate="fast"), "rate: cannot read rate 'fast'"),
        (dict(rate="0/s"), "rate: must be greater than 0"),
        (dict(duration="forever"), "duration: cannot read duration"),
        (dict(duration="10s", ramp="20s"), "ramp: 20s is longer than the duration 10s"),
        (dict(rate="max", ramp="5s"), "ramp needs a rate"),
        (dict(mix="crowd-jorney"), "mix: no such scenario file 'crowd-jorney'"),
        (dict(mix="crowd-journey:x1"), "mix: bad weight in 'crowd-journey:x1'"),
        (dict(connections="0"), "connections: must be at least 1"),
        (dict(duplicates="150%"), "duplicates: '150%' is not between 0 and 1"),
        (dict(max_p99="soon"), "max_p99: cannot read duration"),
        (dict(envelope="fat"), "envelope: unknown envelope 'fat'"),
        (dict(plot="out.pdf"), "plot: 'out.pdf' must end in .html or .svg"),
        (dict(journal_mode="some"), "journal_mode: unknown journal mode 'some'"),
        (dict(customers="1", processes="2"), "customers: need at least one customer per process"),
        (dict(delay="1s"), "a soak takes no 'delay'"),
    ],
)
def test_bad_settings(kwargs: dict[str, str], message: str) -> None:
    kwargs = {"target": URL, **kwargs}
    with pytest.raises(UsageError) as err:
        SoakOptions.from_settings(**kwargs)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value) and "--" not in str(err.value)
    assert err.value.exit_code == 2
