"""Alternate currency events: alternateCurrenciesIssued, issuedalternateCurrenciesReversed.

An org may run alternate currencies (stars, coins…) next to points; one event lists every
currency touched, each with its balances after the event.  The event name of the reversal
is spelled ``issuedalternateCurrenciesReversed`` (lower-case ``a``) in Capillary's sample.

In both samples the totals add up as regular + promotional + promised.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import BOOL, DATE, INT, NUM, STR, arr, obj, opt, ref, req
from capmock.catalog.points import activity, balances, bill_trigger, head
from capmock.catalog.registry import EventDef, reads

DOMAIN = "currency"

NAMES = ("stars", "coins", "gems", "miles", "tokens", "leaves")

PROMO_NAMES = ("Welcome Bonus", "Weekend Multiplier", "Festive Bonanza", "Birthday Treat")

# Inline rather than a shared definition: its date gets an `…InMillis` companion, and the
# renderer (registry.add_millis) does not follow refs.
PROMOTION = obj(
    promotionName=opt(STR),
    promotionIdentifier=STR,
    promotionAlternateCurrencies=NUM,
    promotionAlternateCurrenciesExpiryDate=opt(DATE, tz_millis=True),
    promotionType=STR,
)

_HEAD = {
    "customerIdentifiers": ref("customerIdentifiers"),
    "entityInformation": ref("entityInformation"),
    "loyaltyProgramDetails": ref("loyaltyProgramDetails"),
    "loyaltyProgramId": INT,
    "triggeringActivity": ref("triggeringActivity"),
}

_promotions = arr(PROMOTION)

ISSUED = obj(
    **_HEAD,
    alternateCurrencies=arr(
        obj(
            alternateCurrencyName=STR,
            alternateCurrencyIdentifier=STR,
            programCurrentAlternateCurrencies=NUM,
            programLifetimeAlternateCurrencies=NUM,
            promisedAlternateCurrenciesIssued=arr(
                obj(
                    promisedAlternateCurrencies=NUM,
                    isExternalTriggerBased=BOOL,
                    promisedAlternateCurrenciesConversionDate=req(DATE, tz_millis=True),
                    promotionIdentifier=opt(STR),
                )
            ),
            promotionalAlternateCurrenciesIssued=_promotions,
            regularAlternateCurrenciesBreakup=arr(
                obj(alternateCurrencies=NUM, expiryAt=req(DATE, tz_millis=True))
            ),
            regularAlternateCurrenciesIssued=NUM,
            totalAlternateCurrenciesIssued=NUM,
        )
    ),
)

REVERSED = obj(
    **_HEAD,
    alternateCurrencies=arr(
        obj(
            currentEventPromisedAlternateCurrenciesReturned=opt(NUM),
            currentEventRegularAlternateCurrenciesReturned=opt(NUM),
            currentEventTotalAlternateCurrenciesReturned=opt(NUM),
            currentEventPromotionAlternateCurrenciesReturnedDetails=opt(_promotions),
            alternateCurrencyName=STR,
            alternateCurrencyIdentifier=STR,
            programCurrentAlternateCurrencies=NUM,
            programLifetimeAlternateCurrencies=NUM,
            promisedAlternateCurrenciesReversed=NUM,
            promotionalAlternateCurrenciesReversed=_promotions,
            regularAlternateCurrenciesReversed=NUM,
            totalAlternateCurrenciesReversed=NUM,
        )
    ),
)


# ---- helpers -----------------------------------------------------------------------------


def org_currencies(ctx: Ctx) -> tuple[tuple[str, str], ...]:
    """The org's alternate currencies as (name, identifier): stable for an org."""
    return _org_currencies(ctx.org.org_id)


@lru_cache(maxsize=256)
def _org_currencies(org_id: int) -> tuple[tuple[str, str], ...]:
    start = org_id % len(NAMES)
    picked = (NAMES[start], NAMES[(start + 1) % len(NAMES)])
    return tuple((n, _identifier(org_id, n)) for n in picked)


@lru_cache(maxsize=1024)
def _identifier(org_id: int, name: str) -> str:
    return hashlib.sha1(f"{org_id}:{name}".encode()).hexdigest()[:6]


currency_identifier = _identifier  # an org's identifier of a currency (or bucket) name


def _currency_facts(ctx: Ctx, f: Facts) -> list[dict[str, Any]]:
    given = f.get("currencies")
    if given:
        return [dict(c) for c in given]
    return [{} for _ in range(ctx.rng.randint(1, 2))]


def _identity(ctx: Ctx, c: dict[str, Any], i: int) -> dict[str, Any]:
    known = org_currencies(ctx)
    name, ident = known[i % len(known)]
    if c.get("name") and c["name"] != name:
        ident = _identifier(ctx.org.org_id, c["name"])
    return {
        "alternateCurrencyName": c.get("name") or name,
        "alternateCurrencyIdentifier": c.get("identifier") or ident,
    }


def _promos(ctx: Ctx, items: list[Any], *, issued: bool) -> list[dict[str, Any]]:
    out = []
    for item in items:
        p = {"promotionAlternateCurrencies": item} if isinstance(item, int | float) else dict(item)
        p["promotionAlternateCurrencies"] = float(p["promotionAlternateCurrencies"])
        p.setdefault("promotionIdentifier", ctx.fake.uuid())
        if issued:
            p.setdefault("promotionName", ctx.rng.choice(PROMO_NAMES))
            p.setdefault("promotionAlternateCurrenciesExpiryDate", ctx.date(ctx.prog.expiry_days))
        p.setdefault("promotionType", "CUSTOMER_PROMOTION" if issued else "BILL")
        out.append(p)
    return out


