"""Event definitions and rendering of their ``data`` bodies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar

from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import Arr, Node, Nullable, Obj
from capmock.errors import CapmockError, did_you_mean

Builder = Callable[[Ctx, Facts], dict[str, Any]]
Ref = Callable[[dict[str, Any]], Any]
B = TypeVar("B", bound=Builder)


class UnknownFactError(CapmockError):
    """A fact the event's builder does not read: misspelt, or meant for another event."""


def reads(*names: str) -> Callable[[B], B]:
    """Declare, beside a builder, the fact names it reads (each string one or more names,
    separated by spaces); EventDef takes them from it.

    Rendering with any other fact name is an error (:class:`UnknownFactError`), so a
    misspelt fact cannot silently turn into made-up data."""

    declared = frozenset(word for group in names for word in group.split())

    def declare(build: B) -> B:
        setattr(build, "facts", declared)  # noqa: B010 - a function attribute
        return build

    return declare


# ``EventDef.ref`` values for events whose refId is ``<orgId>_<apiRequestId>``: the
# envelope's own apiRequestId, as drawn (32 hex digits) or in the 8-4-4-4-12 UUID shape.
REQUEST_ID = "apiRequestId"
REQUEST_UUID = "apiRequestId as UUID"


@dataclass(frozen=True)
class EventDef:
    """One Capillary event: its name, domain, body declaration and body builder.

    ``ref`` picks the value after ``<orgId>_`` in ``refId`` from the built body, or is
    REQUEST_ID / REQUEST_UUID (the event's apiRequestId); when None the loyaltyEventId
    is used. ``loyalty_event_id`` says whether Capillary sends one.
    """

    name: str
    domain: str
    data: Obj
    build: Builder
    description: str = ""
    ref: Ref | str | None = None
    loyalty_event_id: bool = True
    facts: frozenset[str] = field(default=frozenset(), compare=False)  # what build reads

    def __post_init__(self) -> None:
        if not self.facts:
            object.__setattr__(self, "facts", getattr(self.build, "facts", frozenset()))

    def check_facts(self, facts: Facts) -> None:
        """Raise UnknownFactError for a fact name this event's builder does not read."""
        unknown = facts.keys() - self.facts
        if not unknown:
            return
        name = min(unknown)
        guess = did_you_mean(name, self.facts)
        known = ", ".join(sorted(self.facts)) or "none"
        raise UnknownFactError(
            f"{self.name} has no fact '{name}'",
            hint=f"did you mean '{guess}'?" if guess else f"its facts: {known}",
        )

    def render(self, ctx: Ctx, facts: Facts | None = None) -> dict[str, Any]:
        if facts:
            self.check_facts(facts)
        body = self.build(ctx, dict(facts or {}))
        if ctx.options.tz_millis:
            add_millis(self.data, body)
        return body


def _to_millis(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        return _text_millis(value[:19])
    return None


@lru_cache(maxsize=4096)
def _text_millis(text: str) -> int | None:
    """Epoch ms of a UTC date or date-time string; None when it is neither."""
    for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            stamp = datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
        return int(stamp.timestamp() * 1000)
    return None


def add_millis(node: Node, value: Any) -> None:
    """Add ``<field>InMillis`` companions wherever the declaration asks for them."""
    if isinstance(node, Nullable):
        add_millis(node.inner, value)
    elif isinstance(node, Arr) and node.items is not None and isinstance(value, list):
        for item in value:
            add_millis(node.items, item)
    elif isinstance(node, Obj) and isinstance(value, dict):
        for name, f in node.fields.items():
            if name not in value:
                continue
            if f.tz_millis and f"{name}InMillis" not in value:
                millis = _to_millis(value[name])
                if millis is not None:
                    value[f"{name}InMillis"] = millis
            add_millis(f.node, value[name])
