"""--vendor voucherify: the same journeys as Voucherify loyalty-card transactions (seed 002)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from referencing import Registry, Resource

from capmock.cli import main
from capmock.errors import UsageError
from capmock.scenario import BUNDLED, load, plan
from capmock.scenario.player import Player
from capmock.vendor import check_vendor
from capmock.vendor.voucherify import EVENT_TYPE, TRANSACTION_TYPES
from capmock.vendor.voucherify.schema import DATA_FILE, WEBHOOK_FILE

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
SAMPLE = ROOT / "tests" / "seed_samples" / "voucherify" / "002_L1_transaction_created.json"
SEED = ROOT.parent.parent / "shared" / "seeds" / "002_c8f5bcd3eec9cf4a.txt"
JOURNEYS = ("earn-and-redeem", "purchase-and-return", "points-expiry", "points-transfer")
ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def validator(name: str) -> jsonschema.Draft202012Validator:
    """A validator of one of the exported files in schemas/voucherify/ (not the code's)."""
    docs = {p: json.loads((SCHEMAS / p).read_text()) for p in (DATA_FILE, WEBHOOK_FILE)}
    registry = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc)) for doc in docs.values()
    )
    return jsonschema.Draft202012Validator(docs[name], registry=registry)


def played(name: str, seed: int | None = None) -> list[dict[str, Any]]:
    return list(plan(name, seed=seed, vendor="voucherify"))


@pytest.fixture(scope="module")
def bundled() -> dict[str, list[dict[str, Any]]]:
    """Every bundled scenario's events, but the crowd's (thousands of the same journey)."""
    return {p.stem: played(p.stem) for p in sorted(BUNDLED.glob("*.yaml")) if "crowd" not in p.stem}


# ---- the schema ---------------------------------------------------------------------------


def test_the_seed_sample_validates_against_the_exported_schema() -> None:
    sample = json.loads(SAMPLE.read_text())
    assert list(validator(DATA_FILE).iter_errors(sample)) == []


@pytest.mark.skipif(not SEED.is_file(), reason="the seed pages are not beside the checkout")
def test_the_kept_sample_is_the_seed_page_s() -> None:
    page = SEED.read_text()
    first, _ = json.JSONDecoder().raw_decode(page)
    assert json.loads(SAMPLE.read_text()) == first


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("transaction", "type"), "POINTS_GIFT"),
        (("transaction", "created_at"), "2024-07-24 10:51:30"),
        (("voucher", "loyalty_card", "balance"), "210"),
        (("holder", "id"), "PL4iqfS8K5Ej2LuBNV1RqlfJ"),
        (("transaction", "details", "balance", "related_object"), None),
    ],
)
def test_a_broken_seed_sample_is_rejected(path: tuple[str, ...], value: Any) -> None:
    sample = json.loads(SAMPLE.read_text())
    node = sample
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert list(validator(DATA_FILE).iter_errors(sample)) != []


def test_every_payload_of_every_bundled_scenario_validates(
    bundled: dict[str, list[dict[str, Any]]],
) -> None:
    check = validator(WEBHOOK_FILE)
    problems = [
        f"{name}#{i}: {list(e.absolute_path)}: {e.message}"
        for name, payloads in bundled.items()
        for i, payload in enumerate(payloads)
        for e in check.iter_errors(payload)
    ]
    assert sum(map(len, bundled.values())) > 50
    assert problems == []


def schema_paths(schema: dict[str, Any], defs: dict[str, Any], prefix: str = "") -> set[str]:
    """Every property path the schema declares (through $ref and nullable anyOf)."""
    if "$ref" in schema:
        return schema_paths(defs[schema["$ref"].rsplit("/", 1)[1]], defs, prefix)
    for branch in schema.get("anyOf", []):
        if "$ref" in branch or "properties" in branch:
            return schema_paths(branch, defs, prefix)
    out = set()
    for key, sub in (schema.get("properties") or {}).items():
        path = f"{prefix}.{key}" if prefix else key
        out |= {path} | schema_paths(sub, defs, path)
    items = schema.get("items")
    if isinstance(items, dict):
        out |= schema_paths(items, defs, f"{prefix}[]")
    return out


def present_paths(value: Any, prefix: str = "") -> set[str]:
    """The paths a payload sends (null included: the seed sends absent objects as null)."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, sub in value.items():
            path = f"{prefix}.{key}" if prefix else key
            out |= {path} | present_paths(sub, path)
    elif isinstance(value, list):
        for item in value:
            out |= present_paths(item, f"{prefix}[]")
    return out


def test_generated_payloads_cover_nine_tenths_of_the_schema_s_fields(
    bundled: dict[str, list[dict[str, Any]]],
) -> None:
    doc = json.loads((SCHEMAS / DATA_FILE).read_text())
    declared = schema_paths(doc, doc["$defs"])
    seen: set[str] = set()
    for payloads in bundled.values():
        for payload in payloads:
            seen |= present_paths(payload["data"])
    missing = sorted(declared - seen)
    coverage = 1 - len(missing) / len(declared)
    assert len(declared) > 150
    assert coverage >= 0.9, f"{coverage:.0%}; never filled: {missing}"


# ---- the journey as Voucherify tells it ----------------------------------------------------


def assert_balances_follow(name: str, payloads: list[dict[str, Any]]) -> dict[str, float]:
    """Each card's balance re-derived from the events alone (starting at 0, adding the
    signed points) is the balance every event states, in the three places it states it."""
    derived: dict[str, float] = {}
    for payload in payloads:
        assert payload["type"] == EVENT_TYPE
        data = payload["data"]
        tx = data["transaction"]
        card = tx["voucher_id"]
        moved = tx["details"]["balance"]
        derived[card] = derived.get(card, 0) + moved["points"]
        assert moved["balance"] == pytest.approx(derived[card]), (name, tx["id"])
        assert data["voucher"]["loyalty_card"]["balance"] == moved["balance"]
        assert data["balance"]["balance"] == moved["balance"]
        assert data["voucher"]["id"] == card == moved["related_object"]["id"]
    assert all(v >= 0 for v in derived.values())
    return derived


@pytest.mark.parametrize("name", JOURNEYS)
def test_balances_follow_one_another_per_card(name: str) -> None:
    assert assert_balances_follow(name, played(name))


def test_balances_follow_one_another_in_every_bundled_scenario(
    bundled: dict[str, list[dict[str, Any]]],
) -> None:
    for name, payloads in bundled.items():
        assert_balances_follow(name, payloads)


def test_the_balances_are_the_model_s() -> None:
    """The final balance of each card is the model's current points of its holder."""
    player = Player(load("points-transfer", vendor="voucherify"))
    last: dict[str, Any] = {}
    for payload in player.payloads():
        last[payload["data"]["holder"]["source_id"]] = payload["data"]["balance"]["balance"]
    model = {
        st.customer.external_id: player.world.account(st.customer).current
        for st in player.world.states.values()
    }
    assert last == model


def test_the_journeys_map_to_the_expected_transaction_types() -> None:
    types = {name: [p["data"]["transaction"]["type"] for p in played(name)] for name in JOURNEYS}
    assert types["earn-and-redeem"] == [
        "POINTS_ACCRUAL", "POINTS_ACCRUAL", "POINTS_ACCRUAL", "POINTS_REDEMPTION",
        "POINTS_REFUND",
    ]  # fmt: skip
    assert types["purchase-and-return"] == [
        "POINTS_ACCRUAL", "POINTS_ACCRUAL", "POINTS_REFUND", "POINTS_REFUND", "POINTS_ACCRUAL",
    ]  # fmt: skip
    assert types["points-expiry"].count("POINTS_EXPIRATION") == 2
    assert types["points-transfer"][2:4] == ["POINTS_TRANSFER_OUT", "POINTS_TRANSFER_IN"]


