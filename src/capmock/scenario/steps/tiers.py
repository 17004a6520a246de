"""Steps: tier_upgrade, tier_downgrade, tier_renew, tier_downgrade_reminder."""

from __future__ import annotations

from capmock.model import tiers
from capmock.model.entities import Customer
from capmock.model.membership import require_enrolled
from capmock.scenario.steps.base import Args, Result, Session, handler, need


def _move(s: Session, customer: Customer | None, args: Args, up: bool) -> Result:
    c = need(customer)
    require_enrolled(s.world, c)
    return tiers.manual(s.world, c, args.get("tier"), up=up), None


@handler("tier_upgrade")
def tier_upgrade(s: Session, customer: Customer | None, args: Args) -> Result:
    return _move(s, customer, args, True)


@handler("tier_downgrade")
def tier_downgrade(s: Session, customer: Customer | None, args: Args) -> Result:
    return _move(s, customer, args, False)


@handler("tier_renew")
def tier_renew(s: Session, customer: Customer | None, args: Args) -> Result:
    return [tiers.renew(s.world, need(customer))], None


@handler("tier_downgrade_reminder")
def tier_downgrade_reminder(s: Session, customer: Customer | None, args: Args) -> Result:
    return [tiers.downgrade_reminder(s.world, need(customer))], None
