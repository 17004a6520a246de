"""Time passing: expiries and promised-point conversions at their own moments.

A heap of (due moment, customer id) in the world lets ``advance`` visit only the
customers that have something due.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from capmock.model import points
from capmock.model.customers import CustomerState
from capmock.model.world import Emission, World


def _next_due(st: CustomerState | None) -> int | None:
    if st is None:
        return None
    moments = [m for acc in st.accounts.values() if (m := acc.next_due_ms()) is not None]
    return min(moments, default=None)


def _refresh(world: World) -> None:
    """Index the next due moment of every customer touched since the last look; a moment
    already indexed is not pushed again, so the heap holds about one entry a customer."""
    due = world.due
    for st in world.touched:
        st.touched = False
        moment = _next_due(st)
        if moment is not None and moment != st.due_ms:
            heapq.heappush(due, (moment, st.customer.customer_id))
        st.due_ms = moment
    world.touched.clear()
    if len(due) > 2 * len(world.states) + 64:  # mostly stale entries: keep the live ones
        world.due = [(st.due_ms, cid) for cid, st in world.states.items() if st.due_ms is not None]
        heapq.heapify(world.due)


def advance(world: World, ms: int) -> Iterator[Emission]:
    """Move the clock forward; expiries and conversions happen at their own moments, in
    time order, visiting only the customers that have something due."""
    until = world.now_ms + max(ms, 0)
    _refresh(world)
    while world.due and world.due[0][0] <= until:
        moment, cid = heapq.heappop(world.due)
        st = world.states.get(cid)
        if st is None or _next_due(st) != moment:
            continue  # stale: the customer's ledger changed and was indexed again
        st.due_ms = None  # this entry is used up; _refresh indexes what comes next
        world.now_ms = max(world.now_ms, moment)
        customer = st.customer
        yield from points.convert_promised(world, customer)
        yield from points.expire_due(world, customer)
        _refresh(world)
    world.now_ms = until
