"""Points and alternate-currency builders: facts land in the body, absent facts stay consistent."""

from __future__ import annotations

from typing import Any

import pytest

import capmock
from capmock import catalog
from capmock.catalog.context import Ctx, Options
from capmock.catalog.points import stated_balances

POINTS_EVENTS = (
    "pointsIssued",
    "pointsRedeemed",
    "redeemedPointsReversed",
    "issuedPointsReversed",
    "promisedToCurrentPointsConversion",
    "pointsExpired",
    "pointsExpiryReminder",
    "pointsTransferredInitiated",
    "pointsTransferredReceived",
    "singlePointsExpiryUpdated",
)
CURRENCY_EVENTS = ("alternateCurrenciesIssued", "issuedalternateCurrenciesReversed")
# Events whose body states the customer's current balance.
BALANCE_EVENTS = (
    "pointsIssued",
    "pointsRedeemed",
    "redeemedPointsReversed",
    "issuedPointsReversed",
    "promisedToCurrentPointsConversion",
    "pointsTransferredInitiated",
)


def ctx_for(seed: int = 1, **options: Any) -> Ctx:
    gen = (
        capmock.Generator(seed, options=Options(**options)) if options else capmock.Generator(seed)
    )
    return gen.context()


def render(event: str, facts: dict[str, Any] | None = None, seed: int = 1, **options: Any):
    ctx = ctx_for(seed, **options)
    return ctx, catalog.get(event).render(ctx, facts or {})


def keyvalues(activity: dict[str, Any]) -> dict[str, str]:
    return {kv["key"]: kv["value"] for kv in activity["identifiers"]}


def test_all_events_are_registered() -> None:
    names = set(catalog.names())
    assert set(POINTS_EVENTS) | set(CURRENCY_EVENTS) <= names
    assert catalog.get("pointsExpired").domain == "points"


# ---- pointsIssued -------------------------------------------------------------------------

ISSUED_CASES = [
    # facts, (total, regular, promotional points, promised points)
    ({"regular": 120, "promotional": [], "current": 300, "lifetime": 900}, (120, 120, [], 0)),
    ({"points": 150, "promotional": [30], "current": 500, "lifetime": 2000}, (150, 120, [30], 0)),
    ({"regular": 50, "promotional": [], "promised": 20, "current": 50}, (70, 50, [], 20)),
    (
        {"regular": 10, "promotional": [{"promotionPoints": 5, "promotionIdentifier": "p-1"}]},
        (15, 10, [5], 0),
    ),
]


@pytest.mark.parametrize(("facts", "want"), ISSUED_CASES)
def test_points_issued_amounts(facts: dict[str, Any], want: tuple) -> None:
    total, regular, promos, promised = want
    _, body = render("pointsIssued", facts)
    assert body["totalPointsIssued"] == total
    assert body["regularPointsIssued"] == regular
    assert [p["promotionPoints"] for p in body["promotionalPointsIssued"]] == promos
    assert sum(p["promisedPoints"] for p in body["promisedPointsIssued"]) == promised
    assert sum(b["points"] for b in body["regularPointsBreakup"]) == regular
    if "current" in facts:
        assert body["programCurrentPoints"] == facts["current"]
    if "lifetime" in facts:
        assert body["programLifetimePoints"] == facts["lifetime"]
    assert body["programCurrentPoints"] <= body["programLifetimePoints"]


def test_points_issued_keeps_given_promotion_identity() -> None:
    facts = {"regular": 10, "promotional": [{"promotionPoints": 5, "promotionIdentifier": "p-1"}]}
    _, body = render("pointsIssued", facts)
    promo = body["promotionalPointsIssued"][0]
    assert promo["promotionIdentifier"] == "p-1"
    assert promo["promotionType"] == "CUSTOMER_PROMOTION"


def test_points_issued_bill_and_expiry_facts() -> None:
    facts = {"bill_id": 4242, "bill_number": "B-77", "expiry": "2027-03-31"}
    _, body = render("pointsIssued", facts)
    ids = keyvalues(body["triggeringActivity"])
    assert body["triggeringActivity"]["name"] == "TransactionAdd"
    assert (ids["BillId"], ids["billNumber"]) == ("4242", "B-77")
    assert body["regularPointsBreakup"][0]["expiryAt"] == "2027-03-31"
    assert "behavioralEventAttributes" not in body


def test_points_issued_behavioral_event() -> None:
    facts = {"behavioral": {"event_name": "ProfileCompleted", "identifier_value": "u-9"}}
    ctx, body = render("pointsIssued", facts)
    attrs = body["behavioralEventAttributes"]
    assert attrs["event_name"] == "ProfileCompleted"
    assert attrs["identifier_value"] == "u-9"
    assert body["triggeringActivity"]["name"] == "ProfileCompleted"
    assert keyvalues(body["triggeringActivity"])["CustomerId"] == str(ctx.customer.customer_id)


