"""Retry policies as pure functions, and the parsing of their CLI values."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from capmock.delivery.options import DeliveryOptions
from capmock.delivery.policy import (
    STANDARD_WEBHOOKS_SCHEDULE,
    Result,
    capillary,
    custom,
    jitter_draw,
    make_policy,
    no_retry,
    retry_after_seconds,
    standard_webhooks,
)
from capmock.errors import UsageError

NOW = 1_767_225_600.0  # 2026-01-01T00:00:00Z
TIMEOUT = Result(error="timeout", kind="timeout")
REFUSED = Result(error="connection refused", kind="connection")


@pytest.mark.parametrize(
    ("result", "outcome"),
    [
        (Result(200), "delivered"),
        (Result(201), "delivered"),
        (Result(204), "delivered"),
        (Result(400), "failed-final"),
        (Result(401), "failed-final"),
        (Result(404), "failed-final"),
        (Result(408), "failed-final"),
        (Result(422), "failed-final"),
        (Result(301), "failed-final"),
        (Result(302), "failed-final"),
        (Result(429), "retrying"),
        (Result(500), "retrying"),
        (Result(502), "retrying"),
        (Result(503), "retrying"),
        (Result(504), "retrying"),
        (TIMEOUT, "retrying"),
        (REFUSED, "retrying"),
    ],
)
def test_capillary_classifies_outcomes(result: Result, outcome: str) -> None:
    decision = capillary().decide(1, result, now=NOW, u=0.5)
    assert decision.outcome == outcome
    assert decision.retry is (outcome == "retrying")
    if outcome == "failed-final":
        assert "not retried" in decision.reason and str(result.status) in decision.reason


@pytest.mark.parametrize(
    ("attempt", "u", "wait"),
    [(1, 0.0, 0.5), (1, 1.0, 1.0), (2, 0.0, 1.0), (3, 0.5, 3.0), (4, 0.0, 4.0), (13, 1.0, 3600.0),
     (40, 0.0, 1800.0)],
)
def test_capillary_backoff_is_exponential_with_equal_jitter_and_capped(
    attempt: int, u: float, wait: float
) -> None:
    assert capillary().decide(attempt, Result(503), u=u).wait == pytest.approx(wait)


def test_capillary_gives_up_after_seven_days_not_after_a_count() -> None:
    policy = capillary()
    assert policy.decide(500, Result(503), elapsed=3 * 86400, u=0.5).retry
    late = policy.decide(500, Result(503), elapsed=7 * 86400 - 10, u=0.5)
    assert late.outcome == "failed-final" and "gave up" in late.reason


def test_retry_after_seconds_overrides_backoff() -> None:
    decision = capillary().decide(1, Result(429, retry_after="7"), now=NOW, u=0.9)
    assert decision.retry and decision.wait == 7.0


def test_retry_after_http_date_counts_from_now() -> None:
    when = format_datetime(datetime.fromtimestamp(NOW + 120, UTC), usegmt=True)
    assert capillary().decide(2, Result(503, retry_after=when), now=NOW).wait == 120.0
    past = format_datetime(datetime.fromtimestamp(NOW - 60, UTC), usegmt=True)
    assert capillary().decide(2, Result(503, retry_after=past), now=NOW).wait == 0.0


@pytest.mark.parametrize("value", ["soon", "", "-5", "Mon, 99 Foo 2026"])
def test_unreadable_retry_after_falls_back_to_backoff(value: str) -> None:
    assert retry_after_seconds(value, NOW) is None
    assert capillary().decide(1, Result(503, retry_after=value), u=0.0).wait == 0.5


def test_time_scale_multiplies_every_wait_and_the_give_up_time() -> None:
    fast = capillary(time_scale=0.001)
    assert fast.decide(1, Result(503), u=1.0).wait == pytest.approx(0.001)
    assert fast.decide(1, Result(429, retry_after="7")).wait == pytest.approx(0.007)
    assert standard_webhooks(0.001).decide(2, Result(500)).wait == pytest.approx(0.3)
    assert not fast.decide(9, Result(503), elapsed=7 * 86400 * 0.001).retry
    assert fast.decide(9, Result(503), elapsed=86400 * 0.001).retry


def test_none_never_retries() -> None:
    policy = no_retry()
    assert policy.decide(1, Result(200)).outcome == "delivered"
    for result in (Result(500), Result(429, retry_after="1"), TIMEOUT, REFUSED):
        decision = policy.decide(1, result)
        assert decision.outcome == "failed-final" and decision.wait == 0.0


def test_standard_webhooks_schedule() -> None:
    policy = standard_webhooks()
    waits = [policy.decide(n, Result(500)).wait for n in range(1, 10)]
    assert waits == [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
    assert list(STANDARD_WEBHOOKS_SCHEDULE) == waits
    assert policy.decide(10, Result(500)).outcome == "failed-final"  # 10 attempts in all
    assert policy.decide(1, Result(400)).retry  # every non-2xx is retried
    assert policy.decide(1, Result(503, retry_after="1")).wait == 5  # schedule, not header


def test_custom_limits() -> None:
    policy = custom(max_attempts=3, base=2.0, cap=5.0, give_up_after=60.0)
    assert policy.decide(1, Result(500), u=0.0).wait == 1.0
    assert policy.decide(2, Result(500), u=1.0).wait == 4.0
    assert policy.decide(2, Result(500), u=1.0, elapsed=57.0).outcome == "failed-final"
    final = policy.decide(3, Result(500))
    assert final.outcome == "failed-final" and "after 3 attempts" in final.reason
    assert policy.decide(1, Result(404)).outcome == "failed-final"


def test_jitter_draw_is_reproducible_and_uniformish() -> None:
    draws = [jitter_draw(7, seq, 1) for seq in range(2000)]
    assert draws == [jitter_draw(7, seq, 1) for seq in range(2000)]
    assert all(0.0 <= d < 1.0 for d in draws)
    assert 0.45 < sum(draws) / len(draws) < 0.55
    assert draws != [jitter_draw(8, seq, 1) for seq in range(2000)]


def test_make_policy_from_cli_values() -> None:
    assert make_policy().name == "capillary"
    tuned = make_policy("capillary", max_attempts="4", backoff="250ms,10s", give_up_after="2h",
                        time_scale="0.5")
    assert (tuned.name, tuned.max_attempts, tuned.base, tuned.cap) == ("custom", 4, 0.25, 10.0)
    assert (tuned.give_up_after, tuned.time_scale) == (7200.0, 0.5)
    assert make_policy("standard-webhooks").schedule == STANDARD_WEBHOOKS_SCHEDULE
    assert make_policy("none").max_attempts == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "capilary"}, "did you mean 'capillary'"),
        ({"name": "none", "max_attempts": "3"}, "takes no"),
        ({"name": "custom", "max_attempts": "0"}, "at least 1"),
        ({"name": "custom", "backoff": "1s"}, "BASE,CAP"),
        ({"name": "custom", "backoff": "5s,1s"}, "BASE <= CAP"),
        ({"name": "custom", "give_up_after": "soon"}, "cannot read duration"),
        ({"name": "capillary", "time_scale": "0"}, "greater than 0"),
    ],
)
def test_make_policy_rejects_bad_values(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError) as err:
        make_policy(**kwargs)
    assert message in str(err.value)
    assert err.value.exit_code == 2


def test_options_from_settings_text_and_typed_alike() -> None:
    text = DeliveryOptions.from_settings(
        connections="8", timeout="500ms", header=["X-Org: 42"], bearer="t", retry="custom",
        max_attempts="3", duplicates="10%", duplicate_delay="1s..2s", reorder="5",
        reorder_scope="customer", delay="0..50ms", burst="20/3s", time_scale="0.01", seed=9,
    )
    typed = DeliveryOptions.from_settings(
        connections=8, timeout=0.5, header=[("X-Org", "42")], bearer="t", retry="custom",
        max_attempts=3, duplicates=0.1, duplicate_delay=(1.0, 2.0), reorder=5,
        reorder_scope="customer", delay=(0.0, 0.05), burst=(20, 3.0), time_scale=0.01, seed=9,
    )
    assert text == typed
    opts = text
    assert (opts.connections, opts.timeout, opts.headers) == (8, 0.5, (("X-Org", "42"),))
    assert (opts.policy.max_attempts, opts.policy.time_scale) == (3, 0.01)
    f = opts.faults
    assert (f.duplicate, f.duplicate_delay, f.reorder, f.reorder_scope) == (
        0.1, (1.0, 2.0), 5, "customer")
    assert (f.delay, f.burst, f.burst_gap, opts.seed) == ((0.0, 0.05), 20, 3.0, 9)
    assert DeliveryOptions.from_settings().user_agent == "Java/1.8.0_272"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"connections": "0"}, "connections: must be at least 1"),
        ({"timeout": "fast"}, "timeout: cannot read duration 'fast'"),
        ({"timeout": "0s"}, "timeout: must be greater than 0"),
        ({"header": ["no-colon-secret"]}, "header: cannot read header 'no-colon-secret'"),
        ({"basic_auth": "nopassword"}, "basic_auth: expected user:password"),
        ({"basic_auth": "u:p", "bearer": "t"}, "both set"),
        ({"sign": "standard-webhooks"}, "needs a secret"),
        ({"sign": "hmac", "secret": "whsec_MTIz"}, "sign: unknown signing scheme 'hmac'"),
        ({"sign": "standard-webhooks", "secret": "whsec_"}, "secret: not a Standard"),
        ({"reorder_scope": "cust"}, "did you mean 'customer'"),
        ({"duplicates": "2"}, "duplicates: '2' is not between 0 and 1"),
        ({"burst": "0"}, "burst: must be at least 1"),
        ({"delay": "10-50ms"}, "use MIN..MAX, e.g. 10..50ms"),
        ({"retry": "capilary"}, "did you mean 'capillary'"),
    ],
)
def test_bad_settings_name_the_setting_never_a_flag(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError) as err:
        DeliveryOptions.from_settings(**kwargs)  # type: ignore[arg-type]
    assert message in str(err.value)
    assert "--" not in str(err.value)


def test_a_bad_header_is_reported_by_its_name_without_its_value() -> None:
    with pytest.raises(UsageError) as err:
        DeliveryOptions.from_settings(header=["Authorization Bearer hunter2"])
    assert "hunter2" not in str(err.value) and "'Authorization …'" in str(err.value)


def test_where_prefixes_errors_and_unknown_settings_get_a_hint() -> None:
    from capmock.delivery.options import setting_values

    with pytest.raises(UsageError, match=r"^x.yaml: delivery: delay: cannot read duration"):
        DeliveryOptions.from_settings({"delay": "soon"}, where="x.yaml: delivery: ")
    with pytest.raises(UsageError, match="did you mean 'duplicates'"):
        setting_values({"duplicate": "5%"})
    values = setting_values({"max-attempts": 3, "headers": {"X-A": "1"}, "time_scale": 0.5})
    assert values == {"max_attempts": 3, "header": (("X-A", "1"),), "time_scale": 0.5}
    assert DeliveryOptions.from_settings(values).headers == (("X-A", "1"),)
