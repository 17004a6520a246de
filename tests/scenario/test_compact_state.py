"""The model's per-customer state stays small, and the player's shortcuts draw as before.

A crowd keeps one CustomerState per customer for the whole run, so what it holds is what
memory grows by; these tests pin the structure (no timing, no byte counts).
"""

from __future__ import annotations

import random
from bisect import bisect
from pathlib import Path

import pytest
from helpers import only, play, scenario_file

from capmock.model.customers import Accounts, CustomerState
from capmock.model.factory import make_customer, make_org
from capmock.model.fake import Fake
from capmock.model.ledger import Account
from capmock.scenario import load
from capmock.scenario.compiled import compile_step
from capmock.scenario.player import Player


def customer_state() -> CustomerState:
    fake = Fake(1)
    return CustomerState(make_customer(fake, 1, make_org(fake)))


def test_extras_are_made_on_first_use_only() -> None:
    st = customer_state()
    assert st.extras is None
    assert st.peek("coupons") == {} and st.peek("badges") == []
    assert st.extras is None  # peeking made nothing
    st.badges.append("Early bird")
    st.coupons[5] = {"code": "X"}
    assert st.extras is not None
    assert st.peek("badges") == ["Early bird"] and st.coupons == {5: {"code": "X"}}
    st.targets = {"spend": 10.0}  # assignment replaces the container
    assert st.targets == {"spend": 10.0} and st.peek("targets") is st.targets


def test_accounts_is_a_mapping_by_program_id() -> None:
    accounts = Accounts((7, 9))
    assert list(accounts) == [7, 9] and len(accounts) == 2
    assert accounts[7] is accounts.get(7) and accounts[9] is not accounts[7]
    assert isinstance(accounts[9], Account) and dict(accounts.items())[9] is accounts[9]
    assert accounts.get(8) is None and 8 not in accounts
    with pytest.raises(KeyError):
        accounts[8]
    assert list(Accounts(()).items()) == []


def test_a_crowd_keeps_one_small_state_per_customer(tmp_path: Path) -> None:
    steps = [
        {
            "for_each": "shoppers",
            "steps": [
                {"enrol": None},
                {"transact": {"amount": 900, "as": "bill"}},
                {"redeem_points": 10},
                {"return": "bill"},
            ],
        }
    ]
    player, events = play(tmp_path, steps, customers={"shoppers": {"crowd": 30}})
    world = player.world
    assert len(world.states) == 30 and len(events) == 30 * 6
    assert all(st.extras is None for st in world.states.values())  # no coupons, badges…
    assert all(isinstance(st.accounts, Accounts) for st in world.states.values())
    assert not hasattr(world, "redemptions")  # redemptions live only as named results
    assert len(world.touched) == 30 and not world.due  # no wait: nothing indexed yet


def test_a_wait_indexes_each_touched_customer_once(tmp_path: Path) -> None:
    steps = [
        {"for_each": "shoppers", "steps": [{"enrol": None}, {"transact": {"amount": 900}}]},
        {"wait": "1d"},
        {"for_each": "shoppers", "steps": [{"enrol": None}]},
    ]
    player, _ = play(tmp_path, steps, customers={"shoppers": {"crowd": 4}})
    world = player.world
    assert len(world.due) == 4  # one expiry each, from the first crowd
    assert len(world.touched) == 4  # the second crowd, not yet indexed
    assert {st.touched for st in world.states.values()} == {True, False}


def test_waits_do_not_pile_up_due_entries(tmp_path: Path) -> None:
    steps = [
        {"enrol": "alice"},
        {
            "repeat": 40,
            "steps": [{"transact": {"amount": 500, "customer": "alice"}}, {"wait": "1d"}],
        },
    ]
    player, events = play(tmp_path, steps, customers={"alice": {}})
    assert len(only(events, "pointsIssued")) == 40
    assert len(player.world.due) == 1  # the first lot's expiry, indexed once


@pytest.mark.parametrize(
    "weights",
    [[1], [5, 3, 2], [6, 2, 2], [0.5, 0, 1.5], [1, 1, 1, 1, 1, 1, 1], [0, 3]],
)
def test_choose_draws_as_random_choices(weights: list[float]) -> None:
    branches = [{"weight": w, "steps": [{"note": str(i)}]} for i, w in enumerate(weights)]
    op = compile_step({"choose": branches})
    assert op.cum is not None and op.branches is not None
    ours, stdlib = random.Random(11), random.Random(11)
    for _ in range(500):
        pick = bisect(op.cum, ours.random() * op.total, 0, len(op.cum) - 1)
        expected = stdlib.choices(range(len(weights)), weights)[0]
        assert op.branches[pick] is branches[expected]["steps"]


def test_choose_of_no_weight_draws_nothing() -> None:
    op = compile_step({"choose": [{"weight": 0, "steps": []}]})
    assert op.cum is None


def test_a_step_is_read_once_and_played_many_times(tmp_path: Path) -> None:
    path = scenario_file(
        tmp_path,
        [{"repeat": 3, "steps": [{"transact": {"amount": 100, "customer": "alice"}}]}],
        customers={"alice": {}},
    )
    player = Player(load(str(path)))
    with pytest.raises(Exception, match="not enrolled"):
        list(player.emissions())
    assert len(player._ops) == 2  # the repeat and its transact