def test_a_manual_adjustment_is_an_addition_or_a_removal_with_its_reason() -> None:
    txs = [p["data"]["transaction"] for p in played("points-by-hand")]
    manual = [(t["type"], t["reason"], t["details"]["balance"]["points"]) for t in txs
              if t["source"] == "API"]  # fmt: skip
    assert manual == [
        ("POINTS_ADDITION", "Goodwill for delayed delivery", 300),
        ("POINTS_REMOVAL", "Duplicate bill", -120),
    ]


def test_the_bundled_scenarios_reach_every_transaction_type(
    bundled: dict[str, list[dict[str, Any]]],
) -> None:
    reached = {p["data"]["transaction"]["type"] for ps in bundled.values() for p in ps}
    assert reached == set(TRANSACTION_TYPES)  # all eight, REMOVAL by points-by-hand


def test_accrual_carries_order_event_and_earning_rule() -> None:
    accrual = played("earn-and-redeem")[0]["data"]
    tx = accrual["transaction"]
    assert accrual["order"]["id"] == tx["details"]["order"]["id"]
    assert accrual["order"]["status"] == "PAID"
    assert accrual["order"]["amount"] == 180_000  # 1,800 INR in paise
    assert accrual["event"]["type"] == tx["details"]["event"]["type"] == "customer.order.paid"
    assert accrual["earning_rule"]["id"] == tx["details"]["earning_rule"]["id"]
    assert accrual["redemption"] is None and accrual["rollback"] is None


def test_a_reversed_redemption_is_a_refund_with_its_rollback() -> None:
    payloads = played("earn-and-redeem")
    redemption, refund = payloads[3]["data"], payloads[4]["data"]
    assert refund["rollback"]["redemption"] == redemption["redemption"]["id"]
    assert refund["transaction"]["related_transaction_id"] == redemption["transaction"]["id"]
    assert redemption["transaction"]["details"]["balance"]["points"] == -300
    assert refund["transaction"]["details"]["balance"]["points"] == 300


def test_a_transfer_names_the_other_card() -> None:
    payloads = played("points-transfer")
    out, into = payloads[2]["data"], payloads[3]["data"]
    assert out["destination_voucher"]["id"] == into["voucher"]["id"]
    assert into["source_voucher"]["id"] == out["voucher"]["id"]
    assert out["source_voucher"] is None and into["destination_voucher"] is None
    assert into["transaction"]["related_transaction_id"] == out["transaction"]["id"]


def test_ids_are_prefixed_and_stable_per_journey_and_seed() -> None:
    first, again, other = (
        played("earn-and-redeem"),
        played("earn-and-redeem"),
        played("earn-and-redeem", seed=99),
    )
    assert first == again
    data = first[0]["data"]
    prefixes = {
        "vtx_": data["transaction"]["id"], "v_": data["voucher"]["id"],
        "camp_": data["campaign"]["id"], "cust_": data["holder"]["id"],
        "ord_": data["order"]["id"], "evcus_": data["event"]["id"],
    }  # fmt: skip
    for prefix, value in prefixes.items():
        assert value.startswith(prefix), value
    assert other[0]["data"]["holder"]["id"] != data["holder"]["id"]
    ids = [p["id"] for p in first] + [p["data"]["transaction"]["id"] for p in first]
    assert len(set(ids)) == len(ids)
    for payload in first:
        assert ISO_MS.match(payload["created_at"])
        assert ISO_MS.match(payload["data"]["transaction"]["created_at"])


def test_the_same_journey_happens_at_the_same_moments_for_both_vendors() -> None:
    """Voucherify's transactions are at the instants of the Capillary events they render."""
    from datetime import datetime

    capillary = [p for p in plan("points-expiry") if p["eventName"] == "pointsExpired"]
    expired = [
        p["data"]["transaction"]["created_at"]
        for p in played("points-expiry")
        if p["data"]["transaction"]["type"] == "POINTS_EXPIRATION"
    ]
    stated = [datetime.fromisoformat(t.replace("Z", "+00:00")) for t in expired]
    assert len(capillary) == len(stated) == 2
    assert [s.strftime("%Y-%m-%d") for s in stated] == ["2027-02-15", "2027-03-16"]


