"""Step handlers: scenario arguments in, model operations, emissions and a result out.

Each handler is ``(player, customer, args) -> (emissions, result)``; ``result`` is what
``as: name`` refers to later (a bill, a redemption, a coupon…).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from capmock.catalog import transaction
from capmock.errors import CapmockError, Rejected
from capmock.model import groups, ops
from capmock.model.entities import Customer
from capmock.model.world import Bill, Emission, Redemption
from capmock.scenario.validate import duration_ms

if TYPE_CHECKING:
    from capmock.scenario.player import Player

Result = tuple[list[Emission], Any]
Handler = Callable[["Player", Customer | None, dict[str, Any]], Result]

HANDLERS: dict[str, Handler] = {}

__all__ = ["HANDLERS", "Rejected"]


def handler(name: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        HANDLERS[name] = func
        return func

    return register


def need(customer: Customer | None) -> Customer:
    if customer is None:
        raise CapmockError("which customer? add `customer:` (or run the step in a for_each)")
    return customer


def enrolled(player: Player, customer: Customer) -> None:
    if not player.world.state(customer).enrolled:
        raise Rejected(
            f"customer {customer.customer_id} is not enrolled yet", hint="add an `enrol` step first"
        )


# ---- customers ---------------------------------------------------------------------------


@handler("enrol")
def enrol(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    st = player.world.state(c)
    if st.enrolled:
        raise Rejected(f"customer {c.customer_id} is already enrolled")
    if args:  # a crowd's enrol has none
        for key in ("first_name", "last_name", "mobile", "email"):
            if key in args:
                setattr(c, key, str(args[key]))
        if "email" not in args and ("first_name" in args or "last_name" in args):
            c.email = player.fake.email(c.first_name, c.last_name)
        if "source" in args:
            c.source = str(args["source"]).upper()
    st.enrolled = True
    return [player.world.emission("customerAdded", c, {"source": c.source})], c


@handler("update_customer")
def update_customer(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    enrolled(player, c)
    names = {
        "first_name": "firstName",
        "last_name": "lastName",
        "email": "email",
        "mobile": "mobile",
    }
    changes = []
    for key, wire in names.items():
        if key in args:
            changes.append((wire, getattr(c, key), str(args[key])))
            setattr(c, key, str(args[key]))
    return [player.world.emission("customerUpdated", c, {"changes": changes})], c


# ---- transactions ------------------------------------------------------------------------

KIND_EVENTS = {
    "regular": "transactionAdded",
    "not_interested": "notInterestedBillAdded",
    "retro": "retroBillAdded",
    "rejected": "transactionRejected",
}


def _amount(player: Player, args: dict[str, Any]) -> float:
    if "amount" in args:
        return float(args["amount"])
    return player.fake.money(200, 8000)


@handler("transact")
def transact(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    kind = str(args.get("kind", "regular"))
    if kind not in KIND_EVENTS:
        from capmock.errors import did_you_mean

        raise CapmockError(
            f"unknown transaction kind '{kind}'",
            hint=f"did you mean '{did_you_mean(kind, KIND_EVENTS) or 'regular'}'?",
        )
    amount = _amount(player, args)
    if amount <= 0:
        raise CapmockError("amount must be more than 0")
    world = player.world
    discount = float(args.get("discount", 0))
    bill = ops.new_bill(world, c, amount, args.get("items"), discount, kind)
    if "currency" in args:
        bill.facts["currency"] = str(args["currency"])
    bill.facts["line_items"] = transaction.basket(
        player.fake, amount + discount, discount, args.get("items"), bill.facts["currency"]
    )
    first = world.emission(KIND_EVENTS[kind], c, dict(bill.facts))
    first.store = bill.store
    if kind == "rejected":
        if args.get("reason"):
            first.facts["rejection_reason"] = str(args["reason"])
        return [first], bill
    if kind == "not_interested":
        return [first], bill
    enrolled(player, c)
    return [first, *consequences(player, c, bill, bool(args.get("promised")))], bill


def consequences(player: Player, c: Customer, bill: Bill, promised: bool) -> list[Emission]:
    """What a purchase sets off: points, tier, promotions, targets, streaks."""
    world = player.world
    program = world.org.default_program
    st = world.state(c)
    st.spend += bill.amount
    st.visits += 1
    earned: list[Emission] = []
    promotional: list[dict[str, Any]] = []
    if world.promotions:
        from capmock.scenario import steps_more

        earned, promotional = steps_more.promotions_on_bill(player, c, bill)
    issued = ops.issue_for_bill(world, c, bill, program, promotional, promised)
    issued.store = bill.store
    out = [issued] if issued.facts["points"] > 0 else []  # no points, no pointsIssued
    out += ops.reassess_tier(world, c, program, allow_down=False, trigger=ops.bill_trigger(bill))
    if groups.any_groups(world):  # a member's points go to their group's wallet too
        expiry = world.date(program.expiry_days)
        ref = (bill.transaction_id, bill.bill_number)
        out += groups.contribute(world, c, bill.points + bill.promotional, expiry, ref)
    out += earned
    if world.org.targets or world.org.streaks:
        from capmock.scenario import steps_extra

        out += steps_extra.targets_on_bill(player, c, bill)
        out += steps_extra.streaks_on_bill(player, c, bill)
    return out


def bill_ref(player: Player, name: Any) -> Bill:
    return player.ref(name, Bill)


@handler("return")
def return_(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    bill = bill_ref(player, args["bill"])
    c = customer or _owner(player, bill.customer_id)
    if bill.customer_id != c.customer_id:
        raise Rejected(f"bill {bill.bill_number} belongs to another customer")
    if bill.returned >= bill.amount:
        raise Rejected(f"bill {bill.bill_number} was already returned in full")
    amount = float(args["amount"]) if "amount" in args else None
    ret, emissions = ops.return_bill(player.world, c, bill, amount)
    items = bill.facts.get("line_items") or []
    ret.facts["line_items"] = transaction.returned_part(items, ret.amount)
    ret.facts["original_bill"]["line_items"] = items
    return emissions, ret


def _owner(player: Player, customer_id: int) -> Customer:
    return player.world.states[customer_id].customer


@handler("update_transaction")
def update_transaction(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    bill = bill_ref(player, args["bill"])
    c = customer or _owner(player, bill.customer_id)
    facts = {**bill.facts, "delivery_status": str(args.get("status", "DELIVERED")).upper()}
    emission = player.world.emission("transactionUpdated", c, facts)
    emission.store = bill.store
    return [emission], bill


@handler("retrigger")
def retrigger(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    bill = bill_ref(player, args["bill"])
    c = customer or _owner(player, bill.customer_id)
    if bill.kind != "rejected":
        raise Rejected(f"bill {bill.bill_number} was not rejected")
    bill.kind = "regular"
    first = player.world.emission("rejectedTransactionRetrigger", c, {**bill.facts, "passed": True})
    enrolled(player, c)
    return [first, *consequences(player, c, bill, False)], bill


# ---- points ------------------------------------------------------------------------------


@handler("redeem_points")
def redeem_points(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    enrolled(player, c)
    points = float(args["points"])
    if points <= 0:
        raise CapmockError("points must be more than 0")
    redemption, emission = ops.redeem(player.world, c, points)
    return [emission], redemption


@handler("reverse_redemption")
def reverse_redemption(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    redemption = player.ref(args["redemption"], Redemption)
    c = customer or _owner(player, redemption.customer_id)
    return [ops.reverse_redemption(player.world, c, redemption)], redemption


@handler("award_points")
def award_points(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    enrolled(player, c)
    emission = ops.award(
        player.world, c, float(args["points"]), str(args.get("reason", "Goodwill"))
    )
    program = player.world.org.default_program
    return [emission, *ops.reassess_tier(player.world, c, program, allow_down=False)], None


@handler("expire_points")
def expire_points(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    return ops.expire_due(player.world, c, force=bool(args.get("all"))), None


@handler("points_expiry_reminder")
def points_expiry_reminder(
    player: Player, customer: Customer | None, args: dict[str, Any]
) -> Result:
    c = need(customer)
    within = duration_ms(args.get("within", "30d")) or 30 * 86_400_000
    return [ops.expiry_reminder(player.world, c, within)], None


@handler("promised_to_current")
def promised_to_current(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    emissions = ops.convert_promised(player.world, c, force=True)
    if not emissions:
        raise Rejected("the customer has no promised points to convert")
    return emissions, None


@handler("update_points_expiry")
def update_points_expiry(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    world = player.world
    program = world.org.default_program
    acc = world.account(c, program)
    if not acc.lots:
        raise Rejected("the customer has no points whose expiry could change")
    lot = min(acc.lots, key=lambda lot: lot.expiry_ms)
    new = str(args["date"])
    new_ms = ops.parse_date_ms(new)
    if new_ms <= world.now_ms:
        raise Rejected(f"new expiry {new} is not in the future")
    update = {
        "programId": program.id,
        "points": lot.points,
        "pointsType": "PROMOTIONAL" if lot.kind == "promotional" else "REGULAR",
        "oldExpiryDate": ops.date_str(lot.expiry_ms),
        "newExpiryDate": new,
    }
    lot.expiry_ms = new_ms
    emission = world.emission(
        "singlePointsExpiryUpdated", c, {"updates": [update], "new_expiry": new}
    )
    return [emission], None


@handler("transfer_points")
def transfer_points(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    sender = need(customer)
    receiver = player.named.get(str(args["to"]))
    if receiver is None:
        raise CapmockError(f"unknown customer '{args['to']}'")
    if receiver.customer_id == sender.customer_id:
        raise Rejected("a customer cannot transfer points to themselves")
    enrolled(player, sender)
    enrolled(player, receiver)
    world = player.world
    program = world.org.default_program
    points = float(args["points"])
    world.account(sender, program).transfer_out(points)
    expiry = world.date(program.expiry_days)
    world.account(receiver, program).issue(
        "regular", points, world.now_ms, expiry, f"transfer:{sender.customer_id}"
    )
    out = [
        world.emission(
            "pointsTransferredInitiated",
            sender,
            {"points": points, "counterpart": receiver, **world.balances(sender, program)},
            program,
        ),
        world.emission(
            "pointsTransferredReceived",
            receiver,
            {"points": points, "counterpart": sender, **world.balances(receiver, program)},
            program,
        ),
    ]
    out += ops.reassess_tier(world, receiver, program, allow_down=False)
    return out, None


@handler("merge_customers")
def merge_customers(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    survivor = need(customer)
    victim = player.named.get(str(args["victim"]))
    if victim is None or victim.customer_id == survivor.customer_id:
        raise Rejected("merge needs two different customers")
    world = player.world
    vs = world.state(victim)
    if vs.merged_into is not None:
        raise Rejected(f"customer {victim.customer_id} was already merged")
    ss = world.state(survivor)
    for pid, acc in vs.accounts.items():
        ss.accounts[pid].absorb(acc)
    ss.spend += vs.spend
    vs.merged_into = survivor.customer_id
    program = world.org.default_program
    tier = max(survivor.tiers.get(program.id, 1), victim.tiers.get(program.id, 1))
    survivor.tiers[program.id] = tier
    facts = {
        "victim_id": victim.customer_id,
        "tier": tier,
        "promised": ss.accounts[program.id].promised_total,
        **world.balances(survivor, program),
    }
    return [world.emission("loyaltyCustomerMerge", survivor, facts, program)], survivor


@handler("issue_alternate_currency")
def issue_alternate(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    enrolled(player, c)
    world = player.world
    name = str(args.get("currency", "stars"))
    amount = float(args["amount"])
    st = world.state(c)
    st.alternate[name] = st.alternate.get(name, 0.0) + amount
    issue = {
        "id": world.ids.next("issual"),
        "customer_id": c.customer_id,
        "name": name,
        "amount": amount,
        "reversed": False,
    }
    facts = {
        "currencies": [
            {
                "name": name,
                "regular": amount,
                "promotional": [],  # none made up: the balance counts only `amount`
                "current": st.alternate[name],
                "lifetime": st.alternate[name],
            }
        ]
    }
    return [world.emission("alternateCurrenciesIssued", c, facts)], issue


@handler("reverse_alternate_currency")
def reverse_alternate(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    issue = player.ref(args["issue"], dict)
    if issue.get("reversed"):
        raise Rejected("that alternate-currency issue was already reversed")
    c = customer or _owner(player, issue["customer_id"])
    st = player.world.state(c)
    name = issue["name"]
    st.alternate[name] = round(st.alternate.get(name, 0.0) - issue["amount"], 2)
    issue["reversed"] = True
    facts = {
        "currencies": [
            {
                "name": name,
                "regular": issue["amount"],
                "promotional": [],  # the issue had none
                "current": st.alternate[name],
                "lifetime": st.alternate[name],
            }
        ]
    }
    return [player.world.emission(REVERSED_ALT, c, facts)], issue


REVERSED_ALT = "issuedalternateCurrenciesReversed"


@handler("update_card")
def update_card(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    st = player.world.state(c)
    previous, st.card_status = st.card_status, str(args.get("status", "SUSPENDED")).upper()
    facts = {
        "card_number": c.card_number,
        "previous_status": previous,
        "current_status": st.card_status,
    }
    return [player.world.emission("cardUpdated", c, facts)], None


# ---- anything ----------------------------------------------------------------------------

# Events whose numbers the model owns: an `emit` of one of them goes through the model.
MODEL_EVENTS = {
    "pointsIssued": "award_points",
    "pointsRedeemed": "redeem_points",
    "pointsExpired": "expire_points",
    "pointsExpiryReminder": "points_expiry_reminder",
    "promisedToCurrentPointsConversion": "promised_to_current",
    "tierUpgraded": "tier_upgrade",
    "tierDowngraded": "tier_downgrade",
    "tierRenewed": "tier_renew",
    "tierDowngradeReminder": "tier_downgrade_reminder",
    "customerAdded": "enrol",
    "customerUpdated": "update_customer",
    "cardUpdated": "update_card",
    "transactionAdded": "transact",
    "manualPointsAdjustment": "adjust_points",
    "pointsExpiryChange": "change_points_expiry",
    "promisedToCurrentAlternateCurrencyConversion": "convert_alternate_currency",
}


@handler("emit")
def emit(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    """Any catalog event; model-owned events run through their step so numbers agree."""
    event = str(args["event"])
    fields = dict(args.get("fields") or {})
    facts = dict(args.get("facts") or {})
    step = MODEL_EVENTS.get(event)
    if step is not None:
        emissions, result = HANDLERS[step](player, customer, model_args(event, facts))
        for e in emissions:
            if e.event == event:
                e.overrides = fields or None
        return emissions, result
    emission = player.world.emission(event, customer, facts)
    emission.overrides = fields or None
    return [emission], None


def model_args(event: str, facts: dict[str, Any]) -> dict[str, Any]:
    """Step arguments from an emit's facts for a model-owned event."""
    defaults: dict[str, dict[str, Any]] = {
        "pointsIssued": {"points": 100},
        "pointsRedeemed": {"points": 50},
        "pointsExpired": {"all": True},
        "tierUpgraded": {},
        "tierDowngraded": {},
        "manualPointsAdjustment": {"points": 100},
        "pointsExpiryChange": {"extend": "30d"},
    }
    args = dict(defaults.get(event, {}))
    args.update(facts)
    return args