def test_points_issued_current_at_least_the_points_when_made_up() -> None:
    for seed in range(1, 15):
        _, body = render("pointsIssued", {"regular": 400, "promotional": []}, seed=seed)
        assert body["programCurrentPoints"] >= 400


# ---- pointsRedeemed -----------------------------------------------------------------------


def test_points_redeemed_facts() -> None:
    facts = {
        "points": 200,
        "current": 800,
        "redemption_id": "AbC123",
        "redemption_bill_number": "SA8269614",
        "summary_id": 9547005,
    }
    ctx, body = render("pointsRedeemed", facts)
    assert body["totalPointsRedeemed"] == 200
    ratio = ctx.prog.points_to_currency_ratio
    assert body["redeemedPointsCurrencyValue"] == pytest.approx(200 * ratio)
    assert keyvalues(body["triggeringActivity"]) == {"billId": "-1", "redemptionId": "AbC123"}
    assert body["redemptionBillNumber"] == "SA8269614"
    assert body["redemptionSummaryId"] == 9547005
    assert body["redemptionFromEarningPrograms"] == [
        {"programId": ctx.prog.id, "pointsRedeemed": 200.0, "programCurrentPoints": 800.0}
    ]
    assert stated_balances(body) == (800.0, None)


def test_points_redeemed_from_participating_programs() -> None:
    ctx = ctx_for(3)
    programs = [
        {"programId": ctx.prog.id, "pointsRedeemed": 100.0, "programCurrentPoints": 1.0},
        {"programId": 999_001, "pointsRedeemed": 50.0, "programCurrentPoints": 70.0},
    ]
    body = catalog.get("pointsRedeemed").render(ctx, {"programs": programs, "current": 400})
    assert body["totalPointsRedeemed"] == 150
    got = {p["programId"]: p for p in body["redemptionFromEarningPrograms"]}
    assert got[ctx.prog.id]["programCurrentPoints"] == 400  # the current fact wins
    assert got[999_001] == programs[1]
    assert stated_balances(body) == (400, None)


# ---- reversals ----------------------------------------------------------------------------


def test_redeemed_points_reversed_splits_expired() -> None:
    facts = {"points": 300, "expired": 50, "current": 2600, "redemption_id": "CgDAgY"}
    ctx, body = render("redeemedPointsReversed", facts)
    assert body["redeemedPointsReversed"] == 300
    assert body["redeemedPointsReversedDetails"] == {"available": 250.0, "expired": 50.0}
    (entry,) = body["redemptionReversalToEarningPrograms"]
    assert entry["programId"] == ctx.prog.id
    assert entry["programCurrentPoints"] == 2600
    assert entry["redeemedPointsReversedDetails"] == body["redeemedPointsReversedDetails"]
    assert keyvalues(body["triggeringActivity"]) == {"redemptionId": "CgDAgY"}
    assert stated_balances(body) == (2600.0, None)


def test_issued_points_reversed_facts() -> None:
    facts = {
        "points": 10,
        "promotional": [3],
        "promised": 2,
        "current": 0,
        "lifetime": 0,
        "bill_id": 65658330,
        "bill_number": "2_6594_12743097_6586",
    }
    _, body = render("issuedPointsReversed", facts)
    assert body["regularPointsReversed"] == 5
    assert body["promisedPointsReversed"] == 2
    assert [p["promotionPoints"] for p in body["promotionalPointsReversed"]] == [3]
    assert body["totalIssuedPointsReversed"] == body["currentEventTotalPointsReturned"] == 10
    assert body["currentEventRegularPointsReturned"] == 5
    assert body["triggeringActivity"]["name"] == "ReturnBill"
    assert keyvalues(body["triggeringActivity"])["billNumber"] == "2_6594_12743097_6586"
    assert stated_balances(body) == (0.0, 0.0)


# ---- conversion, expiry -------------------------------------------------------------------


def test_promised_to_current_conversion() -> None:
    facts = {"points": 0.269, "current": 0.269, "lifetime": 13.269, "bill_number": "PO1"}
    _, body = render("promisedToCurrentPointsConversion", facts)
    assert body["pointsConverted"] == 0.269
    assert (body["programCurrentPoints"], body["programLifetimePoints"]) == (0.269, 13.269)
    (ref,) = body["earningActivityReference"]
    assert ref["pointsConverted"] == 0.269
    assert keyvalues(ref)["billNumber"] == "PO1"
    assert body["pointsConversionSource"] == "systemTrigger"


def test_points_expired() -> None:
    _, body = render("pointsExpired", {"points": 1000})
    assert body["pointsExpired"] == 1000
    assert isinstance(body["pointsExpired"], int)
    assert body["triggeringActivity"] == {}


