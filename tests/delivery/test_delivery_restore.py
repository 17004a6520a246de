"""What a resume continues with: the journaled options, flags overriding; secrets again."""

from __future__ import annotations

from pathlib import Path

import pytest

from capmock.delivery import DeliveryOptions, deliver, read_journal
from capmock.delivery.restore import resumed_options
from capmock.delivery.secrets import (
    headers_from_env,
    headers_from_file,
    merge_headers,
    redact_url,
)
from capmock.delivery.sink import Sink
from capmock.errors import InputError, UsageError

from .helpers import EventsFactory

FLAGS = {
    "connections": "3",
    "timeout": "2s",
    "retry": "custom",
    "max_attempts": "4",
    "backoff": "1s,1m",
    "time_scale": "0.01",
    "on_retry": "continue",
    "duplicates": "10%",
    "duplicate_delay": "1s..2s",
    "reorder": "3",
    "delay": "0..10ms",
    "burst": "5/2s",
}


def journaled_run(make_events: EventsFactory, path: Path, **extra: object) -> dict:
    options = DeliveryOptions.from_settings(**FLAGS, **extra, seed=9)  # type: ignore[arg-type]
    with Sink.start() as sink:
        deliver(make_events(2), sink.url, options, journal=path)
    return read_journal(path).runs[0]


def test_every_journaled_option_comes_back(make_events: EventsFactory, tmp_path: Path) -> None:
    run = journaled_run(make_events, tmp_path / "j.jsonl")
    assert resumed_options(run, {}) == DeliveryOptions.from_settings(**FLAGS, seed=9)


def test_flags_on_the_resume_override_only_what_they_name(
    make_events: EventsFactory, tmp_path: Path
) -> None:
    run = journaled_run(make_events, tmp_path / "j.jsonl")
    got = resumed_options(run, {"connections": "1", "time_scale": "1", "delay": None})
    assert got.connections == 1 and got.policy.time_scale == 1.0
    assert (got.policy.name, got.policy.max_attempts, got.policy.on_retry) == (
        "custom",
        4,
        "continue",
    )
    assert got.faults.duplicate == 0.1 and got.faults.burst == 5 and got.faults.reorder == 3
    assert got.seed == 9
    blocked = resumed_options(run, {"on_retry": "block", "retry": "capillary"})
    assert blocked.policy.name == "capillary" and blocked.policy.holds
    assert blocked.policy.time_scale == 0.01  # kept: the resume did not name it


def test_a_signing_secret_must_come_back_and_brings_its_scheme(
    make_events: EventsFactory, tmp_path: Path
) -> None:
    secret = "whsec_Y2FwbW9jay10ZXN0LXNpZ25pbmcta2V5LTMyYnl0ZXM="
    run = journaled_run(make_events, tmp_path / "j.jsonl", sign="standard-webhooks", secret=secret)
    with pytest.raises(UsageError, match="sent signing secret"):
        resumed_options(run, {})
    assert resumed_options(run, {"secret": secret}).sign == "standard-webhooks"


def test_headers_from_the_environment_and_a_file(tmp_path: Path) -> None:
    env = {
        "CAPMOCK_HEADER_X_API_KEY": "k",
        "CAPMOCK_HEADER_AUTHORIZATION": "Bearer b",
        "OTHER": "x",
    }
    assert headers_from_env(env) == [("Authorization", "Bearer b"), ("X-Api-Key", "k")]
    good = tmp_path / "h.txt"
    good.write_text("# ci secrets\nX-Api-Key: from-file\n\nX-Org: 7\n")
    merged = merge_headers(headers_from_env(env), headers_from_file(good))
    assert merged == [("Authorization", "Bearer b"), ("X-Api-Key", "from-file"), ("X-Org", "7")]
    bad = tmp_path / "bad.txt"
    bad.write_text("X-Org: 7\nBearer s3cretvalue\n")
    with pytest.raises(InputError, match=r"bad.txt:2: not a header line") as err:
        headers_from_file(bad)
    assert "s3cretvalue" not in str(err.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://u:pw@host:8080/hook", "http://***@host:8080/hook"),
        ("https://host/hook?api_key=abc&org=7", "https://host/hook?api_key=***&org=7"),
        (
            "https://host/h?token=t&sig=s&X-Amz-Signature=z&password=p&page=2",
            "https://host/h?token=***&sig=***&X-Amz-Signature=***&password=***&page=2",
        ),
        ("http://host/hook?org=7", "http://host/hook?org=7"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown
