"""Tier events: tierUpgraded, tierRenewed, tierDowngraded, tierDowngradeReminder.

The seeds only hold schema-complete placeholder samples for these events (``"notes":
"notes"``, ``1676.0`` ids), so values follow the shapes of the other loyalty events:
tier numbers from the program's tier list, expiry dates ``YYYY-MM-DD``.  Capillary sends
no ``loyaltyEventId``; the ``refId`` carries the customer id.
"""

from __future__ import annotations

from typing import Any

from capmock.catalog.common import customer_base, program_details, triggering_activity
from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import DATE, INT, STR, obj, opt, ref
from capmock.catalog.registry import EventDef, reads

DOMAIN = "tier"

BASIS_KIND = {"lifetime_points": "LIFETIME_POINTS", "spend": "LIFETIME_PURCHASES"}

_base = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    entityInformation=opt(ref("entityInformation")),
    loyaltyProgramDetails=opt(ref("loyaltyProgramDetails")),
    loyaltyProgramId=INT,
    triggeringActivity=opt(ref("triggeringActivity")),
)


# ---- shared helpers ------------------------------------------------------------------


def tier_numbers(ctx: Ctx) -> list[int]:
    return sorted(t.number for t in ctx.prog.tiers) or [1]


def current_number(ctx: Ctx) -> int:
    return ctx.customer.tiers.get(ctx.prog.id, tier_numbers(ctx)[0])


def tier_move(ctx: Ctx, f: Facts, up: bool) -> tuple[int, int]:
    """(from, to) tier numbers: from facts, else a one-step move from a tier that allows it."""
    numbers = tier_numbers(ctx)
    start = f.get("from_tier")
    if start is None:
        cur = current_number(ctx)
        movable = numbers[:-1] if up else numbers[1:]
        start = cur if cur in movable or not movable else ctx.rng.choice(movable)
    end = f.get("to_tier")
    if end is None:
        step = [n for n in numbers if (n > start if up else n < start)]
        end = (step[0] if up else step[-1]) if step else start
    return int(start), int(end)


def tier_name(ctx: Ctx, number: int) -> str:
    try:
        return ctx.prog.tier(number).name
    except KeyError:
        return f"Tier {number}"


def kind(ctx: Ctx, f: Facts) -> str:
    """Why the tier changed: the program's tier basis unless the facts say otherwise."""
    return str(f.get("kind") or BASIS_KIND.get(ctx.prog.tier_basis, "LIFETIME_POINTS"))


def expiry(ctx: Ctx, f: Facts) -> str:
    return str(f.get("expiry") or ctx.date(ctx.rng.choice((365, 366, 730))))


def base(ctx: Ctx, f: Facts, trigger: tuple[str, list[tuple[str, Any]]]) -> dict[str, Any]:
    name, identifiers = f.get("trigger") or trigger
    return {
        **customer_base(ctx),
        "loyaltyProgramDetails": program_details(ctx),
        "loyaltyProgramId": ctx.prog.id,
        "triggeringActivity": triggering_activity(ctx, name, identifiers),
    }


def bill_trigger(ctx: Ctx) -> tuple[str, list[tuple[str, Any]]]:
    return (
        "TransactionAdd",
        [("BillId", ctx.ids.next("transaction")), ("billNumber", f"{ctx.org.org_id}_{ctx.now_ms}")],
    )


# ---- tierUpgraded --------------------------------------------------------------------

TIER_UPGRADED = _base.extend(
    previousTierNumber=INT,
    upgradedTierNumber=INT,
    upgradeType=opt(STR),
    tierExpiryDate=opt(DATE),
    notes=opt(STR),
)


