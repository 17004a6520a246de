"""Customer group (user group loyalty) events: groupCreated, groupUpdated,
groupMemberAdded, groupMemberRemoved, pointsContributionToGroup (seed 005).

A group (a family or household) has one PRIMARY member, who administers it, and
SECONDARY members. By default a member's transaction issues points both to the member's
own wallet and to the group's wallet: ``pointsContributionToGroup`` tells of the second,
with the points the member earned (``pointsContributedToGroup``), so the member's own
ledger is unchanged by it. Every group event names the group and its primary member;
member events name the member who joined or left, contribution events the contributing
member. Seed 005 documents only the flat envelope for these events.

``refId`` of the group events is ``<orgId>_<groupId>``; a contribution's is the
loyaltyEventId, as for pointsIssued.
"""

from __future__ import annotations

from typing import Any

from capmock.catalog.common import customer_identifiers, entered_by, program_details
from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import INT, NUM, STR, Node, obj, ref
from capmock.catalog.registry import EventDef, reads
from capmock.model.entities import Customer

DOMAIN = "group"

PRIMARY, SECONDARY = "PRIMARY", "SECONDARY"
GROUP_WORDS = ("Family", "Household", "Home", "Parivar", "Crew", "Clan")

DEFS: dict[str, Node] = {
    "groupMember": obj(
        firstName=STR,
        lastName=STR,
        role=STR,
        customerIdentifiers=ref("customerIdentifiers"),
    ),
}

_GROUP = {
    "groupId": INT,
    "groupName": STR,
    "primaryMember": ref("groupMember"),
}
_ENTERED = {"enteredAt": INT, "enteredBy": ref("enteredBy")}

GROUP = obj(**_GROUP, **_ENTERED)
MEMBER_ADDED = obj(**_GROUP, memberAdded=ref("groupMember"), **_ENTERED)
MEMBER_REMOVED = obj(**_GROUP, memberRemoved=ref("groupMember"), **_ENTERED)
CONTRIBUTION = obj(
    **_GROUP,
    contributingMember=ref("groupMember"),
    triggeringActivity=ref("triggeringActivity"),
    loyaltyProgramDetails=ref("loyaltyProgramDetails"),
    loyaltyProgramId=INT,
    pointsContributedToGroup=NUM,
)


# ---- helpers -------------------------------------------------------------------------


def identifiers_of(ctx: Ctx, customer: Customer) -> dict[str, Any]:
    """customerIdentifiers of any customer, shaped as ``customer_identifiers`` shapes
    the context's own."""
    out: dict[str, Any] = {"customerId": customer.customer_id}
    if ctx.options.enrich:
        instore: dict[str, Any] = {"mobile": customer.mobile, "email": customer.email}
        if customer.external_id:
            instore["externalId"] = customer.external_id
        out["instore"] = instore
    return out


def _made_up(ctx: Ctx, last_name: str | None = None) -> Customer:
    """Another member for a stand-alone event: a fresh customer of the same family."""
    fake = ctx.fake
    first, last = fake.first_name(), last_name or fake.last_name()
    return Customer(
        customer_id=ctx.ids.next("customer"),
        first_name=first,
        last_name=last,
        mobile=fake.mobile(),
        email=fake.email(first, last),
        external_id="",
        card_number="",
    )


def member(ctx: Ctx, customer: Customer | None, role: str) -> dict[str, Any]:
    """A groupMember; ``customer`` None: the context's customer."""
    if customer is None or customer is ctx.customer:
        c, ids = ctx.customer, customer_identifiers(ctx)
    else:
        c, ids = customer, identifiers_of(ctx, customer)
    return {
        "firstName": c.first_name,
        "lastName": c.last_name,
        "role": role,
        "customerIdentifiers": ids,
    }


