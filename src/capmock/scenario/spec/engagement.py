"""Steps about engagement: targets and their periods, streaks, badges, rewards and their
fulfilment, partner programs, requests, and messages."""

from __future__ import annotations

from capmock.scenario.spec.base import CUST, P, StepSpec

# targets, streaks, badges, rewards
ENGAGEMENT: list[StepSpec] = [
    StepSpec(
        "target_progress",
        "Add to a target's achieved value (see org.targets).",
        (CUST, P("target", "string", True), P("value", "number", True)),
        emits=("targetAchievedValueUpdated", "targetValueAchieved", "unifiedTargetsAchieved"),
    ),
    StepSpec(
        "target_unachieved",
        "A unified target period closes unachieved.",
        (CUST, P("target", "string", True)),
        "target",
        emits=("unifiedTargetsUnAchieved",),
    ),
    StepSpec(
        "streak_enrol",
        "Enrol the customer in a streak.",
        (CUST, P("streak", "string")),
        "streak",
        emits=("streakCustomerEnrolment", "streakStart"),
    ),
    StepSpec(
        "streak_unenrol",
        "Take the customer out of a streak.",
        (CUST, P("streak", "string")),
        "streak",
        emits=("streakCustomerUnEnrolment",),
    ),
    StepSpec(
        "streak_level",
        "The customer reaches (or loses) a streak level.",
        (CUST, P("streak", "string"), P("lost", "bool")),
        "streak",
        emits=("streakLevelAchieved", "streakLevelUnAchieved"),
    ),
    StepSpec(
        "streak_end",
        "The streak ends for the customer.",
        (CUST, P("streak", "string")),
        "streak",
        emits=("streakEnd",),
    ),
    StepSpec(
        "earn_badge",
        "Issue a badge to the customer.",
        (CUST, P("badge", "string")),
        "badge",
        emits=("badgeEarned",),
    ),
    StepSpec(
        "create_reward",
        "Create a reward in the catalogue.",
        (P("name", "string", True), P("points", "number"), P("as", "string")),
        "name",
        emits=("rewardCreated",),
    ),
    StepSpec(
        "update_reward",
        "Change a reward.",
        (P("reward", "ref", True), P("points", "number")),
        "reward",
        emits=("rewardUpdated",),
    ),
    StepSpec(
        "issue_reward",
        "Issue a reward to the customer (points are spent).",
        (CUST, P("reward", "ref", True), P("fail", "string", doc="failure reason")),
        "reward",
        emits=("rewardIssued", "issueRewardFailure", "pointsRedeemed"),
    ),
    StepSpec(
        "reward_expiry_reminder",
        "Remind of an issued reward's expiry.",
        (CUST, P("reward", "ref", True)),
        "reward",
        emits=("rewardExpiryReminder",),
    ),
]

# partner programs, requests
PARTNERS: list[StepSpec] = [
    StepSpec(
        "link_partner",
        "Link the customer to a partner programme.",
        (CUST, P("partner", "string")),
        "partner",
        emits=("partnerProgramLinked",),
    ),
    StepSpec(
        "update_partner",
        "Update the customer's partner membership.",
        (CUST, P("partner", "string")),
        "partner",
        emits=("partnerProgramUpdated",),
    ),
    StepSpec(
        "delink_partner",
        "Delink the customer from a partner programme.",
        (CUST, P("partner", "string")),
        "partner",
        emits=("partnerProgramDelinked",),
    ),
    StepSpec(
        "partner_expiry_reminder",
        "Remind of a supplementary membership's expiry.",
        (CUST, P("partner", "string")),
        "partner",
        emits=("supplementaryMembershipExpiryReminder",),
    ),
    StepSpec(
        "request_update",
        "A change request is approved or rejected.",
        (CUST, P("type", "string"), P("status", "string")),
        "status",
        emits=("requestUpdated",),
    ),
    StepSpec(
        "request_workflow",
        "An advanced request-workflow step.",
        (CUST, P("type", "string"), P("status", "string")),
        "type",
        emits=("requestWorkflowEvent",),
    ),
]

# target periods (seed 005)
PERIODS: list[StepSpec] = [
    StepSpec(
        "target_enrol",
        "Enrol the customer in a target (see org.targets): its period P1 starts.",
        (CUST, P("target", "string", True), P("source", "string")),
        "target",
        emits=("targetCustomerEnrolment", "targetPeriodStarted"),
    ),
    StepSpec(
        "target_period_start",
        "Start the target's next period (the current one must be complete).",
        (CUST, P("target", "string", True)),
        "target",
        emits=("targetPeriodStarted",),
    ),
    StepSpec(
        "target_value_update",
        "Change the target value defined for the customer.",
        (CUST, P("target", "string", True), P("value", "number", True)),
        emits=("targetValueUpdated",),
    ),
    StepSpec(
        "target_period_complete",
        "Close the target's current period with what the customer achieved.",
        (CUST, P("target", "string", True)),
        "target",
        emits=("targetPeriodCompleted",),
    ),
]

# messages (seed 005)
MESSAGES: list[StepSpec] = [
    StepSpec(
        "subscription",
        "The customer subscribes to or unsubscribes from a channel's messages.",
        (
            CUST,
            P("channel", "string", doc="SMS (default), EMAIL, WHATSAPP, MOBILE_PUSH"),
            P("status", "string", doc="UNSUBSCRIBED (default) or SUBSCRIBED"),
            P("priority", "string", doc="TRANS or BULK; default both"),
        ),
        "channel",
        emits=("customerSubscription",),
    ),
    StepSpec(
        "message_undelivered",
        "A message to the customer is not delivered (DND_BLOCKED on a channel they left).",
        (
            CUST,
            P("channel", "string"),
            P("priority", "string"),
            P("status", "string", doc="a deliveryFailureStatus, e.g. HARD_BOUNCED"),
        ),
        "channel",
        emits=("communicationMessageUndelivered",),
    ),
]

# reward fulfilment (seed 005)
FULFILMENT: list[StepSpec] = [
    StepSpec(
        "update_reward_transaction",
        "An issued reward's fulfilment moves on (PROCESSING, SHIPPED, DELIVERED…).",
        (CUST, P("reward", "ref", True), P("status", "string")),
        "reward",
        emits=("updateRewardTransaction",),
    ),
]
