"""Step: emit, any catalog event; an event whose numbers the model owns runs its step."""

from __future__ import annotations

from typing import Any

from capmock import catalog
from capmock.catalog.registry import UnknownFactError
from capmock.errors import did_you_mean
from capmock.model.entities import Customer
from capmock.scenario import spec
from capmock.scenario.steps.base import HANDLERS, Args, Result, Session, handler

# Events whose numbers the model owns: an `emit` of one of them goes through the model.
MODEL_EVENTS = {
    "pointsIssued": "award_points",
    "pointsRedeemed": "redeem_points",
    "pointsExpired": "expire_points",
    "pointsExpiryReminder": "points_expiry_reminder",
    "promisedToCurrentPointsConversion": "promised_to_current",
    "tierUpgraded": "tier_upgrade",
    "tierDowngraded": "tier_downgrade",
    "tierRenewed": "tier_renew",
    "tierDowngradeReminder": "tier_downgrade_reminder",
    "customerAdded": "enrol",
    "customerUpdated": "update_customer",
    "cardUpdated": "update_card",
    "transactionAdded": "transact",
    "manualPointsAdjustment": "adjust_points",
    "pointsExpiryChange": "change_points_expiry",
    "promisedToCurrentAlternateCurrencyConversion": "convert_alternate_currency",
}

DEFAULTS: dict[str, dict[str, Any]] = {
    "pointsIssued": {"points": 100},
    "pointsRedeemed": {"points": 50},
    "pointsExpired": {"all": True},
    "manualPointsAdjustment": {"points": 100},
    "pointsExpiryChange": {"extend": "30d"},
}


@handler("emit")
def emit(s: Session, customer: Customer | None, args: Args) -> Result:
    """Any catalog event; model-owned events run through their step so numbers agree."""
    event = str(args["event"])
    fields = dict(args.get("fields") or {})
    facts = dict(args.get("facts") or {})
    step = MODEL_EVENTS.get(event)
    if step is not None:
        _check_step_facts(event, step, facts)
        emissions, result = HANDLERS[step](s, customer, {**DEFAULTS.get(event, {}), **facts})
        for e in emissions:
            if e.event == event:
                e.overrides = fields or None
        return emissions, result
    catalog.get(event).check_facts(facts)  # a misspelt fact fails here, at its step
    emission = s.world.emission(event, customer, facts)
    emission.overrides = fields or None
    return [emission], None


def _check_step_facts(event: str, step: str, facts: Args) -> None:
    """The facts of a model-owned event are its step's parameters: any other name fails."""
    known = {p.name for p in spec.STEPS[step].params} - {"customer"}
    unknown = sorted(facts.keys() - known)
    if unknown:
        guess = did_you_mean(unknown[0], known)
        raise UnknownFactError(
            f"{event} has no fact '{unknown[0]}' (emit runs the {step} step)",
            hint=f"did you mean '{guess}'?" if guess else f"its facts: {', '.join(sorted(known))}",
        )