def _amounts(ctx: Ctx, c: dict[str, Any], issued: bool) -> tuple[float, list[Any], float]:
    """(regular, promotions, promised) of one currency, from its facts or made up."""
    regular = float(c.get("regular", ctx.rng.randint(1, 20) * 5))
    default_promos = [ctx.rng.randint(1, 10) * 10] if ctx.rng.random() < 0.4 else []
    promos = _promos(ctx, c.get("promotional", default_promos), issued=issued)
    promised = float(c.get("promised", 0.0))
    return regular, promos, promised


# ---- alternateCurrenciesIssued -----------------------------------------------------------


def _issued_entry(ctx: Ctx, c: dict[str, Any], i: int) -> dict[str, Any]:
    regular, promos, promised = _amounts(ctx, c, True)
    total = regular + promised + sum(p["promotionAlternateCurrencies"] for p in promos)
    current, lifetime = balances(ctx, c, total - promised)
    pending = []
    if promised:
        pending = [
            {
                "promisedAlternateCurrencies": promised,
                "isExternalTriggerBased": bool(c.get("external_trigger", False)),
                "promisedAlternateCurrenciesConversionDate": c.get("conversion_date")
                or ctx.date(ctx.rng.randint(7, 30)),
            }
        ]
    expiry = c.get("expiry") or ctx.date(ctx.prog.expiry_days)
    return {
        **_identity(ctx, c, i),
        "programCurrentAlternateCurrencies": current,
        "programLifetimeAlternateCurrencies": lifetime,
        "promisedAlternateCurrenciesIssued": pending,
        "promotionalAlternateCurrenciesIssued": promos,
        "regularAlternateCurrenciesBreakup": (
            [{"alternateCurrencies": regular, "expiryAt": expiry}] if regular else []
        ),
        "regularAlternateCurrenciesIssued": regular,
        "totalAlternateCurrenciesIssued": total,
    }


@reads("bill_id bill_number currencies trigger")
def build_issued(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Alternate currencies issued (on a transaction, a target completed, a promotion…).

    Facts (all optional): ``currencies`` list, one dict per currency with ``name``,
    ``identifier``, ``regular``, ``promotional`` (numbers or wire dicts), ``promised``
    (and its ``conversion_date``, ``external_trigger``), ``current``/``lifetime`` (balances
    after the event), ``expiry`` (regular expiry date); ``trigger`` (name, [(key, value)…])
    — default TransactionAdd with BillId/billNumber.
    """
    entries = [_issued_entry(ctx, c, i) for i, c in enumerate(_currency_facts(ctx, f))]
    return {
        **head(ctx),
        "alternateCurrencies": entries,
        "triggeringActivity": activity(ctx, f, bill_trigger(ctx, f, "TransactionAdd")),
    }


# ---- issuedalternateCurrenciesReversed ---------------------------------------------------


def _reversed_entry(ctx: Ctx, c: dict[str, Any], i: int) -> dict[str, Any]:
    regular, promos, promised = _amounts(ctx, c, False)
    total = regular + promised + sum(p["promotionAlternateCurrencies"] for p in promos)
    current, lifetime = balances(ctx, c)
    return {
        "currentEventPromisedAlternateCurrenciesReturned": promised,
        "currentEventRegularAlternateCurrenciesReturned": regular,
        "currentEventTotalAlternateCurrenciesReturned": total,
        "currentEventPromotionAlternateCurrenciesReturnedDetails": [dict(p) for p in promos],
        **_identity(ctx, c, i),
        "programCurrentAlternateCurrencies": current,
        "programLifetimeAlternateCurrencies": lifetime,
        "promisedAlternateCurrenciesReversed": promised,
        "promotionalAlternateCurrenciesReversed": promos,
        "regularAlternateCurrenciesReversed": regular,
        "totalAlternateCurrenciesReversed": total,
    }


@reads("bill_id bill_number currencies trigger")
def build_reversed(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Alternate currencies issued on a bill taken back (return bill).

    Facts (all optional): ``currencies`` list, one dict per currency with ``name``,
    ``identifier``, ``regular``, ``promotional`` (reversed; numbers or wire dicts),
    ``promised``, ``current``/``lifetime`` (balances after the event); ``bill_id`` /
    ``bill_number`` of the returned bill; ``trigger`` (name, [(key, value)…]).
    """
    entries = [_reversed_entry(ctx, c, i) for i, c in enumerate(_currency_facts(ctx, f))]
    return {
        **head(ctx),
        "alternateCurrencies": entries,
        "triggeringActivity": activity(
            ctx, f, bill_trigger(ctx, f, "ReturnBill", ctx.rng.randint(1, 30))
        ),
    }


EVENTS: list[EventDef] = [
    EventDef(
        "alternateCurrenciesIssued",
        DOMAIN,
        ISSUED,
        build_issued,
        "Alternate currencies (stars, coins…) issued to a customer, per currency.",
    ),
    EventDef(
        "issuedalternateCurrenciesReversed",
        DOMAIN,
        REVERSED,
        build_reversed,
        "Alternate currencies issued earlier taken back (e.g. a returned bill).",
    ),
]
