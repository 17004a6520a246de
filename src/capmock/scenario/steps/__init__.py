"""Step handlers: thin adapters from scenario arguments to the model, one module per domain.

The registry and ``@handler`` are in :mod:`.base`; importing this package registers every
handler (a new domain module is added to the import list below).
"""

from __future__ import annotations

from capmock.scenario.steps import (  # noqa: F401 - each module registers its handlers
    badges,
    cards,
    coupons,
    currency,
    customers,
    emit,
    engage,
    groups,
    partners,
    points,
    promotions,
    requests,
    rewards,
    streaks,
    targets,
    tiers,
    transactions,
)
from capmock.scenario.steps.base import HANDLERS, Handler, Rejected, Result, Session, handler

__all__ = ["HANDLERS", "Handler", "Rejected", "Result", "Session", "handler"]
