"""Step: earn_badge."""

from __future__ import annotations

from capmock.model import badges
from capmock.model.entities import Customer
from capmock.scenario.steps.base import Args, Result, Session, handler, need


@handler("earn_badge")
def earn_badge(s: Session, customer: Customer | None, args: Args) -> Result:
    name = str(args.get("badge", "Early bird"))
    return [badges.earn(s.world, need(customer), name)], name