def test_points_expiry_reminder_with_tz_millis() -> None:
    facts = {"points": 300, "expiry": "2026-06-19"}
    _, body = render("pointsExpiryReminder", facts, tz_millis=True)
    assert body["pointsScheduledForExpiry"] == 300
    assert body["scheduledExpiryDate"] == "2026-06-19"
    assert body["scheduledExpiryDateInMillis"] == 1_781_827_200_000


def test_points_expiry_reminder_defaults_in_the_future() -> None:
    ctx, body = render("pointsExpiryReminder")
    assert body["scheduledExpiryDate"] > ctx.date(0)
    assert "scheduledExpiryDateInMillis" not in body


def test_single_points_expiry_updated() -> None:
    updates = [
        {"points": 3, "pointsType": "billRegular", "oldExpiryDate": "2026-03-23"},
        {"programId": 1000007, "points": 56, "pointsType": "billPromotions"},
    ]
    ctx, body = render(
        "singlePointsExpiryUpdated", {"updates": updates, "new_expiry": "2026-05-10"}
    )
    got = body["updatedPointsExpiry"]
    assert [u["programId"] for u in got] == [ctx.prog.id, 1000007]
    assert [u["points"] for u in got] == [3, 56]
    assert got[0]["oldExpiryDate"] == "2026-03-23"
    assert {u["newExpiryDate"] for u in got} == {"2026-05-10"}


def test_single_points_expiry_defaults_move_forward() -> None:
    for seed in range(1, 10):
        ctx, body = render("singlePointsExpiryUpdated", seed=seed)
        for u in body["updatedPointsExpiry"]:
            assert ctx.date(0) < u["oldExpiryDate"] <= u["newExpiryDate"]


# ---- transfers ----------------------------------------------------------------------------


def test_transfer_initiated_names_the_receiver() -> None:
    gen = capmock.Generator(4)
    ctx = gen.context()
    other = next(c for c in gen.customers if c is not ctx.customer)
    body = catalog.get("pointsTransferredInitiated").render(
        ctx, {"points": 10, "current": 90, "counterpart": other}
    )
    assert body["totalPointsTransferred"] == 10
    assert body["transferReceivingCustomerIdentifiers"]["customerId"] == other.customer_id
    assert body["transferReceivingCustomerIdentifiers"]["instore"]["mobile"] == other.mobile
    assert body["transferReceivingEntityInformation"]["entityId"] == other.customer_id
    assert body["redemptionFromEarningPrograms"][0]["pointsRedeemed"] == 10
    assert stated_balances(body) == (90.0, None)


def test_transfer_received_names_the_sender_without_enrichment() -> None:
    counterpart = {"customer_id": 545513704, "mobile": "917136866183"}
    ctx, body = render(
        "pointsTransferredReceived", {"points": 10, "counterpart": counterpart}, enrich=False
    )
    assert body["totalPointsTransferred"] == 10
    assert body["transferInitiatingCustomerIdentifiers"] == {"customerId": 545513704}
    assert body["transferInitiatingEntityInformation"]["entityId"] == 545513704
    assert body["customerIdentifiers"] == {"customerId": ctx.customer.customer_id}


def test_transfer_made_up_counterpart_is_someone_else() -> None:
    for seed in range(1, 10):
        ctx, body = render("pointsTransferredInitiated", seed=seed)
        other = body["transferReceivingCustomerIdentifiers"]["customerId"]
        assert other != ctx.customer.customer_id


# ---- balances across events ---------------------------------------------------------------


@pytest.mark.parametrize("event", BALANCE_EVENTS)
def test_current_fact_is_the_stated_balance(event: str) -> None:
    _, body = render(event, {"current": 1234.5, "lifetime": 5000})
    current, lifetime = stated_balances(body)
    assert current == 1234.5
    assert lifetime in (None, 5000)


@pytest.mark.parametrize("event", POINTS_EVENTS)
def test_absent_facts_give_consistent_bodies(event: str) -> None:
    for seed in range(1, 20):
        ctx, body = render(event, seed=seed)
        customer_id = body["customerIdentifiers"]["customerId"]
        assert customer_id == ctx.customer.customer_id
        if "entityInformation" in body:
            assert body["entityInformation"]["entityId"] == customer_id
        if "loyaltyProgramId" in body:
            assert body["loyaltyProgramId"] == ctx.prog.id
        current, lifetime = stated_balances(body)
        if event in BALANCE_EVENTS:
            assert current is not None and current >= 0
        if lifetime is not None:
            assert current <= lifetime


def test_stated_balances_of_a_body_without_balances() -> None:
    _, body = render("pointsExpired")
    assert stated_balances(body) == (None, None)


