"""Steps: link_partner, update_partner, delink_partner, partner_expiry_reminder."""

from __future__ import annotations

from capmock.model import partners
from capmock.model.entities import Customer
from capmock.scenario.steps.base import Args, Result, Session, handler, need


def _partner(s: Session, customer: Customer | None, args: Args, event: str) -> Result:
    c = need(customer)
    name = str(args.get("partner", "Airline Miles"))
    return [partners.change(s.world, c, name, event)], None


@handler("link_partner")
def link_partner(s: Session, customer: Customer | None, args: Args) -> Result:
    return _partner(s, customer, args, partners.LINKED)


@handler("update_partner")
def update_partner(s: Session, customer: Customer | None, args: Args) -> Result:
    return _partner(s, customer, args, partners.UPDATED)


@handler("delink_partner")
def delink_partner(s: Session, customer: Customer | None, args: Args) -> Result:
    return _partner(s, customer, args, partners.DELINKED)


@handler("partner_expiry_reminder")
def partner_expiry_reminder(s: Session, customer: Customer | None, args: Args) -> Result:
    return _partner(s, customer, args, partners.REMINDED)
