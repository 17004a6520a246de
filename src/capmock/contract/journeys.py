"""The journeys the standard suite plays, and *customer sets*: copies of a journey whose
events are identical except for identities, so a consumer's views of two sets compare.

A journey is played once through the model. Each customer set replaces, in every payload,
the customers' identities (customerId — also inside strings such as refId — mobile,
email, externalId), the records' ids (transactionId, billNumber, redemption ids,
loyaltyEventId) and the eventIds, with fresh values of the same shape. EventIds keep their
order (only their last 12 hex digits change), so a consumer that breaks ties by eventId
breaks them the same way in every set. :meth:`CustomerSet.normalise` maps a set's values
in a consumer's state document back to placeholders (``<customerId 1>``), so documents
of two sets are equal exactly when the consumer did the same thing with both.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from capmock.envelope import event_id_of, unwrap
from capmock.scenario.identities import fresh_like, identity_values
from capmock.scenario.loader import Scenario, parse_start
from capmock.scenario.player import Player
from capmock.scenario.validate import check
from capmock.scenario.yamlload import load_text

ORG = """
org:
  id: 150698
  locale: en_IN
  currency: INR
  programs:
    - id: 838
      name: CapmockCheckProgram
      points_per_currency: 0.1          # 1 point per 10 INR
      points_to_currency_ratio: 0.5
      tiers: [{name: Silver, threshold: 0}, {name: Gold, threshold: 1000},
              {name: Platinum, threshold: 5000}]
"""

# Two members: purchases, a redemption and its reversal, a transfer, a tier up and (after a
# return) back down — events whose order matters to a consumer that trusts arrival order.
LOYALTY = """
name: loyalty
start: 2026-01-05T09:00:00Z
customers: {alice: {}, bob: {}}
steps:
  - enrol: alice
  - enrol: bob
  - transact: {customer: alice, amount: 6000, as: first}      # 600 points
  - transact: {customer: alice, amount: 5000, as: second}     # 1,100 lifetime: Gold
  - redeem_points: {customer: alice, points: 200, as: spend}
  - transact: {customer: bob, amount: 2500}
  - transfer_points: {customer: alice, to: bob, points: 100}
  - reverse_redemption: {customer: alice, redemption: spend}
  - return: {customer: alice, bill: second, amount: 5000}     # back to 600: Silver
  - award_points: {customer: bob, points: 50}
"""

# One member, many purchases: every event commutes for a correct consumer, so parallel
# delivery can only go wrong through races (lost updates), not through order.
ONE_CUSTOMER = """
name: one-customer
start: 2026-01-05T09:00:00Z
customers: {carol: {}}
steps:
  - enrol: carol
  - repeat: 9
    steps:
      - transact: {customer: carol, amount: 1500}              # Gold on the 7th
