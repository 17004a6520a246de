"""Customer events: customerAdded, customerUpdated, loyaltyCustomerMerge.

customerAdded/customerUpdated carry the customer's profile as entered at a store
(``enteredBy``); the merge event names the survivor and the victim and the survivor's
balances per program after the merge.  None of them carries a ``loyaltyEventId``;
their ``refId`` is ``<orgId>_<customerId>``.
"""

from __future__ import annotations

from typing import Any

from capmock.catalog.common import current_tier, customer_identifiers, entered_by
from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import ANY, INT, NUM, STR, arr, enum, obj, opt, ref
from capmock.catalog.registry import EventDef, reads

DOMAIN = "customer"

# ---- customerAdded / customerUpdated -------------------------------------------------

CUSTOMER_ADDED = obj(
    loyaltyType=enum("LOYALTY", "NON_LOYALTY"),
    source=STR,
    firstName=opt(STR),
    lastName=opt(STR),
    enteredAt=INT,
    enteredBy=ref("enteredBy"),
    customerIdentifiers=ref("customerIdentifiers"),
)

UPDATED_FIELD = obj(fieldName=STR, previousValue=opt(ANY), currentValue=opt(ANY))
CUSTOMER_UPDATED = CUSTOMER_ADDED.extend(updatedFields=arr(UPDATED_FIELD))


def _profile(ctx: Ctx, f: Facts) -> dict[str, Any]:
    c = ctx.customer
    return {
        "loyaltyType": f.get("loyalty_type", c.loyalty_type).upper(),
        "source": f.get("source", c.source).lower(),
        "firstName": f.get("first_name", c.first_name),
        "lastName": f.get("last_name", c.last_name),
        "enteredAt": int(f.get("entered_at", ctx.now_ms - ctx.rng.randint(200, 20_000))),
        "enteredBy": entered_by(ctx),
        "customerIdentifiers": customer_identifiers(ctx),
    }


@reads("entered_at first_name last_name loyalty_type source")
def build_customer_added(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A customer registered.

    Facts (all optional): ``loyalty_type`` LOYALTY | NON_LOYALTY, ``source`` the
    registration channel (instore, web_engage…), ``first_name``/``last_name`` (default:
    the context customer's), ``entered_at`` epoch ms of the registration.
    """
    return _profile(ctx, f)


@reads("changes entered_at first_name last_name loyalty_type source")
def build_customer_updated(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A customer's profile changed (name, status, custom/extended fields).

    Facts: as customerAdded, plus ``changes``: list of ``(fieldName, previous, current)``
    (default none: Capillary often sends an empty ``updatedFields``).  A change of
    firstName/lastName is reflected in the body's name.
    """
    changes = [tuple(c) for c in f.get("changes", [])]
    for name, key in (("firstName", "first_name"), ("lastName", "last_name")):
        for field_name, _prev, cur in changes:
            if field_name == name and key not in f:
                f[key] = cur
    body = _profile(ctx, f)
    body["updatedFields"] = [
        {"fieldName": n, "previousValue": p, "currentValue": c} for n, p, c in changes
    ]
    return body


# ---- loyaltyCustomerMerge ------------------------------------------------------------

MERGE = obj(
    survivorCustomerIdentifiers=ref("customerIdentifiers"),
    victimCustomerIdentifiers=ref("customerIdentifiers"),
    triggeringActivity=ref("triggeringActivity"),
    enteredBy=ref("enteredBy"),
    survivorCustomerLoyaltySummary=arr(
        obj(
            loyaltyProgramId=INT,
            lifetimePoints=NUM,
            currentPoints=NUM,
            promisedPoints=NUM,
            tierNumber=INT,
        )
    ),
)


def _merge_summary(ctx: Ctx, f: Facts) -> dict[str, Any]:
    current = float(f.get("current", ctx.rng.randint(0, 400) * 5))
    lifetime = float(f.get("lifetime", current + ctx.rng.randint(0, 1200) * 5))
    return {
        "loyaltyProgramId": ctx.prog.id,
        "lifetimePoints": max(lifetime, current),
        "currentPoints": current,
        "promisedPoints": float(f.get("promised", 0.0)),
        "tierNumber": int(f.get("tier", current_tier(ctx)["tierNumber"])),
    }


@reads("current entered_by_id lifetime promised tier victim_id")
def build_customer_merge(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """The victim customer was merged into the survivor (the context customer).

    Facts (all optional): ``victim_id`` the merged-away customerId (default: a new id),
    ``current``/``lifetime``/``promised`` the survivor's points after the merge in the
    context program, ``tier`` its tier number, ``entered_by_id`` who merged (default -1,
    the system).
    """
    victim = f.get("victim_id") or ctx.ids.next("customer")
    return {
        "survivorCustomerIdentifiers": customer_identifiers(ctx),
        "victimCustomerIdentifiers": {"customerId": int(victim)},
        "triggeringActivity": {
            "name": "customerMerge",
            "identifiers": [],
            "additionalAttributes": [],
        },
        "enteredBy": {"id": int(f.get("entered_by_id", -1))},
        "survivorCustomerLoyaltySummary": [_merge_summary(ctx, f)],
    }


def _customer_id(data: dict[str, Any]) -> Any:
    return data["customerIdentifiers"]["customerId"]


EVENTS: list[EventDef] = [
    EventDef(
        "customerAdded",
        DOMAIN,
        CUSTOMER_ADDED,
        build_customer_added,
        "A customer registered (in store, online or through a social channel).",
        ref=_customer_id,
        loyalty_event_id=False,
    ),
    EventDef(
        "customerUpdated",
        DOMAIN,
        CUSTOMER_UPDATED,
        build_customer_updated,
        "A customer's details changed (name, status, custom or extended fields; not"
        " subscriptions).",
        ref=_customer_id,
        loyalty_event_id=False,
    ),
    EventDef(
        "loyaltyCustomerMerge",
        DOMAIN,
        MERGE,
        build_customer_merge,
        "Two customers were merged: the victim's points and history move to the survivor.",
        ref=lambda d: d["survivorCustomerIdentifiers"]["customerId"],
        loyalty_event_id=False,
    ),
]
