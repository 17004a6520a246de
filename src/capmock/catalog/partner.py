"""Partner program events: linked, updated, delinked, supplementary membership expiry reminder.

A partner program is either SUPPLEMENTARY (a membership run by the org alongside the
loyalty program, with a membership expiry date) or EXTERNAL (another brand's program the
customer links, with its own tier, tier expiry and membership number).
"""

from __future__ import annotations

import uuid
from typing import Any

from capmock.catalog.common import customer_identifiers, entity_information, uuid5
from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import DATE, INT, STR, Node, obj, opt, ref
from capmock.catalog.registry import EventDef, reads

DOMAIN = "partner"

# A few partner programs an org plausibly runs: (type, name).
PARTNERS: tuple[tuple[str, str], ...] = (
    ("SUPPLEMENTARY", "Family Plus"),
    ("SUPPLEMENTARY", "Drivers Club"),
    ("SUPPLEMENTARY", "Student Saver"),
    ("SUPPLEMENTARY", "Prime Membership"),
    ("EXTERNAL", "SkyMiles Partner"),
    ("EXTERNAL", "Stay Rewards"),
    ("EXTERNAL", "Fuel Points Club"),
)

UPDATE_TYPES = ("UPGRADE", "DOWNGRADE", "RENEWAL")

DEFS: dict[str, Node] = {
    "customerPartnerProgramDetails": obj(
        membershipExpiryDate=opt(DATE),
        partnerTierExpiryDate=opt(DATE),
        partnerTierNumber=opt(INT),
        membershipNumber=opt(STR),
    ),
}

_partner = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    entityInformation=opt(ref("entityInformation")),
    loyaltyProgramId=INT,
    partnerProgramId=INT,
    partnerProgramName=STR,
)


# ---- shared helpers ------------------------------------------------------------------


def partner(ctx: Ctx, f: Facts, kind: str | None = None) -> tuple[int, str, str]:
    """(id, name, type) of the partner program: facts, else one the org plausibly runs.

    Without facts the choice depends on the org id only, so one org keeps one partner
    program of each ``kind`` across events.
    """
    kind = kind or f.get("partner_type")
    pool = [p for p in PARTNERS if kind in (None, p[0])] or list(PARTNERS)
    chosen = pool[ctx.org.org_id % len(pool)]
    pid = f.get("partner_id") or 20 + ctx.org.org_id % 50 + PARTNERS.index(chosen)
    name = f.get("partner_name") or chosen[1]
    return int(pid), str(name), str(f.get("partner_type") or chosen[0])


def membership_number(ctx: Ctx) -> str:
    return f"{ctx.fake.digits(3)}-{ctx.fake.alnum(4).lower()}"


def details(ctx: Ctx, f: Facts, ptype: str) -> dict[str, Any]:
    """customerPartnerProgramDetails: a membership expiry (SUPPLEMENTARY) or the partner
    tier, its expiry and the membership number (EXTERNAL)."""
    expiry = str(f.get("expiry") or ctx.date(ctx.rng.choice((365, 730, 36500))))
    if ptype == "SUPPLEMENTARY":
        return {"membershipExpiryDate": expiry}
    return {
        "partnerTierExpiryDate": expiry,
        "partnerTierNumber": int(f.get("partner_tier") or ctx.rng.randint(1, 4)),
        "membershipNumber": str(f.get("membership_id") or membership_number(ctx)),
    }


def head(ctx: Ctx, f: Facts, kind: str | None = None, *, entity: bool = True) -> dict[str, Any]:
    """The fields every partner event opens with (entityInformation as the samples show)."""
    pid, name, ptype = partner(ctx, f, kind)
    body: dict[str, Any] = {"customerIdentifiers": customer_identifiers(ctx)}
    if entity:
        body["entityInformation"] = entity_information(ctx)
    body.update(
        loyaltyProgramId=ctx.prog.id,
        partnerProgramId=pid,
        partnerProgramName=name,
        partnerProgramType=ptype,
    )
    return body


# ---- partnerProgramLinked / Updated / Delinked -----------------------------------------

