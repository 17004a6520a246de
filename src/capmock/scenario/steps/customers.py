"""Steps: enrol, update_customer, merge_customers."""

from __future__ import annotations

from capmock.model import membership
from capmock.model.entities import Customer
from capmock.scenario.steps.base import Args, Result, Session, handler, named, need

PROFILE = ("first_name", "last_name", "mobile", "email")


def _profile(args: Args) -> dict[str, str]:
    return {k: str(args[k]) for k in PROFILE if k in args}


@handler("enrol")
def enrol(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    source = str(args["source"]) if "source" in args else None
    return [membership.enrol(s.world, c, _profile(args), source)], c


@handler("update_customer")
def update_customer(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    return [membership.update(s.world, c, _profile(args))], c


@handler("merge_customers")
def merge_customers(s: Session, customer: Customer | None, args: Args) -> Result:
    survivor = need(customer)
    return [membership.merge(s.world, survivor, named(s, args["victim"]))], survivor