def group_head(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """groupId, groupName, primaryMember from the facts ``group_id``, ``group_name``,
    ``primary`` (a Customer; default: the context's customer)."""
    primary = f.get("primary") or ctx.customer
    name = f.get("group_name") or f"{primary.last_name} {ctx.rng.choice(GROUP_WORDS)}"
    return {
        "groupId": f.get("group_id") or ctx.ids.next("group"),
        "groupName": name,
        "primaryMember": member(ctx, primary, PRIMARY),
    }


def _entered(ctx: Ctx, f: Facts) -> dict[str, Any]:
    at = f.get("entered_at") or ctx.now_ms - ctx.rng.randint(200, 20_000)
    return {"enteredAt": int(at), "enteredBy": entered_by(ctx)}


def _other(ctx: Ctx, f: Facts, key: str) -> Customer:
    """The member a member event is about: the ``member`` fact, else made up (another
    member of the primary's family, when the context's customer is the primary)."""
    given = f.get(key)
    if given is not None:
        return given  # type: ignore[no-any-return]
    primary = f.get("primary") or ctx.customer
    return _made_up(ctx, primary.last_name if ctx.rng.random() < 0.7 else None)


# ---- builders ------------------------------------------------------------------------


@reads("group_id group_name primary entered_at")
def build_group_created(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A group was created with its primary member.

    Facts (all optional): ``group_id``, ``group_name``, ``primary`` (a Customer; default
    the context's customer), ``entered_at`` (epoch ms).
    """
    return {**group_head(ctx, f), **_entered(ctx, f)}


@reads("group_id group_name primary entered_at")
def build_group_updated(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A group's details (its name, its primary member) changed. Facts: as groupCreated."""
    return {**group_head(ctx, f), **_entered(ctx, f)}


@reads("group_id group_name primary entered_at member role")
def build_member_added(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A member joined. Facts: as groupCreated, and ``member`` (the Customer who joined;
    default made up), ``role`` (default SECONDARY)."""
    head = group_head(ctx, f)
    joined = member(ctx, _other(ctx, f, "member"), f.get("role") or SECONDARY)
    return {**head, "memberAdded": joined, **_entered(ctx, f)}


@reads("group_id group_name primary entered_at member role")
def build_member_removed(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A member left or was removed. Facts: as groupMemberAdded (``member`` left)."""
    head = group_head(ctx, f)
    left = member(ctx, _other(ctx, f, "member"), f.get("role") or SECONDARY)
    return {**head, "memberRemoved": left, **_entered(ctx, f)}


@reads("group_id group_name primary member role points bill_id bill_number")
def build_contribution(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A member's points were contributed to the group's wallet.

    Facts (all optional): as groupCreated; ``member`` (the contributing Customer; default
    the context's customer), ``role`` (theirs), ``points`` (contributed), ``bill_id`` /
    ``bill_number`` (the transaction that earned them).
    """
    contributor = f.get("member") or ctx.customer
    is_primary = contributor is (f.get("primary") or ctx.customer)
    role = f.get("role") or (PRIMARY if is_primary else SECONDARY)
    points = f.get("points")
    if points is None:
        points = float(ctx.rng.randint(1, 80) * 5)
    bill_id = f.get("bill_id") or ctx.ids.next("transaction")
    identifiers = [("BillId", bill_id)]
    if f.get("bill_number"):
        identifiers.append(("billNumber", f["bill_number"]))
    return {
        **group_head(ctx, f),
        "contributingMember": member(ctx, contributor, role),
        "triggeringActivity": {
            "name": "TransactionAdd",
            "identifiers": [{"key": k, "value": str(v)} for k, v in identifiers],
            "enteredBy": {"id": ctx.store.entered_by_id},
            "entityInformation": {"entityType": "USER", "entityId": contributor.customer_id},
            "additionalAttributes": [],
        },
        "loyaltyProgramDetails": program_details(ctx),
        "loyaltyProgramId": ctx.prog.id,
        "pointsContributedToGroup": float(points),
    }


def _group_ref(data: dict[str, Any]) -> Any:
    return data.get("groupId")


def _event(name: str, data: Any, build: Any, text: str) -> EventDef:
    return EventDef(name, DOMAIN, data, build, text, ref=_group_ref)


EVENTS: list[EventDef] = [
    _event("groupCreated", GROUP, build_group_created, "A customer group was created."),
    _event("groupUpdated", GROUP, build_group_updated, "A customer group's details changed."),
    _event("groupMemberAdded", MEMBER_ADDED, build_member_added, "A customer joined a group."),
    _event(
        "groupMemberRemoved",
        MEMBER_REMOVED,
        build_member_removed,
        "A customer left (or was removed from) a group.",
    ),
    EventDef(
        "pointsContributionToGroup",
        DOMAIN,
        CONTRIBUTION,
        build_contribution,
        "Points a member earned were contributed to the group's wallet.",
    ),
]
