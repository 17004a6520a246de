"""Steps: target_progress, target_unachieved."""

from __future__ import annotations

from capmock.model import targets
from capmock.model.entities import Customer
from capmock.scenario.steps.base import Args, Result, Session, handler, need


@handler("target_progress")
def target_progress(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    target = targets.find(s.org.targets, str(args["target"]), "target")
    return targets.progress(s.world, c, target, float(args["value"])), None


@handler("target_unachieved")
def target_unachieved(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    target = targets.find(s.org.targets, str(args["target"]), "target")
    return [targets.unachieved(s.world, c, target)], None
