"""The catalog of Capillary events: one module per domain, each exporting ``EVENTS``."""

from __future__ import annotations

import importlib
from functools import cache

from capmock.catalog import common
from capmock.catalog.fields import Node
from capmock.catalog.registry import EventDef
from capmock.errors import UnknownEventError

DOMAINS = (
    "customer",
    "transaction",
    "points",
    "points_expiry",
    "points_adjust",
    "coupon",
    "tier",
    "partner",
    "reward",
    "reward_transaction",
    "card",
    "request",
    "target",
    "target_period",
    "streak",
    "badge",
    "currency",
    "currency_conversion",
    "promotion",
    "cart_promotion",
    "group",
    "communication",
)


@cache
def catalog() -> dict[str, EventDef]:
    """All events by name, in domain order."""
    out: dict[str, EventDef] = {}
    for domain in DOMAINS:
        module = importlib.import_module(f"capmock.catalog.{domain}")
        for event in module.EVENTS:
            if event.name in out:
                raise RuntimeError(f"event {event.name} defined twice")
            out[event.name] = event
    return out


@cache
def shared_defs() -> dict[str, Node]:
    """Shared definitions: ``common.DEFS`` plus any ``DEFS`` a domain module declares."""
    out: dict[str, Node] = dict(common.DEFS)
    for domain in DOMAINS:
        module = importlib.import_module(f"capmock.catalog.{domain}")
        for name, node in getattr(module, "DEFS", {}).items():
            if name in out:
                raise RuntimeError(f"shared definition {name} defined twice")
            out[name] = node
    return out


def get(name: str) -> EventDef:
    """The event called ``name``; a name differing only in case finds it too (the docs
    spell ``issuedalternateCurrenciesReversed`` both ways)."""
    events = catalog()
    if name in events:
        return events[name]
    folded = [e for e in events if e.lower() == name.lower()]
    if len(folded) == 1:
        return events[folded[0]]
    raise UnknownEventError(name, events)


def names() -> list[str]:
    return list(catalog())


__all__ = ["DOMAINS", "EventDef", "catalog", "get", "names", "shared_defs"]
