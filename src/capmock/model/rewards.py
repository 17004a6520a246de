"""Rewards (the rewards catalog): created, updated, issued for points, reminders."""

from __future__ import annotations

from capmock.clock import DAY_MS
from capmock.model import points
from capmock.model.entities import Customer
from capmock.model.membership import require_enrolled
from capmock.model.records import IssuedReward, Reward
from capmock.model.world import Emission, Facts, World


def facts(reward: Reward) -> Facts:
    """The reward as the catalog builders read it: the same values in every reward event."""
    return {
        "reward_id": reward.id,
        "reward_name": reward.name,
        "points": reward.points,
        "tier": 1,
        "reward_type": reward.reward_type,
        "redemption_type": reward.redemption_type,
        "series_id": reward.series_id,
        "start_ms": reward.start_ms,
        "end_ms": reward.end_ms,
        "priority": reward.priority,
    }


def create(world: World, name: str, cost: float) -> tuple[Reward, Emission]:
    start = world.now_ms - world.now_ms % 1000
    rid = world.ids.next("reward")
    series_id = str(world.ids.next("series"))
    reward = Reward(
        rid, name, cost, "VOUCHER", "INTOUCH_REWARD", series_id, start, start + 180 * DAY_MS
    )
    world.rewards[reward.id] = reward
    return reward, world.emission("rewardCreated", None, facts(reward))


def update(world: World, reward: Reward, cost: float | None) -> Emission:
    if cost is not None:
        reward.points = cost
    return world.emission("rewardUpdated", None, {**facts(reward), "enabled": True})


def issue(world: World, c: Customer, reward: Reward, fail: str | None = None) -> list[Emission]:
    """rewardIssued (after its points are redeemed), or issueRewardFailure for ``fail``."""
    require_enrolled(world, c)
    if fail:
        failed = {"reward_id": reward.id, "reward_type": reward.reward_type}
        failed |= {"points": reward.points, "reason": fail, "qty": 1}
        return [world.emission("issueRewardFailure", c, failed)]
    out: list[Emission] = []
    if reward.points > 0:
        _, redeemed = points.redeem(world, c, reward.points)
        out.append(redeemed)
    code = world.fake.alnum(10).upper()
    world.state(c).rewards.append(IssuedReward(reward.name, code))
    given = {k: v for k, v in facts(reward).items() if k != "reward_name"}  # not in the body
    out.append(world.emission("rewardIssued", c, {**given, "code": code}))
    return out


def expiry_reminder(world: World, c: Customer | None, reward: Reward) -> Emission:
    return world.emission("rewardExpiryReminder", c, facts(reward))
