"""One root error for everything capmock reports to a user; subclasses carry data."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice to ``word`` (case-insensitive), or None."""
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


class CapmockError(Exception):
    """An error meant for the user: one line, no traceback. ``exit_code`` for the CLI."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class UsageError(CapmockError):
    """Bad arguments or options (exit 2)."""


def check_choice(value: str, choices: tuple[str, ...], what: str) -> str:
    """``value`` if it is one of ``choices``; else a UsageError naming the nearest."""
    if value in choices:
        return value
    guess = did_you_mean(value, choices)
    raise UsageError(
        f"unknown {what} '{value}'",
        hint=f"did you mean '{guess}'?" if guess else f"use {', '.join(choices)}",
    )


class UnknownEventError(UsageError):
    def __init__(self, name: str, known: Iterable[str]) -> None:
        guess = did_you_mean(name, known)
        super().__init__(
            f"unknown event '{name}'", hint=f"did you mean '{guess}'?" if guess else None
        )
        self.name = name
        self.suggestion = guess


class InputError(CapmockError):
    """A problem in a user's file, with its location (exit 2)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.file, self.line, self.column, self.field = file, line, column, field
        where = ":".join(str(p) for p in (file, line, column) if p is not None)
        prefix = f"{where}: " if where else ""
        at = f"{field}: " if field else ""
        super().__init__(f"{prefix}{at}{message}", hint=hint)


class ScenarioError(InputError):
    """A scenario that cannot be loaded or played (bad step, unknown reference…)."""


class DeliveryError(CapmockError):
    """Delivery could not proceed at all (e.g. an unusable target); exit 1."""

    exit_code = 1


class Rejected(CapmockError):
    """The loyalty model refuses a step (overdraw, unknown coupon, already reversed…)."""
