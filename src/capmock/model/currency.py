"""Alternate currencies (stars, miles…): issued to a customer, reversed."""

from __future__ import annotations

from capmock.errors import Rejected
from capmock.model.entities import Customer
from capmock.model.membership import require_enrolled
from capmock.model.records import CurrencyIssue
from capmock.model.world import Emission, Facts, World

REVERSED = "issuedalternateCurrenciesReversed"


def _facts(name: str, amount: float, balance: float) -> Facts:
    one = {"name": name, "regular": amount, "current": balance, "lifetime": balance}
    one["promotional"] = []  # none made up: the balance counts only `amount`
    return {"currencies": [one]}


def issue(world: World, c: Customer, name: str, amount: float) -> tuple[CurrencyIssue, Emission]:
    require_enrolled(world, c)
    held = world.state(c).alternate
    held[name] = held.get(name, 0.0) + amount
    issued = CurrencyIssue(world.ids.next("issual"), c.customer_id, name, amount)
    emission = world.emission("alternateCurrenciesIssued", c, _facts(name, amount, held[name]))
    return issued, emission


def reverse(world: World, c: Customer, issued: CurrencyIssue) -> Emission:
    if issued.reversed:
        raise Rejected("that alternate-currency issue was already reversed")
    held = world.state(c).alternate
    held[issued.name] = round(held.get(issued.name, 0.0) - issued.amount, 2)
    issued.reversed = True
    return world.emission(REVERSED, c, _facts(issued.name, issued.amount, held[issued.name]))
