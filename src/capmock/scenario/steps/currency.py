"""Steps: issue_alternate_currency, reverse_alternate_currency."""

from __future__ import annotations

from capmock.model import currency
from capmock.model.currency import CurrencyIssue
from capmock.model.entities import Customer
from capmock.scenario.steps.base import Args, Result, Session, handler, need, owner, ref


@handler("issue_alternate_currency")
def issue_alternate(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    name = str(args.get("currency", "stars"))
    issued, emission = currency.issue(s.world, c, name, float(args["amount"]))
    return [emission], issued


@handler("reverse_alternate_currency")
def reverse_alternate(s: Session, customer: Customer | None, args: Args) -> Result:
    issued = ref(s, args["issue"], CurrencyIssue)
    c = owner(s, customer, issued.customer_id)
    return [currency.reverse(s.world, c, issued)], issued
