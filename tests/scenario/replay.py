"""An independent reading of a stream of payloads: re-derive each customer's balance from
the events alone and compare it with what every points event states."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from capmock.envelope import unwrap


def _current_stated(data: dict[str, Any]) -> float | None:
    if "programCurrentPoints" in data:
        return float(data["programCurrentPoints"])
    for key in ("redemptionFromEarningPrograms", "redemptionReversalToEarningPrograms"):
        entries = data.get(key) or []
        if entries:
            return float(entries[0]["programCurrentPoints"])
    return None


def _delta(name: str, d: dict[str, Any]) -> float:
    promo = sum(float(p["promotionPoints"]) for p in d.get("promotionalPointsIssued") or [])
    if name == "pointsIssued":
        return float(d["regularPointsIssued"]) + promo
    if name == "promisedToCurrentPointsConversion":
        return float(d["pointsConverted"])
    if name == "issuedPointsReversed":
        back = sum(float(p["promotionPoints"]) for p in d.get("promotionalPointsReversed") or [])
        return -(float(d["regularPointsReversed"]) + back)
    if name == "pointsRedeemed":
        return -float(d["totalPointsRedeemed"])
    if name == "redeemedPointsReversed":
        return float(d["redeemedPointsReversedDetails"]["available"])
    if name == "pointsExpired":
        return -float(d["pointsExpired"])
    if name == "pointsTransferredInitiated":
        return -float(d["totalPointsTransferred"])
    if name == "pointsTransferredReceived":
        return float(d["totalPointsTransferred"])
    if name == "manualPointsAdjustment":  # the points deducted: negative for a credit
        return -float(d["totalPoinstDeducted"])
    return 0.0


def check_balances(payloads: list[dict[str, Any]]) -> dict[int, float]:
    """Assert every stated balance equals the running sum; returns the final balances."""
    balance: dict[int, float] = defaultdict(float)
    for payload in payloads:
        name, _, data = unwrap(payload)
        assert isinstance(data, dict)
        if name == "loyaltyCustomerMerge":
            survivor = data["survivorCustomerIdentifiers"]["customerId"]
            victim = data["victimCustomerIdentifiers"]["customerId"]
            balance[survivor] += balance.pop(victim, 0.0)
            stated = data["survivorCustomerLoyaltySummary"][0]["currentPoints"]
            assert abs(balance[survivor] - stated) < 0.01, (name, balance[survivor], stated)
            continue
        ids = data.get("customerIdentifiers")
        if not ids:
            continue
        cid = ids["customerId"]
        balance[cid] = round(balance[cid] + _delta(str(name), data), 2)
        assert balance[cid] >= 0, (name, cid, balance[cid])
        stated = _current_stated(data)
        if stated is not None:
            assert abs(balance[cid] - stated) < 0.01, (name, cid, balance[cid], stated)
            lifetime = data.get("programLifetimePoints")
            if lifetime is not None:
                assert lifetime >= stated, (name, lifetime, stated)
    return dict(balance)


def _bill_id(data: dict[str, Any]) -> str | None:
    for pair in (data.get("triggeringActivity") or {}).get("identifiers") or []:
        if pair.get("key", "").lower() == "billid":
            return str(pair.get("value"))
    return None


def check_groups(payloads: list[dict[str, Any]]) -> dict[int, float]:
    """Re-derive each group's wallet from pointsContributionToGroup, checking that every
    contribution is what the contributing member was just issued for the same bill, and
    that only members contribute; returns the groups' balances."""
    issued: dict[tuple[int, str | None], float] = {}
    members: dict[int, set[int]] = defaultdict(set)
    wallet: dict[int, float] = defaultdict(float)
    for payload in payloads:
        name, _, data = unwrap(payload)
        assert isinstance(data, dict)
        if name == "pointsIssued":
            promo = sum(float(p["promotionPoints"]) for p in data["promotionalPointsIssued"])
            key = (data["customerIdentifiers"]["customerId"], _bill_id(data))
            issued[key] = float(data["regularPointsIssued"]) + promo
        elif name in ("groupCreated", "groupUpdated"):
            members[data["groupId"]].add(data["primaryMember"]["customerIdentifiers"]["customerId"])
        elif name == "groupMemberAdded":
            members[data["groupId"]].add(data["memberAdded"]["customerIdentifiers"]["customerId"])
        elif name == "groupMemberRemoved":
            left = data["memberRemoved"]["customerIdentifiers"]["customerId"]
            members[data["groupId"]].discard(left)
        elif name == "pointsContributionToGroup":
            cid = data["contributingMember"]["customerIdentifiers"]["customerId"]
            assert cid in members[data["groupId"]], (cid, data["groupId"])
            points = float(data["pointsContributedToGroup"])
            assert issued.get((cid, _bill_id(data))) == points, (cid, _bill_id(data), points)
            wallet[data["groupId"]] = round(wallet[data["groupId"]] + points, 2)
    return dict(wallet)
