"""Retry policies: pure functions from (attempt number, what the attempt got) to a decision.

Nothing here sends, sleeps or reads a clock: the caller passes the elapsed time, the wall
clock (for ``Retry-After: <HTTP-date>``) and a jitter draw ``u`` in [0, 1). The sender plugs
:meth:`Policy.decide` into tenacity's retry/wait callables.

Policies:

``capillary`` (default) — what Capillary documents: 2xx is delivered; 429, 5xx, timeouts and
connection errors are retried with exponential backoff and jitter, honouring ``Retry-After``;
any other 4xx or a 3xx is a permanent failure, not retried. Capillary keeps retrying an
event for at least 7 days, so the default has no attempt limit and gives up after 7 days.

``none`` — one attempt. ``standard-webhooks`` — every non-2xx is retried on the fixed
schedule immediately, 5 s, 5 m, 30 m, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h, then given up.
``custom`` — capillary's classification with your max attempts, backoff and give-up time.

``time_scale`` multiplies every wait and the give-up time (0.001 turns hours into seconds).

``on_retry``: ``block`` (default) — an event being retried holds back the later events of
its connection, as Capillary documents ("the system uses a retry mechanism instead of
continuously checking for new events", seed 005 "Consuming event notifications"); or
``continue`` — its next attempt waits on the side while the connection sends the next
events. The engine and :mod:`capmock.delivery.queue` act on it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import Any, Literal

from capmock import units
from capmock.delivery.types import human_duration, plural
from capmock.errors import UsageError, did_you_mean

ErrorKind = Literal["timeout", "connection", "other"]
DecisionOutcome = Literal["delivered", "retrying", "failed-final"]

DAY = 86_400.0
ON_RETRY = ("block", "continue")
STANDARD_WEBHOOKS_SCHEDULE = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 50400.0, 72000.0,
                              86400.0)


@dataclass(frozen=True, slots=True)
class Result:
    """What one attempt got: an HTTP status, or an error with no response."""

    status: int | None = None
    error: str | None = None
    kind: ErrorKind | None = None  # for errors: timeout / connection / other
    retry_after: str | None = None  # the Retry-After header, verbatim
    body: str | None = None  # the start of the response body

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def describe(self) -> str:
        if self.status is not None:
            return f"HTTP {self.status}"
        return self.error or (self.kind or "error")


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: DecisionOutcome
    wait: float = 0.0  # seconds before the next attempt (already time-scaled)
    reason: str = ""  # why it is final; empty for delivered

    @property
    def retry(self) -> bool:
        return self.outcome == "retrying"


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Seconds a ``Retry-After`` value asks for (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP-dates are GMT
        return None
    return max(0.0, when.timestamp() - now)


def jitter_draw(seed: int, seq: int, attempt: int) -> float:
    """A uniform [0, 1) draw fixed by (seed, event, attempt): reproducible in any thread order."""
    return random.Random(hash((seed, seq, attempt))).random()


@dataclass(frozen=True, slots=True)
class Policy:
    name: str = "capillary"
    max_attempts: int | None = None  # None: until give_up_after
    base: float = 1.0  # first backoff, seconds
    cap: float = 3600.0  # largest backoff, seconds
    give_up_after: float | None = 7 * DAY  # since the first attempt; None: never by time
    schedule: tuple[float, ...] = ()  # fixed waits after attempt 1, 2, … (replaces backoff)
    retry_client_errors: bool = False  # retry every non-2xx (standard-webhooks)
    honour_retry_after: bool = True
    time_scale: float = 1.0
    on_retry: str = "block"  # block: a retried event holds its connection's later events

    def __post_init__(self) -> None:
        if self.on_retry not in ON_RETRY:
            guess = did_you_mean(self.on_retry, ON_RETRY)
            raise UsageError(
                f"on_retry: unknown mode '{self.on_retry}'",
                hint=f"did you mean '{guess}'?" if guess else "block or continue",
            )

    @property
    def holds(self) -> bool:
        """Whether a retried event holds back the later events of its connection."""
        return self.on_retry == "block"

    def retryable(self, result: Result) -> bool:
        if result.status is None:
            return True  # timeout, refused, reset: the consumer may not have seen it
        if self.retry_client_errors:
            return True
        return result.status == 429 or 500 <= result.status <= 599

    def backoff(self, attempt: int, u: float) -> float:
        """Unscaled wait after ``attempt`` failed: the schedule, or equal-jitter exponential."""
        if self.schedule:
            return self.schedule[min(attempt, len(self.schedule)) - 1]
        ceiling = min(self.cap, self.base * 2.0 ** min(attempt - 1, 60))
        return ceiling / 2 + u * ceiling / 2

    def decide(
        self, attempt: int, result: Result, *, elapsed: float = 0.0, now: float = 0.0,
        u: float = 0.5,
    ) -> Decision:
        """The decision after attempt number ``attempt`` (1-based) got ``result``.

        ``elapsed``: seconds since the first attempt began; ``now``: epoch seconds, for
        Retry-After dates; ``u``: the jitter draw.
        """
        if result.ok:
            return Decision("delivered")
        what = result.describe()
        if not self.retryable(result):
            return Decision("failed-final", reason=f"{what}, not retried")
        if self.max_attempts is not None and attempt >= self.max_attempts:
            tries = plural(attempt, "attempt")
            return Decision("failed-final", reason=f"{what}, gave up after {tries}")
        wait = self.backoff(attempt, u)
        asked = retry_after_seconds(result.retry_after, now) if self.honour_retry_after else None
        if asked is not None:
            wait = asked
        wait *= self.time_scale
        if self.give_up_after is not None and elapsed + wait > self.give_up_after * self.time_scale:
            tries = plural(attempt, "attempt")
            reason = f"{what}, gave up after {tries} ({human_duration(elapsed)})"
            return Decision("failed-final", reason=reason)
        return Decision("retrying", wait=wait)


def capillary(time_scale: float = 1.0) -> Policy:
    return Policy("capillary", time_scale=time_scale)


def no_retry(time_scale: float = 1.0) -> Policy:
    return Policy("none", max_attempts=1, give_up_after=None, time_scale=time_scale)


def standard_webhooks(time_scale: float = 1.0) -> Policy:
    return Policy(
        "standard-webhooks",
        max_attempts=len(STANDARD_WEBHOOKS_SCHEDULE) + 1,
        give_up_after=None,
        schedule=STANDARD_WEBHOOKS_SCHEDULE,
        retry_client_errors=True,
        honour_retry_after=False,
        time_scale=time_scale,
    )


def custom(
    max_attempts: int | None = 5, base: float = 1.0, cap: float = 60.0,
    give_up_after: float | None = None, time_scale: float = 1.0,
) -> Policy:
    return Policy("custom", max_attempts, base, cap, give_up_after, time_scale=time_scale)


POLICIES = ("capillary", "none", "standard-webhooks", "custom")


def make_policy(
    name: str = "capillary",
    *,
    max_attempts: str | int | None = None,
    backoff: str | tuple[float, float] | None = None,
    give_up_after: str | float | None = None,
    time_scale: str | float | None = None,
    on_retry: str | None = None,
) -> Policy:
    """A policy by name, tuned: ``max_attempts``, ``backoff`` (BASE,CAP), ``give_up_after``,
    ``time_scale`` (text is read by :mod:`capmock.units`), ``on_retry`` (block or
    continue). The tuning applies to capillary and custom (capillary + any of it = custom)."""
    policy = _named_policy(name, max_attempts, backoff, give_up_after, time_scale)
    return policy if on_retry is None else replace(policy, on_retry=on_retry.strip().lower())


def _named_policy(
    name: str,
    max_attempts: Any,
    backoff: Any,
    give_up_after: Any,
    time_scale: Any,
) -> Policy:
    scale = 1.0 if time_scale is None else units.within("time_scale", units.positive_number,
                                                        time_scale)
    tuned = any(v is not None for v in (max_attempts, backoff, give_up_after))
    if name in ("none", "standard-webhooks"):
        if tuned:
            raise UsageError(
                f"retry {name} takes no max_attempts, backoff or give_up_after",
                hint="use the custom retry policy",
            )
        return no_retry(scale) if name == "none" else standard_webhooks(scale)
    if name not in ("capillary", "custom"):
        guess = did_you_mean(name, POLICIES)
        raise UsageError(
            f"unknown retry policy '{name}'",
            hint=f"did you mean '{guess}'?" if guess else f"use one of {', '.join(POLICIES)}",
        )
    policy = capillary(scale) if name == "capillary" and not tuned else custom(time_scale=scale)
    if max_attempts is not None:
        policy = replace(policy, max_attempts=units.within("max_attempts", units.count,
                                                           max_attempts))
    if backoff is not None:
        base, cap = units.within("backoff", units.backoff, backoff)
        policy = replace(policy, base=base, cap=cap)
    if give_up_after is not None:
        policy = replace(policy, give_up_after=units.within("give_up_after", units.duration,
                                                            give_up_after))
    return policy
