"""Step: update_card."""

from __future__ import annotations

from capmock.model import cards
from capmock.model.entities import Customer
from capmock.scenario.steps.base import Args, Result, Session, handler, need


@handler("update_card")
def update_card(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    return [cards.update(s.world, c, str(args.get("status", "SUSPENDED")))], None
