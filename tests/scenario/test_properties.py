"""Property tests: random step sequences keep the ledger's invariants and the payloads valid."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import scenario_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from replay import check_balances

from capmock.errors import Rejected
from capmock.model import schedule, tiers
from capmock.scenario import load
from capmock.scenario.player import Player
from capmock.scenario.steps import HANDLERS
from capmock.schemas import default_validator

CUSTOMERS = ("alice", "bob", "carol")

step = st.one_of(
    st.tuples(
        st.just("transact"),
        st.sampled_from(CUSTOMERS),
        st.floats(min_value=1, max_value=20000, allow_nan=False),
    ),
    st.tuples(st.just("return"), st.sampled_from(CUSTOMERS), st.floats(0.1, 1.0)),
    st.tuples(st.just("redeem_points"), st.sampled_from(CUSTOMERS), st.integers(1, 3000)),
    st.tuples(st.just("reverse_redemption"), st.sampled_from(CUSTOMERS), st.just(0)),
    st.tuples(st.just("award_points"), st.sampled_from(CUSTOMERS), st.integers(1, 800)),
    st.tuples(st.just("transfer_points"), st.sampled_from(CUSTOMERS), st.integers(1, 500)),
    st.tuples(st.just("wait"), st.just(""), st.integers(1, 500)),
    st.tuples(st.just("adjust_points"), st.sampled_from(CUSTOMERS), st.integers(-1500, 1500)),
    st.tuples(st.just("change_points_expiry"), st.sampled_from(CUSTOMERS), st.integers(1, 400)),
    st.tuples(
        st.just("promised"),
        st.sampled_from(CUSTOMERS),
        st.floats(min_value=1, max_value=5000, allow_nan=False),
    ),
)


def run(tmp: Path, seq: list[tuple[str, str, Any]], seed: int) -> tuple[Player, list[dict]]:
    player = Player(
        load(
            str(
                scenario_file(
                    tmp,
                    [{"note": None, "wait": "1s"}],
                    customers={c: {} for c in CUSTOMERS},
                    seed=seed,
                )
            )
        )
    )
    out: list[dict] = []
    for name in CUSTOMERS:
        out += [player.render(e) for e in HANDLERS["enrol"](player, player.named[name], {})[0]]
    bills: dict[str, list] = {c: [] for c in CUSTOMERS}
    redemptions: dict[str, list] = {c: [] for c in CUSTOMERS}
    for op, who, value in seq:
        player.world.tick()
        emissions = apply(player, op, who, value, bills, redemptions)
        out += [player.render(e) for e in emissions]
    return player, out


def apply(player: Player, op: str, who: str, value: Any, bills: dict, redemptions: dict) -> list:
    c = player.named.get(who)
    try:
        if op == "wait":
            return list(schedule.advance(player.world, value * 86_400_000))
        if op == "transact" or op == "promised":
            emissions, bill = HANDLERS["transact"](
                player, c, {"amount": round(value, 2), "promised": op == "promised"}
            )
            bills[who].append(bill)
            return emissions
        if op == "return":
            if not bills[who]:
                return []
            bill = bills[who][-1]
            player.refs["b"] = bill
            return HANDLERS["return"](
                player, c, {"bill": "b", "amount": round(bill.amount * value, 2)}
            )[0]
        if op == "redeem_points":
            emissions, r = HANDLERS["redeem_points"](player, c, {"points": value})
            redemptions[who].append(r)
            return emissions
        if op == "reverse_redemption":
            if not redemptions[who]:
                return []
            player.refs["r"] = redemptions[who].pop()
            return HANDLERS["reverse_redemption"](player, c, {"redemption": "r"})[0]
        if op == "transfer_points":
            other = next(x for x in CUSTOMERS if x != who)
            return HANDLERS["transfer_points"](player, c, {"to": other, "points": value})[0]
        if op == "change_points_expiry":
            return HANDLERS[op](player, c, {"extend": f"{value}d"})[0]
        return HANDLERS[op](player, c, {"points": value})[0]
    except Rejected:
        return []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seq=st.lists(step, max_size=25), seed=st.integers(0, 2**16))
def test_random_journeys_keep_invariants(tmp_path: Path, seq: list, seed: int) -> None:
    player, payloads = run(tmp_path, seq, seed)
    validator = default_validator()
    for p in payloads:
        assert validator.validate(p) == []
    ids = [p["eventId"] for p in payloads]
    assert len(ids) == len(set(ids))
    final = check_balances(payloads)
    program = player.org.default_program
    for state in player.world.states.values():
        acc = state.accounts[program.id]
        acc.check()
        assert acc.lifetime >= acc.current >= 0
        assert acc.current == final.get(state.customer.customer_id, 0.0)
        deserved = tiers.deserved_tier(program, acc.lifetime)
        assert state.customer.tiers[program.id] == deserved


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seq=st.lists(step, max_size=15), seed=st.integers(0, 2**16))
def test_same_seed_same_events(tmp_path: Path, seq: list, seed: int) -> None:
    a = [json.dumps(p) for p in run(tmp_path, seq, seed)[1]]
    b = [json.dumps(p) for p in run(tmp_path, seq, seed)[1]]
    assert a == b