def test_plan_counts_what_has_no_voucherify_counterpart_on_stderr() -> None:
    result = CliRunner().invoke(main, ["plan", "points-transfer", "--vendor", "voucherify"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    assert Counter(json.loads(line)["type"] for line in lines) == {EVENT_TYPE: 5}
    assert result.stderr.strip() == (
        "note: 6 events have no voucherify counterpart and were skipped: customerAdded x2, "
        "tierUpgraded x2, transactionAdded x2"
    )


def test_an_unknown_vendor_is_refused_with_a_hint() -> None:
    with pytest.raises(UsageError, match="unknown vendor 'voucherfy'") as err:
        check_vendor("voucherfy")
    assert err.value.hint == "did you mean 'voucherify'?"
    result = CliRunner().invoke(main, ["plan", "earn-and-redeem", "--vendor", "voucherfy"])
    assert result.exit_code == 2


@pytest.mark.parametrize("kind", TRANSACTION_TYPES)
def test_generate_renders_each_transaction_type_the_model_produces(kind: str) -> None:
    result = CliRunner().invoke(main, ["generate", kind, "--vendor", "voucherify", "--seed", "3"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["data"]["transaction"]["type"] == kind
    assert list(validator(WEBHOOK_FILE).iter_errors(payload)) == []
    again = CliRunner().invoke(main, ["generate", kind, "--vendor", "voucherify", "--seed", "3"])
    assert again.stdout == result.stdout


def test_generate_count_gives_distinct_payloads_and_bad_types_a_hint() -> None:
    result = CliRunner().invoke(
        main, ["generate", EVENT_TYPE, "--vendor", "voucherify", "--seed", "1", "--count", "3"]
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [p["data"]["transaction"]["type"] for p in lines] == ["POINTS_ACCRUAL"] * 3
    assert len({p["data"]["holder"]["id"] for p in lines}) == 3
    bad = CliRunner().invoke(main, ["generate", "POINTS_ACRUAL", "--vendor", "voucherify"])
    assert bad.exit_code == 2
    assert "did you mean 'POINTS_ACCRUAL'?" in bad.output


@pytest.mark.parametrize("event, hint", [
    ("pointsIssued", "Capillary's pointsIssued is Voucherify's POINTS_ACCRUAL"),
    ("pointsExpired", "Capillary's pointsExpired is Voucherify's POINTS_EXPIRATION"),
    ("tierUpgraded", "Capillary's tierUpgraded has no Voucherify counterpart: POINTS_ACCRUAL,"),
])
def test_a_capillary_event_name_is_answered_with_its_voucherify_type(event: str,
                                                                     hint: str) -> None:
    """Someone who knows Capillary's names types one: the hint maps it (a did-you-mean on
    the spelling offered POINTS_REFUND for pointsIssued)."""
    bad = CliRunner().invoke(main, ["generate", event, "--vendor", "voucherify"])
    assert bad.exit_code == 2
    assert bad.stderr.strip().endswith(hint) or hint in bad.stderr, bad.stderr


def test_validate_reads_voucherify_webhooks_by_their_schema(tmp_path: Path) -> None:
    good, broken = played("earn-and-redeem")[:2]
    broken["data"]["transaction"]["type"] = "POINTS_GIFT"
    del broken["data"]["holder"]["id"]
    path = tmp_path / "v.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(broken) + "\n")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{path}:1: ok {EVENT_TYPE}"
    assert f"{path}:2: INVALID {EVENT_TYPE}: $.data.holder: 'id' is a required property" in lines
    assert any("$.data.transaction.type: 'POINTS_GIFT' is not one of" in line for line in lines)
    assert lines[-1] == "1 valid, 1 invalid"