@reads("expiry from_tier kind notes to_tier trigger")
def build_tier_upgraded(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts (all optional):

    - ``from_tier``, ``to_tier``: tier numbers before/after (names from the program)
    - ``kind``: upgradeType, e.g. LIFETIME_POINTS (default from the program's tier basis)
    - ``expiry``: the new tier's expiry date, YYYY-MM-DD
    - ``notes``: free text (default: "Upgraded from <name> to <name>")
    - ``trigger``: ``(activity name, [(key, value), ...])`` (default: a TransactionAdd)
    """
    start, end = tier_move(ctx, f, up=True)
    return {
        **base(ctx, f, bill_trigger(ctx)),
        "previousTierNumber": start,
        "upgradedTierNumber": end,
        "upgradeType": kind(ctx, f),
        "tierExpiryDate": expiry(ctx, f),
        "notes": f.get("notes")
        or f"Upgraded from {tier_name(ctx, start)} to {tier_name(ctx, end)}",
    }


# ---- tierRenewed ---------------------------------------------------------------------

TIER_RENEWED = _base.extend(
    currentTierNumber=INT,
    renewType=opt(STR),
    tierExpiryDate=opt(DATE),
    notes=opt(STR),
)


@reads("expiry from_tier kind notes to_tier trigger")
def build_tier_renewed(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts (all optional):

    - ``to_tier`` (or ``from_tier``): the tier renewed (default: the customer's tier, or
      a tier above the lowest)
    - ``kind``: renewType, e.g. LIFETIME_POINTS (default from the program's tier basis)
    - ``expiry``: the renewed tier's new expiry date, YYYY-MM-DD
    - ``notes``: free text (default: "<name> renewed till <expiry>")
    - ``trigger``: ``(activity name, [(key, value), ...])`` (default: a TransactionAdd)
    """
    given = f.get("to_tier") or f.get("from_tier")
    number, _ = tier_move(ctx, {"from_tier": given}, up=False)  # the lowest tier never expires
    until = expiry(ctx, f)
    return {
        **base(ctx, f, bill_trigger(ctx)),
        "currentTierNumber": number,
        "renewType": kind(ctx, f),
        "tierExpiryDate": until,
        "notes": f.get("notes") or f"{tier_name(ctx, number)} renewed till {until}",
    }


# ---- tierDowngraded ------------------------------------------------------------------

TIER_DOWNGRADED = _base.extend(
    previousTierNumber=INT,
    downgradedTierNumber=INT,
    tierExpiryDate=opt(DATE),
)


@reads("expiry from_tier to_tier trigger")
def build_tier_downgraded(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts (all optional):

    - ``from_tier``, ``to_tier``: tier numbers before/after (to < from)
    - ``expiry``: the lower tier's expiry date, YYYY-MM-DD (default: a year or two ahead;
      none when the customer drops to the lowest tier)
    - ``trigger``: ``(activity name, [(key, value), ...])`` (default: TierDowngrade job)
    """
    start, end = tier_move(ctx, f, up=False)
    body = {
        **base(ctx, f, ("TierDowngrade", [])),
        "previousTierNumber": start,
        "downgradedTierNumber": end,
    }
    if f.get("expiry") or end != tier_numbers(ctx)[0]:  # the lowest tier does not expire
        body["tierExpiryDate"] = expiry(ctx, f)
    return body


# ---- tierDowngradeReminder -----------------------------------------------------------

TIER_DOWNGRADE_REMINDER = _base.extend(
    currentTierNumber=INT,
    scheduledDowngradeDate=DATE,
)


@reads("downgrade_date expiry from_tier trigger")
def build_tier_downgrade_reminder(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts (all optional):

    - ``from_tier``: the tier the customer is in and will lose (default: the customer's
      tier, or a tier above the lowest)
    - ``downgrade_date`` (or ``expiry``): the scheduled downgrade date, YYYY-MM-DD
    - ``trigger``: ``(activity name, [(key, value), ...])`` (default: reminder job)

    The body has no points fields, so current points are not part of it.
    """
    number, _ = tier_move(ctx, {"from_tier": f.get("from_tier")}, up=False)
    when = f.get("downgrade_date") or f.get("expiry") or ctx.date(ctx.rng.choice((7, 15, 30)))
    return {
        **base(ctx, f, ("TierDowngradeReminder", [])),
        "currentTierNumber": number,
        "scheduledDowngradeDate": str(when),
    }


def _customer_ref(data: dict[str, Any]) -> Any:
    return data["customerIdentifiers"]["customerId"]


EVENTS: list[EventDef] = [
    EventDef(
        name,
        DOMAIN,
        body,
        build,
        description,
        ref=_customer_ref,
        loyalty_event_id=False,
    )
    for name, body, build, description in (
        ("tierUpgraded", TIER_UPGRADED, build_tier_upgraded, "A customer moved up a tier."),
        (
            "tierRenewed",
            TIER_RENEWED,
            build_tier_renewed,
            "A customer's tier renewed for another period.",
        ),
        (
            "tierDowngraded",
            TIER_DOWNGRADED,
            build_tier_downgraded,
            "A customer moved down a tier.",
        ),
        (
            "tierDowngradeReminder",
            TIER_DOWNGRADE_REMINDER,
            build_tier_downgrade_reminder,
            "Reminder that a customer's tier is scheduled to be downgraded.",
        ),
    )
]