PARTNER_LINKED = _partner.extend(
    partnerProgramType=STR,
    customerPartnerProgramDetails=ref("customerPartnerProgramDetails"),
)

PARTNER_UPDATED = _partner.extend(
    partnerProgramType=STR,
    updateType=STR,
    customerPartnerProgramDetails=ref("customerPartnerProgramDetails"),
)

PARTNER_DELINKED = _partner.extend(partnerProgramType=STR)


@reads("expiry membership_id partner_id partner_name partner_tier partner_type")
def build_partner_linked(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts (all optional):

    - ``partner_id``, ``partner_name``, ``partner_type`` (SUPPLEMENTARY or EXTERNAL)
    - ``expiry``: membership expiry (SUPPLEMENTARY) or partner tier expiry (EXTERNAL),
      YYYY-MM-DD
    - ``membership_id``, ``partner_tier``: membership number and tier number in the
      partner program (EXTERNAL only)
    """
    body = head(ctx, f)
    body["customerPartnerProgramDetails"] = details(ctx, f, body["partnerProgramType"])
    return body


@reads("expiry membership_id partner_id partner_name partner_tier partner_type update_type")
def build_partner_updated(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts (all optional): as for partnerProgramLinked, plus

    - ``update_type``: what changed: UPGRADE, DOWNGRADE, RENEWAL… (default: RENEWAL for
      a supplementary membership, any of them for an external program)
    """
    body = head(ctx, f, entity=False)
    ptype = body["partnerProgramType"]
    default = ctx.rng.choice(UPDATE_TYPES) if ptype == "EXTERNAL" else "RENEWAL"
    body["updateType"] = str(f.get("update_type") or default)
    body["customerPartnerProgramDetails"] = details(ctx, f, body["partnerProgramType"])
    return body


@reads("partner_id partner_name partner_type")
def build_partner_delinked(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts (all optional): ``partner_id``, ``partner_name``, ``partner_type``."""
    return head(ctx, f)


# ---- supplementaryMembershipExpiryReminder ---------------------------------------------

SUPPLEMENTARY_REMINDER = _partner.extend(scheduledExpiryDate=DATE)


@reads("expiry partner_id partner_name partner_type")
def build_supplementary_reminder(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Facts (all optional):

    - ``partner_id``, ``partner_name``: the supplementary partner program
    - ``expiry``: the scheduled membership expiry date, YYYY-MM-DD (default: soon)
    """
    body = head(ctx, f, "SUPPLEMENTARY", entity=False)
    del body["partnerProgramType"]
    body["scheduledExpiryDate"] = str(f.get("expiry") or ctx.date(ctx.rng.choice((7, 15, 30))))
    return body


def _reminder_ref(data: dict[str, Any]) -> str:
    """A reminder batch id: ``<uuid>_b1``, stable for (customer, program, date)."""
    key = (
        f"{data['customerIdentifiers']['customerId']}:{data['partnerProgramId']}:"
        f"{data['scheduledExpiryDate']}"
    )
    return f"{uuid5(uuid.NAMESPACE_OID, key)}_b1"


EVENTS: list[EventDef] = [
    EventDef(
        "partnerProgramLinked",
        DOMAIN,
        PARTNER_LINKED,
        build_partner_linked,
        "A customer linked to a partner program (supplementary or external).",
    ),
    EventDef(
        "partnerProgramUpdated",
        DOMAIN,
        PARTNER_UPDATED,
        build_partner_updated,
        "A customer's partner program membership changed (tier, expiry, membership number).",
    ),
    EventDef(
        "partnerProgramDelinked",
        DOMAIN,
        PARTNER_DELINKED,
        build_partner_delinked,
        "A customer delinked from a partner program.",
    ),
    EventDef(
        "supplementaryMembershipExpiryReminder",
        DOMAIN,
        SUPPLEMENTARY_REMINDER,
        build_supplementary_reminder,
        "Reminder that a customer's supplementary partner membership expires soon.",
        ref=_reminder_ref,
        loyalty_event_id=False,
    ),
]
