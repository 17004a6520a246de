"""The scenario language: top-level keys and every step, declared once.

``scenario/format_schema.py`` generates the format's JSON Schema from these declarations
(the top level, the org and the consumer block are declared there); the loader checks
every scenario against it, with line numbers and did-you-mean hints. A new step is one
``StepSpec`` in the module of its domain here and one handler in ``scenario/steps/``.
"""

from __future__ import annotations

from typing import Any

from capmock.scenario.spec import customers, engagement, flow, points, promotions, purchases
from capmock.scenario.spec.base import (
    AS,
    COMMON,
    CUST,
    KINDS,
    MAX_ADJUSTMENT,
    MAX_BULK,
    P,
    Param,
    StepSpec,
)

__all__ = [
    "AS",
    "COMMON",
    "CUST",
    "CUSTOMER_KEYS",
    "KINDS",
    "MAX_ADJUSTMENT",
    "MAX_BULK",
    "OPTION_KEYS",
    "STEPS",
    "P",
    "Param",
    "StepSpec",
    "describe",
]

# The vocabulary in its documented order (docs/scenarios.md, schemas/scenario.json).
_STEPS: list[StepSpec] = [
    *flow.CONTROL,
    *customers.PEOPLE,
    *purchases.TRANSACTIONS,
    *points.POINTS,
    *purchases.COUPONS,
    *points.TIERS,
    *promotions.LOYALTY,
    *promotions.CART,
    *engagement.ENGAGEMENT,
    *engagement.PARTNERS,
    *customers.GROUPS,
    *points.BY_HAND,
    *engagement.PERIODS,
    *engagement.MESSAGES,
    *engagement.FULFILMENT,
    *points.CURRENCY,
    *flow.CONSUMER,
]

STEPS: dict[str, StepSpec] = {s.name: s for s in _STEPS}

OPTION_KEYS = {"enrich", "tz_millis", "trace", "fields"}
CUSTOMER_KEYS = {"crowd", "first_name", "last_name", "mobile", "email", "tier"}


def describe() -> dict[str, Any]:
    """The vocabulary as plain data (for docs and `capmock scenarios --steps`)."""
    return {
        name: {
            "doc": s.doc,
            "params": {p.name: {"kind": p.kind, "required": p.required} for p in s.params},
            "emits": list(s.emits),
        }
        for name, s in STEPS.items()
    }
