"""Communication events: customerSubscription, communicationMessageUndelivered (seed 005).

``customerSubscription``: a customer's subscription to a channel's transactional (TRANS)
or promotional (BULK) messages changed; one entry per channel and priority changed, with
the previous and the current status (SUBSCRIBED / UNSUBSCRIBED).

``communicationMessageUndelivered`` is documented only as Capillary's own JSON Schema
fragment: ``deliveryFailureStatus`` (an enum of 13 values), ``deliveryFailureReason``,
``errorDescription``, ``errorCode`` and ``baseAttributes``, all required. The fragment
refers ``baseAttributes`` to an internal schema it does not publish, so capmock declares
it as an object whose members are all optional and fills it with what a consumer needs
to find the message: the customer, channel, recipient, message and campaign ids, and
when it was sent (capmock's reading, not Capillary's text).

Seed 005 shows both only in the flat envelope (the fragment extends ``commonEvent``).
"""

from __future__ import annotations

from typing import Any

from capmock.catalog.common import customer_identifiers
from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import INT, MILLIS, STR, arr, enum, obj, opt, ref
from capmock.catalog.registry import REQUEST_ID, EventDef, reads

DOMAIN = "communication"

CHANNELS = ("SMS", "EMAIL", "WHATSAPP", "MOBILE_PUSH")
PRIORITIES = ("TRANS", "BULK")
SUBSCRIBED, UNSUBSCRIBED = "SUBSCRIBED", "UNSUBSCRIBED"

FAILURE_STATUSES = (
    "TIMEOUT",
    "RETRY_TIMEOUT",
    "HARD_BOUNCED",
    "SOFT_BOUNCED",
    "DND_BLOCKED",
    "NDNC_BLOCKED",
    "FAILED",
    "CREDIT_LIMIT_EXCEEDED",
    "RATE_LIMIT_EXCEEDED",
    "EMAIL_BODY_EMPTY",
    "MARKED_SPAM",
    "UNKNOWN",
    "NOT_DELIVERED",
)

# status -> (reason, error code, description): what gateways answer for each.
FAILURES: dict[str, tuple[str, str, str]] = {
    "TIMEOUT": ("Gateway timeout", "408", "No delivery report within the validity period"),
    "RETRY_TIMEOUT": ("Retries exhausted", "4081", "Message expired after the last retry"),
    "HARD_BOUNCED": ("Mailbox does not exist", "550", "550 5.1.1 The email account does not exist"),
    "SOFT_BOUNCED": ("Mailbox full", "452", "452 4.2.2 The email account is over quota"),
    "DND_BLOCKED": (
        "Customer unsubscribed",
        "DND",
        "Recipient is in the org's do-not-disturb list",
    ),
    "NDNC_BLOCKED": ("Number in NDNC registry", "NDNC", "Recipient opted out of promotional SMS"),
    "FAILED": ("Operator rejected", "500", "Message rejected by the operator network"),
    "CREDIT_LIMIT_EXCEEDED": ("Insufficient credits", "402", "The org's message credits ran out"),
    "RATE_LIMIT_EXCEEDED": ("Throttled", "429", "Gateway rate limit exceeded"),
    "EMAIL_BODY_EMPTY": ("Empty body", "422", "The rendered email body was empty"),
    "MARKED_SPAM": ("Marked as spam", "SPAM", "Recipient's provider classified it as spam"),
    "UNKNOWN": ("Unknown", "0", "The gateway gave no reason"),
    "NOT_DELIVERED": ("Undelivered", "1", "The handset was unreachable"),
}

SUBSCRIPTION = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    subscriptions=arr(
        obj(
            sourceAccountId=opt(STR),
            previousStatus=STR,
            currentStatus=STR,
            channel=STR,
            sourceName=STR,
            priority=STR,
            ouId=opt(INT),
            ouCode=opt(STR),
        )
    ),
)

UNDELIVERED = obj(
    deliveryFailureStatus=enum(*FAILURE_STATUSES),
    deliveryFailureReason=STR,
    errorDescription=STR,
    errorCode=STR,
    baseAttributes=obj(
        customerIdentifiers=opt(ref("customerIdentifiers")),
        channel=opt(STR),
        receiver=opt(STR),
        messageId=opt(STR),
        campaignId=opt(INT),
        sentAt=opt(MILLIS),
    ),
)


@reads("changes source")
def build_subscription(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A customer's subscription status changed.

    Facts (all optional): ``changes`` list of {channel, priority, previous, current}
    (default: one channel unsubscribed); ``source`` (sourceName, default INSTORE).
    """
    changes = f.get("changes") or [
        {
            "channel": ctx.rng.choice(CHANNELS),
            "priority": ctx.rng.choice(PRIORITIES),
            "previous": SUBSCRIBED,
            "current": UNSUBSCRIBED,
        }
    ]
    source = f.get("source") or "INSTORE"
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "subscriptions": [
            {
                "previousStatus": ch["previous"],
                "currentStatus": ch["current"],
                "channel": ch["channel"],
                "sourceName": source,
                "priority": ch["priority"],
                "ouId": -1,
            }
            for ch in changes
        ],
    }


def receiver(ctx: Ctx, channel: str) -> str:
    """Where a message on ``channel`` goes for the context's customer."""
    return ctx.customer.email if channel == "EMAIL" else ctx.customer.mobile


@reads("channel status reason error_code description message_id campaign_id sent_ms")
def build_undelivered(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A message to the customer could not be delivered.

    Facts (all optional): ``channel`` (SMS, EMAIL…), ``status`` (deliveryFailureStatus),
    ``reason``, ``error_code``, ``description`` (default: the gateway's usual ones for
    the status), ``message_id``, ``campaign_id``, ``sent_ms``.
    """
    channel = f.get("channel") or ctx.rng.choice(CHANNELS[:2])
    default = "HARD_BOUNCED" if channel == "EMAIL" else "NOT_DELIVERED"
    status = f.get("status") or ctx.rng.choice((default, default, "TIMEOUT", "FAILED"))
    reason, code, description = FAILURES[status]
    sent = f.get("sent_ms") or ctx.now_ms - ctx.rng.randint(30_000, 3_600_000)
    return {
        "deliveryFailureStatus": status,
        "deliveryFailureReason": f.get("reason") or reason,
        "errorDescription": f.get("description") or description,
        "errorCode": f.get("error_code") or code,
        "baseAttributes": {
            "customerIdentifiers": customer_identifiers(ctx),
            "channel": channel,
            "receiver": receiver(ctx, channel),
            "messageId": f.get("message_id") or ctx.fake.uuid(),
            "campaignId": f.get("campaign_id") or ctx.ids.next("campaign"),
            "sentAt": int(sent),
        },
    }


EVENTS: list[EventDef] = [
    EventDef(
        "customerSubscription",
        DOMAIN,
        SUBSCRIPTION,
        build_subscription,
        "A customer subscribed to or unsubscribed from a channel's messages.",
        ref=REQUEST_ID,
    ),
    EventDef(
        "communicationMessageUndelivered",
        DOMAIN,
        UNDELIVERED,
        build_undelivered,
        "A message (SMS, email…) to a customer could not be delivered.",
        ref=REQUEST_ID,
        loyalty_event_id=False,
    ),
]
