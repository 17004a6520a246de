"""Steps: transact, return, update_transaction, retrigger."""

from __future__ import annotations

from capmock.catalog import basket
from capmock.model import transactions
from capmock.model.entities import Customer
from capmock.model.world import Bill
from capmock.scenario.steps.base import Args, Result, Session, handler, need, owner, ref


@handler("transact")
def transact(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    amount = float(args["amount"]) if "amount" in args else None
    currency = str(args["currency"]) if "currency" in args else None
    discount, items = float(args.get("discount", 0)), args.get("items")
    kind = str(args.get("kind", "regular"))
    bill = transactions.open_bill(s.world, c, kind, amount, items, discount, currency)
    currency = bill.facts["currency"]
    bill.facts["line_items"] = basket.basket(s.fake, bill.gross, discount, items, currency)
    reason = str(args["reason"]) if args.get("reason") else None
    promised = bool(args.get("promised"))
    return transactions.record(s.world, c, bill, reason=reason, promised=promised), bill


@handler("return")
def return_(s: Session, customer: Customer | None, args: Args) -> Result:
    bill = ref(s, args["bill"], Bill)
    c = owner(s, customer, bill.customer_id)
    amount = float(args["amount"]) if "amount" in args else None
    ret, emissions = transactions.return_bill(s.world, c, bill, amount)
    items = bill.facts.get("line_items") or []
    ret.facts["line_items"] = basket.returned_part(items, ret.amount)
    ret.facts["original_bill"]["line_items"] = items
    return emissions, ret


@handler("update_transaction")
def update_transaction(s: Session, customer: Customer | None, args: Args) -> Result:
    bill = ref(s, args["bill"], Bill)
    c = owner(s, customer, bill.customer_id)
    return [transactions.update(s.world, c, bill, str(args.get("status", "DELIVERED")))], bill


@handler("retrigger")
def retrigger(s: Session, customer: Customer | None, args: Args) -> Result:
    bill = ref(s, args["bill"], Bill)
    return transactions.retrigger(s.world, owner(s, customer, bill.customer_id), bill), bill
