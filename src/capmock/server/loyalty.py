"""Capillary-like bodies of a customer from the model: the lookup profile, loyalty details.

``loyaltyDetails`` follows Capillary's v2 *Get loyalty details* ``data`` items (points:
loyaltyPoints, lifetimePoints, redeemed, expired, delayedPoints…; tier: currentSlab, slabSNo,
nextSlab…). The lookup profile follows v2 customer lookup in outline (id, profiles with
identifiers and commChannels, loyaltyInfo) plus ``loyaltyProgramDetails`` (points and tier
per program). Customers of single generated events have no ledger: their points are 0.
Call these with the source's lock held.
"""

from __future__ import annotations

from typing import Any

from capmock.model.coupons import Coupon
from capmock.model.entities import Customer, Program
from capmock.model.world import CustomerState
from capmock.server.promotions import iso_ms
from capmock.server.world_registry import Found

NO_EXPIRY = "2125-12-31T23:59:59Z"  # Capillary's far-future date for tiers that never expire


def _tier_fields(program: Program, c: Customer) -> dict[str, Any]:
    number = c.tiers.get(program.id, 1)
    tiers = sorted(program.tiers, key=lambda t: t.number)
    current = next((t for t in tiers if t.number == number), None)
    nxt = next((t for t in tiers if t.number > number), None)
    return {
        "currentSlab": current.name if current else None,
        "slabSNo": number,
        "slabExpiryDate": NO_EXPIRY,
        "nextSlab": nxt.name if nxt else None,
        "nextSlabSerialNumber": nxt.number if nxt else None,
        "nextSlabDescription": f"Tier {nxt.number}" if nxt else None,
    }


def program_details(program: Program, c: Customer, st: CustomerState | None) -> dict[str, Any]:
    acc = st.accounts.get(program.id) if st is not None else None
    current = acc.current if acc else 0.0
    promised = acc.promised_total if acc else 0.0
    enrolled = st is not None and st.enrolled
    return {
        "redeemed": float(acc.redeemed) if acc else 0.0,
        "expired": float(acc.expired) if acc else 0.0,
        "returned": 0.0,
        "adjusted": 0.0,
        "lifetimePoints": float(acc.lifetime) if acc else 0.0,
        "loyaltyPoints": float(current),
        "cumulativePurchases": round(float(st.spend), 2) if st is not None else 0.0,
        "loyaltyId": c.customer_id if enrolled else -1,
        **_tier_fields(program, c),
        "programId": program.id,
        "delayedPoints": float(promised),
        "delayedReturnedPoints": 0.0,
        "totalAvailablePoints": round(float(current) + float(promised), 2),
        "totalReturnedPoints": 0.0,
    }


def loyalty_details(found: Found, program_id: int | None = None) -> list[dict[str, Any]]:
    programs = found.source.org.programs
    return [program_details(p, found.customer, found.state) for p in programs
            if program_id is None or p.id == program_id]


def customer_profile(found: Found) -> dict[str, Any]:
    c, st = found.customer, found.state
    identifiers = [
        {"type": "mobile", "value": c.mobile},
        {"type": "email", "value": c.email},
        {"type": "externalId", "value": c.external_id},
        {"type": "cardnumber", "value": c.card_number},
    ]
    channels = [
        {"type": "mobile", "value": c.mobile, "primary": True, "verified": True},
        {"type": "email", "value": c.email, "primary": True, "verified": True},
    ]
    enrolled = st is not None and st.enrolled
    program_rows = []
    for p in found.source.org.programs:
        d = program_details(p, c, st)
        program_rows.append({
            "programId": p.id, "programName": p.name, "loyaltyPoints": d["loyaltyPoints"],
            "lifetimePoints": d["lifetimePoints"], "tierName": d["currentSlab"],
            "tierNumber": d["slabSNo"],
        })
    return {
        "id": c.customer_id,
        "profiles": [{
            "firstName": c.first_name, "lastName": c.last_name, "source": c.source,
            "accountId": "", "identifiers": identifiers, "commChannels": channels,
            "fields": {}, "allFields": {},
        }],
        "loyaltyInfo": {
            "loyaltyType": "loyalty" if enrolled else "non_loyalty",
            "lifetimePurchases": round(float(st.spend), 2) if st is not None else 0.0,
            "visits": st.visits if st is not None else 0,
        },
        "loyaltyProgramDetails": program_rows,
        "coupons": [_coupon(x) for x in (st.coupons.values() if st is not None else [])],
        "extendedFields": {},
        "warnings": [],
        "asOf": iso_ms(found.source.now_ms),
    }


def _coupon(x: Coupon) -> dict[str, Any]:
    return {"id": x.coupon_id, "code": x.code, "seriesId": x.series_id,
            "seriesName": x.series, "discountValue": x.discount,
            "expiry": x.expiry, "status": x.status}
