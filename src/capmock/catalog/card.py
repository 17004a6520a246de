"""Card events: cardUpdated (a loyalty card's status, extended or custom fields changed).

The body names the card only by number: no customer identifiers, no ``loyaltyEventId``.
``refId`` carries Capillary's internal card id, which the body does not hold; capmock
derives a stable one from the card number.
"""

from __future__ import annotations

import zlib
from typing import Any

from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import STR, arr, nullable, obj
from capmock.catalog.registry import EventDef, reads

DOMAIN = "card"

# (from, to) transitions a card plausibly goes through
TRANSITIONS = (
    ("ACTIVE", "SUSPENDED"),
    ("SUSPENDED", "ACTIVE"),
    ("INACTIVE", "ACTIVE"),
    ("ACTIVE", "BLOCKED"),
    ("ACTIVE", "EXPIRED"),
)

_name_value = obj(name=STR, value=nullable(STR))

CARD_UPDATED = obj(
    cardNumber=STR,
    previousStatusLabel=STR,
    currentStatusLabel=STR,
    currentExtendedFields=arr(_name_value),
    previousExtendedFields=arr(_name_value),
    currentCustomFields=arr(_name_value),
    previousCustomFields=arr(_name_value),
)


def _pairs(fields: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": k, "value": None if v is None else str(v)} for k, v in fields.items()]


def _extended(ctx: Ctx, f: Facts, status: str) -> dict[str, Any]:
    return {
        "card_requested_by": f.get("requested_by") or ctx.rng.choice(("ADMIN", "CUSTOMER")),
        "card_balance": f"{ctx.fake.money(0, 500):.2f}",
        "status_reason": f.get("reason")
        or {"SUSPENDED": "Suspicious activity", "BLOCKED": "Reported lost"}.get(
            status, "Status changed by admin"
        ),
    }


def _transition(ctx: Ctx, before: str | None, after: str | None) -> tuple[str, str]:
    """Status labels before/after: as given, the missing one from a plausible transition."""
    fits = [t for t in TRANSITIONS if before in (None, t[0]) and after in (None, t[1])]
    b, a = ctx.rng.choice(fits or TRANSITIONS)
    before = before or (b if b != after else "ACTIVE")
    after = after or (a if a != before else "SUSPENDED")
    return str(before), str(after)


@reads(
    "card_number current_status custom_fields extended_fields previous_custom_fields",
    "previous_extended_fields previous_status reason requested_by",
)
def build_card_updated(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts (all optional):

    - ``card_number``: the card (default: the customer's card number)
    - ``previous_status``, ``current_status``: status labels before/after (ACTIVE,
      SUSPENDED…; default: a plausible transition)
    - ``extended_fields``, ``previous_extended_fields``: ``{name: value}`` of the card's
      extended fields after/before (default: requester, balance, reason after; before,
      the same requester and balance)
    - ``custom_fields``, ``previous_custom_fields``: ``{name: value}`` of custom fields
    - ``requested_by``, ``reason``: fill the default extended fields
    """
    before, after = _transition(ctx, f.get("previous_status"), f.get("current_status"))
    current = f.get("extended_fields") or _extended(ctx, f, after)
    previous = f.get("previous_extended_fields")
    if previous is None:
        previous = {k: v for k, v in current.items() if k != "status_reason"}
    custom = f.get("custom_fields") or {"card_type": ctx.rng.choice(("PHYSICAL", "VIRTUAL"))}
    return {
        "cardNumber": str(f.get("card_number") or ctx.customer.card_number),
        "previousStatusLabel": before,
        "currentStatusLabel": after,
        "currentExtendedFields": _pairs(current),
        "previousExtendedFields": _pairs(previous),
        "currentCustomFields": _pairs(custom),
        "previousCustomFields": _pairs(f.get("previous_custom_fields", custom)),
    }


def card_id(data: dict[str, Any]) -> int:
    """A stable internal card id for ``refId`` (the body does not carry Capillary's)."""
    return 1_000_000 + zlib.crc32(data["cardNumber"].encode()) % 9_000_000


EVENTS: list[EventDef] = [
    EventDef(
        "cardUpdated",
        DOMAIN,
        CARD_UPDATED,
        build_card_updated,
        "A loyalty card's status, extended fields or custom fields changed.",
        ref=card_id,
        loyalty_event_id=False,
    ),
]
