"""Steps that steer a scenario (repeat, for_each, choose, wait), check the consumer's
state, or emit any catalog event."""

from __future__ import annotations

from capmock.scenario.spec.base import CUST, P, StepSpec

# control
CONTROL: list[StepSpec] = [
    StepSpec("repeat", "Run `steps:` N times.", (P("times", "int", True),), "times", True),
    StepSpec(
        "for_each",
        "Run `steps:` once per customer of a crowd (or of a list).",
        (P("customers", "string", True, "a crowd name from `customers:`"),),
        "customers",
        True,
    ),
    StepSpec(
        "choose",
        "Pick one branch by weight (seeded): a list of {weight, steps}.",
        (P("branches", "list", True),),
        "branches",
    ),
    StepSpec(
        "wait",
        "Advance the simulated clock; expiries and reminders fall due.",
        (P("duration", "duration", True),),
        "duration",
        emits=("pointsExpired", "promisedToCurrentPointsConversion"),
    ),
]

# consumer state, and anything
CONSUMER: list[StepSpec] = [
    StepSpec(
        "check",
        "Deliver everything so far, then poll the consumer's state (`consumer.state`) until "
        "the JSONPath values in `json` hold; `{{ alice.points.current }}` is the model's value.",
        (
            CUST,
            P("json", "mapping", True, "JSONPath -> expected value, e.g. $.tier: 2"),
            P("within", "duration", doc="how long to poll (default consumer.within, else 10s)"),
            P(
                "status",
                "int",
                doc="the state endpoint's expected status (default 200)",
                low=100,
                high=599,
            ),
        ),
        "customer",
    ),
    StepSpec(
        "emit",
        "Emit any catalog event, with field overrides merged into `data`.",
        (CUST, P("event", "event", True), P("fields", "mapping"), P("facts", "mapping")),
        "event",
    ),
]
