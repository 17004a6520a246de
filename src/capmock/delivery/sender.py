"""HTTP POST of planned events, one attempt at a time, retried by tenacity under a policy.

One ``requests.Session`` with a keep-alive pool sized to the connection count; headers are
built once; the only per-attempt work beyond the POST is the optional signature. The
timeout is a deadline for the whole attempt (connect, send, the full answer): see
:mod:`capmock.delivery.deadline`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import tenacity

from capmock.delivery.deadline import DeadlineAdapter, attempt_deadline
from capmock.delivery.options import DeliveryOptions, signing_key
from capmock.delivery.policy import Decision, Result, jitter_draw
from capmock.delivery.secrets import redact_url
from capmock.delivery.types import Attempt, Kind, Planned
from capmock.errors import UsageError

Sleep = Callable[[float], None]
Clock = Callable[[], float]
Record = Callable[[Attempt], None]

_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")
SNIPPET = 200  # characters of a response body kept for the journal and the log


__all__ = ["Sender", "Signer", "check_target", "redact_url"]


def check_target(target: str) -> str:
    try:
        parts = urlsplit(target)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise UsageError(f"target '{redact_url(target)}' is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"target '{redact_url(target)}' is not an http(s) URL")
    return target


class Signer:
    """Standard Webhooks signatures: ``webhook-id`` is the eventId (stable across retries)."""

    def __init__(self, secret: str) -> None:
        self._key = signing_key(secret)

    def headers(self, msg_id: str, body: bytes, timestamp: int) -> dict[str, str]:
        stamp = str(timestamp)
        mac = hmac.new(self._key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256)
        return {
            "webhook-id": msg_id,
            "webhook-timestamp": stamp,
            "webhook-signature": "v1," + base64.b64encode(mac.digest()).decode(),
        }


def _describe_error(exc: requests.RequestException) -> Result:
    text = str(exc)
    if isinstance(exc, requests.Timeout) or "timed out" in text:
        return Result(error="timeout", kind="timeout")
    if isinstance(exc, requests.ConnectionError):
        match = _ERRNO.search(text)
        reason = match.group(1).strip().lower() if match else "connection error"
        if "RemoteDisconnected" in text or "Connection aborted" in text:
            reason = "connection closed without a response"
        return Result(error=reason, kind="connection")
    return Result(error=type(exc).__name__, kind="other")


@dataclass(slots=True)
class _Call:
    """Per-event state of one retry loop."""

    planned: Planned
    started: float
    number: int


class Sender:
    """Posts events to ``target``; :meth:`send` runs the retry loop, :meth:`once` one attempt."""

    def __init__(
        self,
        target: str,
        options: DeliveryOptions,
        *,
        record: Record,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
        wall: Clock = time.time,
    ) -> None:
        self.target = check_target(target)
        self.options = options
        self.policy = options.policy
        self.record = record
        self.sleep, self.clock, self.wall = sleep, clock, wall
        self.timeout = options.timeout
        self.signer = Signer(options.secret) if options.sign and options.secret else None
        self.headers = self._base_headers(options)
        self.session = self._session(target, options)
        adapter = DeadlineAdapter(
            pool_connections=1, pool_maxsize=options.connections, pool_block=True, max_retries=0
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.retrying = tenacity.Retrying(
            sleep=sleep,
            stop=tenacity.stop_never,  # the policy decides when to stop
            retry=self._should_retry,
            wait=self._wait,
            reraise=True,
        )

    @staticmethod
    def _base_headers(options: DeliveryOptions) -> dict[str, str]:
        return options.request_headers()

    @staticmethod
    def _session(target: str, options: DeliveryOptions) -> requests.Session:
        """A session that reads proxy / CA / netrc settings from the environment once, not on
        every request (which costs more than a loopback POST)."""
        session = requests.Session()
        env = session.merge_environment_settings(target, {}, None, None, None)
        netrc_auth = requests.utils.get_netrc_auth(target)
        session.trust_env = False
        session.proxies.update(env.get("proxies") or {})
        session.verify = env.get("verify", True)
        if netrc_auth and not (options.basic_auth or options.bearer):
            session.auth = netrc_auth
        return session

    def close(self) -> None:
        self.session.close()

    def post(self, planned: Planned) -> tuple[Result, float, float]:
        """One POST: (result, latency ms, wall-clock start)."""
        headers = self.headers
        started_wall = self.wall()
        if self.signer is not None:
            msg_id = planned.event_id or f"msg_{planned.seq}"
            headers = {**headers, **self.signer.headers(msg_id, planned.body, int(started_wall))}
        start = self.clock()
        try:
            with attempt_deadline(self.timeout):  # connect + send + the whole answer
                resp = self.session.post(
                    self.target, data=planned.body, headers=headers, timeout=self.timeout,
                    allow_redirects=False,
                )
                content = resp.content
        except requests.RequestException as exc:
            return _describe_error(exc), (self.clock() - start) * 1000.0, started_wall
        latency = (self.clock() - start) * 1000.0
        status = resp.status_code
        body = content[:SNIPPET].decode("utf-8", "replace") or None
        if 200 <= status < 300:
            return Result(status=status, body=body), latency, started_wall
        result = Result(status, None, None, resp.headers.get("Retry-After"), body)
        return result, latency, started_wall

    def _attempt(self, call: _Call) -> tuple[Attempt, Decision]:
        planned = call.planned
        result, latency, started_wall = self.post(planned)
        u = 0.0 if result.ok else jitter_draw(self.options.seed, planned.seq, call.number)
        decision = self.policy.decide(
            call.number, result, elapsed=self.clock() - call.started, now=self.wall(), u=u
        )
        if result.ok:
            error = None
        elif decision.outcome == "failed-final":
            error = decision.reason
        else:
            error = result.describe()
        attempt = Attempt(
            planned.seq, planned.event_id, call.number, "send", started_wall, result.status,
            round(latency, 3), error, decision.outcome, decision.wait, result.body,
        )
        self.record(attempt)
        call.number += 1
        return attempt, decision

    @staticmethod
    def _should_retry(state: tenacity.RetryCallState) -> bool:
        outcome = state.outcome
        if outcome is None or outcome.failed:
            return False  # a bug, not a delivery failure: let it surface
        return bool(outcome.result()[1].retry)

    @staticmethod
    def _wait(state: tenacity.RetryCallState) -> float:
        assert state.outcome is not None
        return float(state.outcome.result()[1].wait)

    def start(self, planned: Planned, first_attempt: int = 1) -> _Call:
        """The retry state of an event sent one attempt at a time with :meth:`attempt`."""
        return _Call(planned, self.clock(), first_attempt)

    def attempt(self, call: _Call) -> tuple[Attempt, Decision]:
        """One attempt of ``call``'s event and the policy's decision (no waiting)."""
        return self._attempt(call)

    def send(self, planned: Planned, first_attempt: int = 1) -> tuple[Attempt, Decision]:
        """Attempts until delivered or failed-final; returns the last attempt and decision.

        The first attempt settles most events, so it runs directly; when the policy says
        retry, tenacity runs the rest of the loop (waits through the injected ``sleep``).
        """
        call = _Call(planned, self.clock(), first_attempt)
        attempt, decision = self._attempt(call)
        if not decision.retry:
            return attempt, decision
        self.sleep(decision.wait)
        attempt, decision = self.retrying(self._attempt, call)
        return attempt, decision

    def once(self, planned: Planned, kind: Kind = "duplicate", number: int = 1) -> Attempt:
        """A single attempt, not retried (a deliberate duplicate)."""
        result, latency, started_wall = self.post(planned)
        attempt = Attempt(
            planned.seq, planned.event_id, number, kind, started_wall, result.status,
            round(latency, 3), None if result.ok else result.describe(), "duplicate",
            response=result.body,
        )
        self.record(attempt)
        return attempt

