"""Requests (goodwill, transaction, status change…) and their workflow."""

from __future__ import annotations

from capmock.model.entities import Customer
from capmock.model.world import Emission, Facts, World


def updated(world: World, c: Customer | None, kind: str, status: str) -> Emission:
    facts = {
        "request_id": world.ids.next("request"),
        "type": kind.upper(),
        "status": status.upper(),
    }
    return world.emission("requestUpdated", c, facts)


def workflow(world: World, c: Customer | None, status: str, kind: str | None) -> Emission:
    facts: Facts = {"status": status.upper()}
    if kind is not None:
        facts["request_type"] = kind
    return world.emission("requestWorkflowEvent", c, facts)
