"""Render the model's emissions as Voucherify loyalty-card transactions (seed 002).

Each points-moving Capillary emission becomes one ``voucher.loyalty_card.transaction.created``
webhook; the balance after it is the model's (the emission's ``current`` fact, else its
ledger: see ``balances``), the points are the signed move. Everything else is skipped and
counted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from capmock.model.world import Emission
from capmock.vendor.voucherify import objects
from capmock.vendor.voucherify.card import Card
from capmock.vendor.voucherify.envelope import wrap
from capmock.vendor.voucherify.ids import VoucherifyIds, iso_ms

# Capillary event -> Voucherify transaction type (pointsIssued and manualPointsAdjustment
# are decided by their facts: a purchase's points are an accrual, an award an addition).
TYPES = {
    "pointsIssued": "POINTS_ACCRUAL",
    "promisedToCurrentPointsConversion": "POINTS_ACCRUAL",
    "pointsRedeemed": "POINTS_REDEMPTION",
    "issuedPointsReversed": "POINTS_REFUND",
    "redeemedPointsReversed": "POINTS_REFUND",
    "pointsExpired": "POINTS_EXPIRATION",
    "pointsTransferredInitiated": "POINTS_TRANSFER_OUT",
    "pointsTransferredReceived": "POINTS_TRANSFER_IN",
    "manualPointsAdjustment": "POINTS_ADDITION",
}


@dataclass
class Part:
    """One transaction being rendered: what its kind adds to the data and details."""

    vtx: str
    created: str
    card: Card
    points: float
    details: dict[str, Any]
    data: dict[str, Any] = field(default_factory=lambda: dict.fromkeys(objects.DATA_KEYS))
    related: str | None = None
    source: str = "Automation"
    reason: str | None = None


# Types whose facts state the points taken as a positive number
NEGATIVE = ("POINTS_REDEMPTION", "POINTS_EXPIRATION", "POINTS_TRANSFER_OUT", "POINTS_REFUND")


class VoucherifyRenderer:
    def __init__(self, seed: int, world: Any) -> None:
        self.ids = VoucherifyIds(seed)
        self.world = world
        self.skipped: Counter[str] = Counter()
        self.cards: dict[tuple[int, int], Card] = {}
        self.bills: dict[str, dict[str, Any]] = {}  # bill number -> order facts
        self.accruals: dict[str, str] = {}  # bill number -> vtx id of its accrual
        self.redemptions: dict[str, tuple[str, str]] = {}  # redemption id -> (vtx, r_ id)
        self.transfer_out: str | None = None  # vtx id of the last TRANSFER_OUT
        self.seq = 0
        self.start_ms = world.now_ms

    # ---- the entry point -------------------------------------------------------------
    def render(self, emission: Emission, capillary: dict[str, Any]) -> list[dict[str, Any]]:
        event, facts = emission.event, emission.facts
        if emission.customer is not None and event == "customerAdded":
            self.card(emission)
        if event == "transactionAdded" and facts.get("bill_type") != "RETURN":
            self.bills[str(facts.get("bill_number"))] = {**facts, "at_ms": emission.at_ms}
        kind = self.kind(emission)
        if kind is None:
            self.skipped[event] += 1
            return []
        tx_type, points = kind
        return [self.payload(emission, tx_type, points)]

    def kind(self, emission: Emission) -> tuple[str, float] | None:
        """(transaction type, signed points moved) or None: no Voucherify counterpart."""
        event, facts = emission.event, emission.facts
        tx_type = TYPES.get(event)
        if tx_type is None or emission.customer is None:
            return None
        points = float(facts.get("points") or 0.0)
        if event == "pointsIssued":
            points -= float(facts.get("promised") or 0.0)  # promised points are not usable yet
            if not _from_bill(facts):
                tx_type = "POINTS_ADDITION"
        elif event == "manualPointsAdjustment":  # the facts' points are signed
            tx_type = "POINTS_ADDITION" if points >= 0 else "POINTS_REMOVAL"
        elif event == "redeemedPointsReversed":
            points -= float(facts.get("expired") or 0.0)  # expired lots do not come back
        elif tx_type in NEGATIVE:
            points = -points
        if abs(points) < 1e-9:
            return None  # nothing moved: Voucherify records no transaction
        return tx_type, points

    # ---- cards -----------------------------------------------------------------------
    def card(self, emission: Emission) -> Card:
        assert emission.customer is not None and emission.program is not None
        key = (emission.customer.customer_id, emission.program.id)
        card = self.cards.get(key)
        if card is None:
            card = self.cards[key] = Card(
                self.ids.make("v", *key), self.ids.code(*key), key[0], key[1], emission.at_ms
            )
        return card

    def counterpart_card(self, emission: Emission) -> Card:
        other = emission.facts["counterpart"]
        return self.card(Emission(emission.event, other, emission.program, {}, emission.at_ms))

    # ---- the payload -----------------------------------------------------------------
    def payload(self, emission: Emission, tx_type: str, points: float) -> dict[str, Any]:
        self.seq += 1
        card = self.card(emission)
        created = iso_ms(emission.at_ms)
        balance = objects.balance(card.id, points, self.balances(emission))
        part = Part(self.ids.make("vtx", self.seq), created, card, points, {"balance": balance})
        self.specifics(emission, tx_type, part)
        data = part.data
        data["transaction"] = {
            "id": part.vtx,
            "source_id": None,
            "voucher_id": card.id,
            "campaign_id": self.campaign_id(card),
            "source": part.source,
            "reason": part.reason,
            "type": tx_type,
            "details": part.details,
            "related_transaction_id": part.related,
            "created_at": created,
        }
        self.common(emission, card, data, balance, created)
        if data["earning_rule"] is not None:  # the tier the points were earned in
            data["loyalty_tier"] = data["holder_loyalty_tier"]
        return wrap(self.ids.make("event", self.seq), created, data)

    def specifics(self, emission: Emission, tx_type: str, part: Part) -> None:
        """What a transaction of this kind adds: order, redemption, rollback, other card."""
        facts, event = emission.facts, emission.event
        if tx_type == "POINTS_ACCRUAL" and _from_bill(facts):
            part.related = self.order_part(emission, part, "customer.order.paid", part.vtx)
        elif event == "issuedPointsReversed":
            part.related = self.order_part(emission, part, "customer.order.canceled", None)
        elif tx_type == "POINTS_REDEMPTION":
            self.redeemed(str(facts.get("redemption_id")), part)
        elif event == "redeemedPointsReversed":
            self.rolled_back(str(facts.get("redemption_id")), part)
        elif tx_type in ("POINTS_TRANSFER_OUT", "POINTS_TRANSFER_IN"):
            self.transferred(emission, tx_type == "POINTS_TRANSFER_OUT", part)
        elif tx_type in ("POINTS_ADDITION", "POINTS_REMOVAL"):
            part.source, part.reason = "API", _reason(facts)

    def redeemed(self, redemption_id: str, part: Part) -> None:
        card, rid = part.card, self.ids.make("r", self.seq)
        self.redemptions[redemption_id] = (part.vtx, rid)
        card.redeemed_quantity += 1
        card.redeemed_points -= part.points
        part.data["redemption"] = objects.redemption(
            rid, card, -part.points, self.cust(card), part.created
        )
        part.details["redemption"] = {"id": rid}
        part.source = "API"

    def rolled_back(self, redemption_id: str, part: Part) -> None:
        card, points, cust = part.card, part.points, self.cust(part.card)
        part.related, rid = self.redemptions.get(redemption_id, (None, None))
        rid = rid or self.ids.make("r", "unknown", redemption_id)
        rrid = self.ids.make("rr", self.seq)
        card.redeemed_points -= points
        part.data["redemption"] = objects.redemption(rid, card, points, cust, part.created)
        part.data["rollback"] = objects.rollback(rrid, rid, points, cust, part.created)
        part.details["rollback"] = {"id": rrid}
        part.details["redemption"] = {"id": rid}
        part.source = "API"

    def transferred(self, emission: Emission, out: bool, part: Part) -> None:
        """TRANSFER_OUT names the card the points went to; TRANSFER_IN the one they came
        from, and the TRANSFER_OUT it pairs with (the model emits them in that order)."""
        other = self.counterpart_card(emission)
        key = "destination_voucher" if out else "source_voucher"
        part.data[key] = objects.voucher_ref(other, self.campaign_id(other), self.cust(other))
        part.details[key] = {"id": other.id, "code": other.code}
        part.source = "API"
        if out:
            self.transfer_out = part.vtx
        else:
            part.related = self.transfer_out

    def account(self, emission: Emission) -> Any:
        """The holder's ledger in the emission's program (read without touching the world)."""
        assert emission.customer is not None and emission.program is not None
        state = self.world.states.get(emission.customer.customer_id)
        return state.accounts[emission.program.id] if state is not None else None

    def balances(self, emission: Emission) -> dict[str, Any]:
        """The model's balance after the event: the facts where the model states it (its
        Capillary event carries it), else the ledger as the event is rendered, which is
        right after the step or the moment that moved the points."""
        facts = emission.facts
        if "current" in facts:
            return facts
        account = self.account(emission)
        if account is None:
            return {"current": 0.0, "lifetime": 0.0}
        return {"current": account.current, "lifetime": account.lifetime}

    def identities(self, customer_id: int) -> list[tuple[str, str]]:
        """(kind, value) of what identifies a customer in these webhooks: holder, cards."""
        out = [("holder", self.ids.make("cust", customer_id))]
        for card in self.cards.values():
            if card.customer_id == customer_id:
                out += [("card", card.id), ("code", card.code)]
        return out

    def cust(self, card: Card) -> str:
        return self.ids.make("cust", card.customer_id)

    def campaign_id(self, card: Card) -> str:
        return self.ids.make("camp", card.program_id)

    def common(
        self,
        emission: Emission,
        card: Card,
        data: dict[str, Any],
        balance: dict[str, Any],
        created: str,
    ) -> None:
        assert emission.customer is not None and emission.program is not None
        program, customer = emission.program, emission.customer
        camp = self.campaign_id(card)
        account = self.account(emission)
        data["voucher"] = objects.voucher(
            card, camp, program, balance, account, emission.at_ms, created, self.ids
        )
        data["campaign"] = objects.campaign(camp, program, self.start_ms)
        data["holder"] = objects.holder(self.ids.make("cust", customer.customer_id), customer)
        data["holder_loyalty_tier"] = objects.tier(self.ids, camp, customer, program, card)
        data["balance"] = objects.balance_top(balance)

    def order_part(
        self, emission: Emission, part: Part, event_type: str, accrual_vtx: str | None
    ) -> str | None:
        """The order, its customer event and (for an accrual) the earning rule; the
        transaction a return's refund relates to (the order's accrual)."""
        assert emission.customer is not None and emission.program is not None
        data, details = part.data, part.details
        facts = emission.facts
        bill_number = str(facts.get("bill_number"))
        bill = self.bills.get(bill_number) or {"bill_number": bill_number, "at_ms": emission.at_ms}
        cust = self.ids.make("cust", emission.customer.customer_id)
        order_id = self.ids.make("ord", bill_number)
        returned = accrual_vtx is None
        data["order"] = objects.order(self.ids, order_id, cust, bill, returned)
        evcus = self.ids.make("evcus", bill_number, event_type, self.seq)
        data["event"] = objects.customer_event(
            evcus, event_type, cust, max(emission.at_ms - 1, 0), self.ids.make("v", bill_number)
        )
        details["order"] = {"id": order_id, "source_id": bill_number}
        details["event"] = {"id": evcus, "type": event_type}
        if returned:
            return self.accruals.get(bill_number)
        assert accrual_vtx is not None
        self.accruals[bill_number] = accrual_vtx
        camp = self.ids.make("camp", emission.program.id)
        rule = objects.earning_rule(self.ids, camp, emission.program)
        data["earning_rule"] = rule
        details["earning_rule"] = {
            "id": rule["id"],
            "source": {"banner": rule["parameters"]["banner"]},
        }
        return None


def _from_bill(facts: dict[str, Any]) -> bool:
    trigger = facts.get("trigger")
    return bool(facts.get("bill_number")) and (
        not isinstance(trigger, tuple) or trigger[0] == "TransactionAdd"
    )


def _reason(facts: dict[str, Any]) -> str | None:
    trigger = facts.get("trigger")
    if isinstance(trigger, tuple) and isinstance(trigger[0], str):
        return trigger[0]
    reason = facts.get("reason")
    return str(reason) if reason is not None else None


__all__ = ["TYPES", "VoucherifyRenderer"]
