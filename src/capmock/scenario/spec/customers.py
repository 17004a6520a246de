"""Steps about customers: enrolment, details, merges, cards, and groups."""

from __future__ import annotations

from capmock.scenario.spec.base import AS, CUST, P, StepSpec

# customers
PEOPLE: list[StepSpec] = [
    StepSpec(
        "enrol",
        "Register a customer in the loyalty programme.",
        (
            CUST,
            P("source", "string"),
            P("first_name", "string"),
            P("last_name", "string"),
            P("mobile", "string"),
            P("email", "string"),
        ),
        "customer",
        emits=("customerAdded",),
    ),
    StepSpec(
        "update_customer",
        "Change a customer's details.",
        (
            CUST,
            P("first_name", "string"),
            P("last_name", "string"),
            P("email", "string"),
            P("mobile", "string"),
        ),
        "customer",
        emits=("customerUpdated",),
    ),
    StepSpec(
        "merge_customers",
        "Merge `victim` into `customer` (points and tier move).",
        (CUST, P("victim", "customer", True)),
        emits=("loyaltyCustomerMerge",),
    ),
    StepSpec(
        "update_card",
        "Change the status of the customer's card.",
        (CUST, P("status", "string")),
        "customer",
        emits=("cardUpdated",),
    ),
]

# groups (seed 005)
GROUPS: list[StepSpec] = [
    StepSpec(
        "create_group",
        "Create a customer group (family, household) with `customer` as its primary member.",
        (CUST, P("name", "string"), AS),
        "name",
        emits=("groupCreated",),
    ),
    StepSpec(
        "update_group",
        "Rename a group or make another member its primary.",
        (P("group", "string", True), P("name", "string"), P("primary", "customer")),
        "group",
        emits=("groupUpdated",),
    ),
    StepSpec(
        "join_group",
        "The customer joins a group; their later purchases contribute points to it.",
        (CUST, P("group", "string", True)),
        "group",
        emits=("groupMemberAdded",),
    ),
    StepSpec(
        "leave_group",
        "The customer leaves a group (points contributed stay with it).",
        (CUST, P("group", "string", True)),
        "group",
        emits=("groupMemberRemoved",),
    ),
]