# ---- alternate currencies -----------------------------------------------------------------


def test_alternate_currencies_issued_facts() -> None:
    currencies = [
        {
            "name": "stars",
            "identifier": "dsgagg",
            "regular": 10,
            "promotional": [100, 10],
            "promised": 10,
            "current": 130,
            "lifetime": 130,
            "expiry": "2027-05-31",
        },
        {"name": "coins", "regular": 5, "promotional": [], "current": 20, "lifetime": 10},
    ]
    _, body = render("alternateCurrenciesIssued", {"currencies": currencies})
    stars, coins = body["alternateCurrencies"]
    assert (stars["alternateCurrencyName"], stars["alternateCurrencyIdentifier"]) == (
        "stars",
        "dsgagg",
    )
    assert stars["totalAlternateCurrenciesIssued"] == 130  # regular + promotional + promised
    assert stars["regularAlternateCurrenciesIssued"] == 10
    assert stars["regularAlternateCurrenciesBreakup"] == [
        {"alternateCurrencies": 10.0, "expiryAt": "2027-05-31"}
    ]
    assert stars["promisedAlternateCurrenciesIssued"][0]["promisedAlternateCurrencies"] == 10
    promos = stars["promotionalAlternateCurrenciesIssued"]
    assert [p["promotionAlternateCurrencies"] for p in promos] == [100, 10]
    assert stars["programCurrentAlternateCurrencies"] == 130
    assert coins["alternateCurrencyName"] == "coins"
    assert coins["totalAlternateCurrenciesIssued"] == 5
    # lifetime is never below current
    assert (
        coins["programLifetimeAlternateCurrencies"]
        == coins["programCurrentAlternateCurrencies"]
        == 20
    )


def test_alternate_currencies_reversed_facts() -> None:
    currencies = [
        {
            "name": "stars",
            "regular": 10,
            "promotional": [100, 10],
            "promised": 10,
            "current": 0,
            "lifetime": 0,
        }
    ]
    facts = {"currencies": currencies, "bill_id": 7, "bill_number": "454545"}
    _, body = render("issuedalternateCurrenciesReversed", facts)
    (stars,) = body["alternateCurrencies"]
    assert stars["totalAlternateCurrenciesReversed"] == 130
    assert stars["currentEventTotalAlternateCurrenciesReturned"] == 130
    assert stars["regularAlternateCurrenciesReversed"] == 10
    assert stars["promisedAlternateCurrenciesReversed"] == 10
    promos = stars["promotionalAlternateCurrenciesReversed"]
    assert [p["promotionAlternateCurrencies"] for p in promos] == [100, 10]
    assert stars["currentEventPromotionAlternateCurrenciesReturnedDetails"] == promos
    assert (
        stars["programCurrentAlternateCurrencies"],
        stars["programLifetimeAlternateCurrencies"],
    ) == (0, 0)
    assert body["triggeringActivity"]["name"] == "ReturnBill"
    assert keyvalues(body["triggeringActivity"]) == {"billId": "7", "billNumber": "454545"}


def test_alternate_currency_identity_is_stable_for_an_org() -> None:
    gen = capmock.Generator(8)
    issued = catalog.get("alternateCurrenciesIssued").render(gen.context(), {"currencies": [{}]})
    back = catalog.get("issuedalternateCurrenciesReversed").render(
        gen.context(), {"currencies": [{}]}
    )
    key = ("alternateCurrencyName", "alternateCurrencyIdentifier")
    first, second = issued["alternateCurrencies"][0], back["alternateCurrencies"][0]
    assert [first[k] for k in key] == [second[k] for k in key]


@pytest.mark.parametrize("event", CURRENCY_EVENTS)
def test_alternate_currency_defaults_are_consistent(event: str) -> None:
    for seed in range(1, 20):
        ctx, body = render(event, seed=seed)
        assert body["entityInformation"]["entityId"] == ctx.customer.customer_id
        names = [c["alternateCurrencyName"] for c in body["alternateCurrencies"]]
        assert names and len(set(names)) == len(names)
        for c in body["alternateCurrencies"]:
            cur = c["programCurrentAlternateCurrencies"]
            assert 0 <= cur <= c["programLifetimeAlternateCurrencies"]
            total = c.get(
                "totalAlternateCurrenciesIssued", c.get("totalAlternateCurrenciesReversed")
            )
            assert total > 0


@pytest.mark.parametrize("event", POINTS_EVENTS + CURRENCY_EVENTS)
def test_generated_payloads_validate(event: str) -> None:
    for seed in (1, 2, 3):
        for style in ("flat", "wrapped"):
            payload = capmock.generate(event, style=style, seed=seed, tz_millis=seed == 2)
            assert capmock.validate(payload) == []
