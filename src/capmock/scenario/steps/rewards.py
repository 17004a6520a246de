"""Steps: rewards (create, update, issue, expiry reminder), badges, partner programs,
requests."""

from __future__ import annotations

from capmock.model import activity, partners, rewards
from capmock.model.entities import Customer
from capmock.model.rewards import Reward
from capmock.scenario.steps.base import Args, Result, Session, handler, need, ref


@handler("create_reward")
def create_reward(s: Session, customer: Customer | None, args: Args) -> Result:
    reward, emission = rewards.create(s.world, str(args["name"]), float(args.get("points", 500)))
    return [emission], reward


@handler("update_reward")
def update_reward(s: Session, customer: Customer | None, args: Args) -> Result:
    reward = ref(s, args["reward"], Reward)
    cost = float(args["points"]) if "points" in args else None
    return [rewards.update(s.world, reward, cost)], reward


@handler("issue_reward")
def issue_reward(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    reward = ref(s, args["reward"], Reward)
    fail = str(args["fail"]) if args.get("fail") else None
    return rewards.issue(s.world, c, reward, fail), reward


@handler("reward_expiry_reminder")
def reward_expiry_reminder(s: Session, customer: Customer | None, args: Args) -> Result:
    reward = ref(s, args["reward"], Reward)
    return [rewards.expiry_reminder(s.world, customer, reward)], reward


@handler("earn_badge")
def earn_badge(s: Session, customer: Customer | None, args: Args) -> Result:
    name = str(args.get("badge", "Early bird"))
    return [activity.earn_badge(s.world, need(customer), name)], name


def _partner(s: Session, customer: Customer | None, args: Args, event: str) -> Result:
    c = need(customer)
    name = str(args.get("partner", "Airline Miles"))
    return [partners.change(s.world, c, name, event)], None


@handler("link_partner")
def link_partner(s: Session, customer: Customer | None, args: Args) -> Result:
    return _partner(s, customer, args, partners.LINKED)


@handler("update_partner")
def update_partner(s: Session, customer: Customer | None, args: Args) -> Result:
    return _partner(s, customer, args, partners.UPDATED)


@handler("delink_partner")
def delink_partner(s: Session, customer: Customer | None, args: Args) -> Result:
    return _partner(s, customer, args, partners.DELINKED)


@handler("partner_expiry_reminder")
def partner_expiry_reminder(s: Session, customer: Customer | None, args: Args) -> Result:
    return _partner(s, customer, args, partners.REMINDED)


@handler("request_update")
def request_update(s: Session, customer: Customer | None, args: Args) -> Result:
    kind, status = str(args.get("type", "TRANSACTION")), str(args.get("status", "APPROVED"))
    return [activity.request_updated(s.world, customer, kind, status)], None


@handler("request_workflow")
def request_workflow(s: Session, customer: Customer | None, args: Args) -> Result:
    kind = str(args["type"]) if "type" in args else None
    status = str(args.get("status", "APPROVED"))
    return [activity.request_workflow(s.world, customer, status, kind)], None
