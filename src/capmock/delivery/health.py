"""What is wrong with the target, said at once and kept up to date from the attempts.

:class:`TargetHealth` is fed every attempt (``on_attempt``); it returns a line such as
``target refuses connections (3 attempts, next in 4 s) — is your consumer running?``, and
says whether the target's state changed (refusing, timing out, answering an error status,
answering again), so a terminal can show the latest line and a log a line per change.
:func:`probe` checks once, before anything is sent, that something listens at the target.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from capmock.delivery.secrets import redact_url
from capmock.delivery.types import Attempt, human_duration, plural

REFUSED = "is your consumer running?"


@dataclass(frozen=True, slots=True)
class Report:
    line: str
    changed: bool  # the target's state is not what it was at the previous attempt
    bad: bool


def _state(a: Attempt) -> str | None:
    """The target's state an attempt shows; None when it says nothing about the target
    (a final 4xx is about that event, not the target)."""
    if a.status is not None:
        if 200 <= a.status < 300:
            return "ok"
        if a.outcome == "retrying" or a.status == 429 or a.status >= 500:
            return f"HTTP {a.status}"
        return None
    error = (a.error or "").lower()
    if "timeout" in error or "timed out" in error:
        return "timeout"
    if "refused" in error:
        return "refused"
    return f"unreachable: {a.error}"


class TargetHealth:
    def __init__(self) -> None:
        self.state = "ok"
        self.failures = 0  # consecutive failed attempts in the current state
        self._lock = threading.Lock()

    def observe(self, a: Attempt) -> Report | None:
        if a.kind != "send":
            return None
        state = _state(a)
        if state is None:
            return None
        with self._lock:
            previous, failed_before = self.state, self.failures
            changed = state != previous
            self.state = state
            self.failures = 0 if state == "ok" else (1 if changed else self.failures + 1)
            if state == "ok":
                if not changed:
                    return None
                after = plural(failed_before, "failed attempt")
                return Report(f"target answers again (after {after})", True, False)
            return Report(self._line(state, a), changed, True)

    def _line(self, state: str, a: Attempt) -> str:
        tries = plural(self.failures, "attempt")
        if a.outcome == "retrying":
            tail = f"{tries}, next in {human_duration(a.wait)}"
        else:
            tail = f"{tries}, given up"
        if state == "refused":
            return f"target refuses connections ({tail}) — {REFUSED}"
        if state == "timeout":
            return f"target does not answer in time ({tail})"
        if state.startswith("unreachable"):
            return f"target {state} ({tail}) — {REFUSED}"
        return f"target answers {state} ({tail})"


def probe(url: str, timeout: float = 2.0) -> str | None:
    """One line saying why nothing can be delivered to ``url`` (refused, unresolvable,
    no answer to a TCP connect), or None when something listens there."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None  # not a URL: the delivery's own check says so
    if not host:
        return None
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except ConnectionRefusedError:
        return f"target {redact_url(url)} refuses connections — {REFUSED}"
    except TimeoutError:
        return f"target {redact_url(url)} does not accept a connection within {timeout:g} s"
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return f"target {redact_url(url)} is unreachable ({reason}) — {REFUSED}"
