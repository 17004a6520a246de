"""Steps: create_reward, update_reward, issue_reward, reward_expiry_reminder."""

from __future__ import annotations

from capmock.model import rewards
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