"""

JOURNEYS = {"loyalty": LOYALTY, "one-customer": ONE_CUSTOMER}
# identity kinds replaced in customer sets (names are kept), as placeholders name them
KINDS = {"cid": "customerId", "mobile": "mobile", "email": "email", "external": "externalId"}
RECORD_KEYS = ("transactionId", "billNumber", "redemptionBillNumber", "redemptionSummaryId",
               "loyaltyEventId")


def scenario(name: str, *, seed: int, envelope: str, vendor: str = "capillary") -> Scenario:
    path = f"<capmock check: {name}>"
    doc = load_text(ORG + JOURNEYS[name], path)
    check(doc, path)
    start = parse_start(doc["start"], doc, path)
    return Scenario(path, doc, name, "", seed, start, envelope, vendor=vendor)


@dataclass(frozen=True)
class Journey:
    name: str
    payloads: list[dict[str, Any]]
    identities: dict[Any, str]  # value as played -> placeholder, e.g. 134686036 -> <customerId 1>
    customers: list[Any]  # customer ids (another vendor's: holder ids) as played, in order

    @classmethod
    def play(cls, name: str, *, seed: int, envelope: str, vendor: str = "capillary") -> Journey:
        player = Player(scenario(name, seed=seed, envelope=envelope, vendor=vendor))
        payloads = list(player.payloads())
        identities: dict[Any, str] = {}
        customers: list[Any] = []
        for cid, kind, text in identity_values(payloads):  # the soak's identity scan too
            if cid not in customers:
                customers.append(cid)
            if kind in KINDS:
                value = cid if kind == "cid" else text
                identities.setdefault(value, f"<{KINDS[kind]} {customers.index(cid) + 1}>")
        if player.vendor:  # another vendor's webhooks: its holder, card and code ids
            customers = []
            for i, cid in enumerate(player.world.states, 1):
                for kind, value in player.vendor.identities(cid):
                    identities.setdefault(value, f"<{kind} {i}>")
                customers.append(dict(player.vendor.identities(cid))["holder"])
        for key in RECORD_KEYS:
            for value in _values(payloads, key):
                identities.setdefault(value, f"<{key} {len(identities)}>")
        for i, payload in enumerate(payloads):
            identities[event_id_of(payload)] = f"<eventId {i}>"
        return cls(name, payloads, identities, customers)

    def instance(self, index: int, salt: int) -> CustomerSet:
        """Customer set ``index``: fresh identities drawn from ``(salt, index)``."""
        rng = random.Random(f"{salt}:{index}")
        base = 300_000_000 + (salt % 1_500_000) * 1000 + index * 20  # < 2**31, unique per run
        tag = f"{rng.getrandbits(48):012x}"
        new: dict[str, Any] = {}
        for value, placeholder in self.identities.items():
            kind, _, n = placeholder.strip("<>").partition(" ")
            if kind == "customerId":
                new[placeholder] = base + int(n)
            elif kind == "eventId":
                new[placeholder] = _event_id(str(value), tag)
            elif kind == "mobile":
                new[placeholder] = str(value)[:2] + str(_fresh(str(value)[2:], rng))
            elif kind in ("holder", "card"):  # cust_…, v_…: the prefix stays
                prefix, _, rest = str(value).partition("_")
                new[placeholder] = f"{prefix}_{_fresh(rest, rng)}"
            else:
                new[placeholder] = _fresh(value, rng)
        forward = {old: new[ph] for old, ph in self.identities.items()}
        back = {value: ph for ph, value in new.items()}
        payloads = [_swap(p, Table(forward)) for p in self.payloads]
        ids = [forward[c] for c in self.customers]
        return CustomerSet(f"{self.name} #{index}", payloads, ids, Table(back))


@dataclass(frozen=True)
class CustomerSet:
    label: str
    payloads: list[dict[str, Any]]
    customer_ids: list[Any]
    back: Table

    def normalise(self, doc: Any) -> Any:
        """``doc`` with this set's identities replaced by the journey's placeholders."""
        return _swap(doc, self.back)


class Table:
    """Exact replacements (ints and strings), and whole-number tokens inside strings."""

    def __init__(self, mapping: dict[Any, Any]) -> None:
        self.exact = mapping
        tokens = {str(k): str(v) for k, v in mapping.items()
                  if isinstance(k, int) and not isinstance(k, bool) and k >= 100_000}
        self.tokens = tokens
        alternation = "|".join(sorted(map(re.escape, tokens), key=len, reverse=True))
        self.pattern = re.compile(rf"(?<!\d)(?:{alternation})(?!\d)") if tokens else None

    def text(self, value: str) -> Any:
        if value in self.exact:
            return self.exact[value]
        if self.pattern is None:
            return value
        return self.pattern.sub(lambda m: self.tokens[m.group(0)], value)


def _swap(value: Any, table: Table) -> Any:
    if isinstance(value, dict):
        return {str(table.text(str(k))): _swap(v, table) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, table) for v in value]
    if isinstance(value, str):
        return table.text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            return value
        return table.exact.get(int(value), value)
    return value


def _values(payloads: list[dict[str, Any]], key: str) -> list[Any]:
    out: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == key and isinstance(v, int | str) and not isinstance(v, bool) and v:
                    out.append(v)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for payload in payloads:
        walk(payload)
    return out


def _event_id(old: str, tag: str) -> str:
    return old[:-12] + tag if len(old) > 12 else f"{old}-{tag}"


def _fresh(value: Any, rng: random.Random) -> Any:
    """A random value of the same shape (see :mod:`capmock.scenario.identities`)."""
    return fresh_like(value, rng.randbytes(max(16, len(str(value)))))


def customer_of(payload: dict[str, Any]) -> int | str | None:
    """The customer an event is about: customerId, or another vendor's holder id."""
    _, _, data = unwrap(payload)
    holder = data.get("holder") if isinstance(data, dict) else None
    if isinstance(holder, dict) and isinstance(holder.get("id"), str):
        return str(holder["id"])
    idents = data.get("customerIdentifiers") if isinstance(data, dict) else None
    value = idents.get("customerId") if isinstance(idents, dict) else None
    return value if isinstance(value, int) else None
