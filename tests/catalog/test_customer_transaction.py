"""Customer and transaction builders: facts land where they belong, and bodies made up
without facts stay consistent (totals add up, ids agree, dates in order)."""

from __future__ import annotations

from typing import Any

import pytest

import capmock
from capmock import catalog
from capmock.catalog import basket, transaction
from capmock.catalog.context import Ctx, Options

BILLS = ("transactionAdded", "transactionUpdated", "notInterestedBillAdded", "retroBillAdded")
REJECTIONS = ("transactionRejected", "rejectedTransactionRetrigger")
CUSTOMER = ("customerAdded", "customerUpdated")
SEEDS = range(1, 13)


def ctx(seed: int = 1, **options: Any) -> Ctx:
    return capmock.Generator(seed, options=Options(**options)).context()


def render(name: str, facts: dict[str, Any] | None = None, seed: int = 1) -> tuple[Ctx, dict]:
    c = ctx(seed)
    return c, catalog.get(name).render(c, facts or {})


def assert_totals_agree(body: dict[str, Any]) -> None:
    items = body["lineItems"]
    assert body["lineItemCount"] == len(items) >= 1
    assert sum(i["value"] for i in items) == pytest.approx(body["grossAmount"])
    assert sum(i["discount"] for i in items) == pytest.approx(body["discount"])
    assert body["amount"] == pytest.approx(body["grossAmount"] - body["discount"])
    for i in items:
        assert i["value"] == pytest.approx(i["qty"] * i["rate"])
        assert i["amount"] == pytest.approx(i["value"] - i["discount"])
        assert 0 <= i["discount"] <= i["value"]
    assert [i["serial"] for i in items] == list(range(1, len(items) + 1))
    assert len({i["id"] for i in items}) == len(items)
    assert len({i["itemCode"].split("-")[0] for i in items}) == len(items)  # distinct products


def test_random_baskets_vary_in_size_products_and_prices() -> None:
    gen = capmock.Generator(11)
    baskets = [gen.one("transactionAdded")["data"] for _ in range(300)]
    for body in baskets:
        assert_totals_agree(body)
    sizes = {b["lineItemCount"] for b in baskets}
    assert sizes == {1, 2, 3, 4, 5}
    lines = [i for b in baskets for i in b["lineItems"]]
    assert len({i["itemCode"].split("-")[0] for i in lines}) == len(basket.PRODUCTS)
    assert {i["qty"] for i in lines} == {1.0, 2.0, 3.0}
    assert any(i["discount"] > 0 for i in lines) and any(i["discount"] == 0 for i in lines)


# ---- customer ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({}, {"loyaltyType": "LOYALTY", "source": "instore"}),
        ({"loyalty_type": "non_loyalty"}, {"loyaltyType": "NON_LOYALTY"}),
        ({"source": "WEB_ENGAGE"}, {"source": "web_engage"}),
        ({"first_name": "Asha", "last_name": "Rao"}, {"firstName": "Asha", "lastName": "Rao"}),
        ({"entered_at": 1_767_000_000_000}, {"enteredAt": 1_767_000_000_000}),
    ],
)
@pytest.mark.parametrize("event", CUSTOMER)
def test_customer_facts(event: str, facts: dict[str, Any], expected: dict[str, Any]) -> None:
    _, body = render(event, facts)
    assert {k: body[k] for k in expected} == expected


@pytest.mark.parametrize("event", CUSTOMER)
@pytest.mark.parametrize("seed", SEEDS)
def test_customer_defaults_are_the_context_customer(event: str, seed: int) -> None:
    c, body = render(event, seed=seed)
    assert body["customerIdentifiers"]["customerId"] == c.customer.customer_id
    assert body["customerIdentifiers"]["instore"]["mobile"] == c.customer.mobile
    assert (body["firstName"], body["lastName"]) == (c.customer.first_name, c.customer.last_name)
    assert body["enteredBy"]["id"] == c.store.entered_by_id
    assert body["enteredAt"] <= c.now_ms


def test_customer_updated_changes() -> None:
    _, body = render("customerUpdated")
    assert body["updatedFields"] == []
    changes = [("firstName", "Ravi", "Rahul"), ("status", "ACTIVE", "SUSPENDED")]
    _, body = render("customerUpdated", {"changes": changes})
    assert body["firstName"] == "Rahul"
    assert body["updatedFields"] == [
        {"fieldName": "firstName", "previousValue": "Ravi", "currentValue": "Rahul"},
        {"fieldName": "status", "previousValue": "ACTIVE", "currentValue": "SUSPENDED"},
    ]


def test_merge_facts() -> None:
    facts = {"victim_id": 123, "current": 300, "lifetime": 900, "promised": 50, "tier": 2}
    c, body = render("loyaltyCustomerMerge", facts)
    assert body["victimCustomerIdentifiers"] == {"customerId": 123}
    assert body["survivorCustomerIdentifiers"]["customerId"] == c.customer.customer_id
    assert body["survivorCustomerLoyaltySummary"] == [
        {
            "loyaltyProgramId": c.prog.id,
            "lifetimePoints": 900.0,
            "currentPoints": 300.0,
            "promisedPoints": 50.0,
            "tierNumber": 2,
        }
    ]
    assert body["triggeringActivity"]["name"] == "customerMerge"


@pytest.mark.parametrize("seed", SEEDS)
def test_merge_defaults_consistent(seed: int) -> None:
    c, body = render("loyaltyCustomerMerge", seed=seed)
    survivor = body["survivorCustomerIdentifiers"]["customerId"]
    assert body["victimCustomerIdentifiers"]["customerId"] != survivor
    (summary,) = body["survivorCustomerLoyaltySummary"]
    assert 0 <= summary["currentPoints"] <= summary["lifetimePoints"]
    assert summary["tierNumber"] == c.customer.tiers[c.prog.id]
    assert body["enteredBy"] == {"id": -1}


@pytest.mark.parametrize("event", [*CUSTOMER, "loyaltyCustomerMerge"])
def test_customer_ref_id_is_the_customer(event: str) -> None:
    p = capmock.Generator(4).one(event)
    ids = p["data"].get("customerIdentifiers") or p["data"]["survivorCustomerIdentifiers"]
    assert p["refId"] == f"{p['orgId']}_{ids['customerId']}"
    assert "loyaltyEventId" not in p


# ---- bills ---------------------------------------------------------------------------

ITEMS = [
    {"sku": "TSH-1", "description": "T-Shirt", "qty": 2, "rate": 100.0, "discount": 20.0},
    {"sku": "NTB-2", "description": "Notebook", "qty": 1, "rate": 50.0},
]


@pytest.mark.parametrize(
    ("facts", "gross", "discount", "amount", "count"),
    [
        ({"line_items": ITEMS}, 250.0, 20.0, 230.0, 2),
        ({"gross_amount": 1000.0, "discount": 100.0}, 1000.0, 100.0, 900.0, None),
        ({"amount": 450.0}, 450.0, 0.0, 450.0, None),
        ({"gross_amount": 1000.0, "amount": 850.0}, 1000.0, 150.0, 850.0, None),
        ({"amount": 89000.0, "discount": 0.0, "currency": "IDR"}, 89000.0, 0.0, 89000.0, None),
        # line items win over stated amounts
        ({"line_items": ITEMS, "amount": 1.0}, 250.0, 20.0, 230.0, 2),
    ],
)
@pytest.mark.parametrize("event", BILLS)
def test_bill_amount_facts(
    event: str, facts: dict[str, Any], gross: float, discount: float, amount: float, count: Any
) -> None:
    _, body = render(event, facts)
    assert (body["grossAmount"], body["discount"], body["amount"]) == pytest.approx(
        (gross, discount, amount)
    )
    if count is not None:
        assert body["lineItemCount"] == count
    assert_totals_agree(body)


def test_line_item_facts_are_carried() -> None:
    _, body = render("transactionAdded", {"line_items": ITEMS})
    first, second = body["lineItems"]
    assert (first["itemCode"], first["description"], first["qty"], first["rate"]) == (
        "TSH-1",
        "T-Shirt",
        2.0,
        100.0,
    )
    assert (first["value"], first["discount"], first["amount"]) == (200.0, 20.0, 180.0)
    assert (second["itemCode"], second["discount"], second["amount"]) == ("NTB-2", 0.0, 50.0)


def test_only_discount_given() -> None:
    _, body = render("transactionAdded", {"discount": 30.0})
    assert body["discount"] == pytest.approx(30.0)
    assert body["amount"] > 0
    assert_totals_agree(body)


def test_bill_identity_facts() -> None:
    facts = {
        "transaction_id": 65658570,
        "bill_number": "2_134577_12591538_487122",
        "bill_client_id": "POS-77",
        "currency": "IDR",
        "bill_date": 1_767_000_000_000,
        "entered_at": 1_767_000_100_000,
        "delivery_status": "shipped",
    }
    _, body = render("transactionAdded", facts)
    assert body["transactionId"] == 65658570
    assert body["billNumber"] == "2_134577_12591538_487122"
    assert body["billClientId"] == "POS-77"
    assert body["currencyCode"] == "IDR"
    assert (body["billDate"], body["enteredAt"]) == (1_767_000_000_000, 1_767_000_100_000)
    assert body["deliveryStatus"] == "SHIPPED"


def test_return_reuses_the_original_bill() -> None:
    c, purchase = render("transactionAdded", {"line_items": ITEMS * 2}, seed=3)
    original = {
        "bill_number": purchase["billNumber"],
        "transaction_id": purchase["transactionId"],
        "line_items": purchase["lineItems"],
    }
    ret = catalog.get("transactionAdded").render(
        c, {"bill_type": "RETURN", "original_bill": original}
    )
    assert ret["billType"] == "RETURN"
    assert ret["billNumber"] == purchase["billNumber"]
    assert ret["transactionId"] != purchase["transactionId"]
    bought = {i["itemCode"] for i in purchase["lineItems"]}
    assert {i["itemCode"] for i in ret["lineItems"]} <= bought
    assert not {i["id"] for i in ret["lineItems"]} & {i["id"] for i in purchase["lineItems"]}
    assert ret["grossAmount"] <= purchase["grossAmount"]
    assert_totals_agree(ret)


@pytest.mark.parametrize("event", BILLS)
@pytest.mark.parametrize("seed", SEEDS)
def test_bill_defaults_consistent(event: str, seed: int) -> None:
    c, body = render(event, seed=seed)
    assert_totals_agree(body)
    assert body["amount"] > 0
    assert body["enteredAt"] <= c.now_ms
    assert body.get("billDate", 0) <= body["enteredAt"]
    assert body["customerIdentifiers"]["customerId"] == c.customer.customer_id
    assert body["enteredBy"]["id"] == c.store.entered_by_id
    assert body.get("currencyCode", c.org.currency) == c.org.currency


def test_bill_types_and_statuses() -> None:
    _, added = render("transactionAdded")
    assert added["billType"] == "REGULAR" and "deliveryStatus" not in added
    assert added["customerIdentifiers"]["loyaltyType"] == "loyalty"
    _, updated = render("transactionUpdated")
    assert updated["deliveryStatus"] == "DELIVERED"
    assert updated["enteredBy"] == {"id": updated["enteredBy"]["id"]}
    _, not_interested = render("notInterestedBillAdded")
    assert not_interested["billType"] == "NOT_INTERESTED"
    assert not_interested["customerIdentifiers"]["loyaltyType"] == "non_loyalty"
    _, anonymous = render("notInterestedBillAdded", {"anonymous": True})
    assert "customerIdentifiers" not in anonymous


def test_retro_bill_is_old() -> None:
    c, body = render("retroBillAdded", seed=5)
    assert c.now_ms - body["billDate"] >= 2 * 86_400_000
    _, given = render("retroBillAdded", {"bill_date": 1_700_000_000_000})
    assert given["billDate"] == 1_700_000_000_000


def test_without_enrichment_only_the_customer_id() -> None:
    c = ctx(2, enrich=False)
    body = catalog.get("transactionAdded").render(c, {})
    assert body["customerIdentifiers"] == {"customerId": c.customer.customer_id}


def test_line_items_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transaction, "EMIT_LINE_ITEMS", False)
    _, body = render("transactionAdded", {"line_items": ITEMS})
    assert "lineItems" not in body
    assert body["lineItemCount"] == 2 and body["amount"] == 230.0


@pytest.mark.parametrize("event", BILLS)
def test_bill_ref_id_is_the_transaction(event: str) -> None:
    p = capmock.Generator(6).one(event, {"transaction_id": 424242})
    assert p["refId"] == f"{p['orgId']}_424242"


# ---- rejections ----------------------------------------------------------------------

REJECTION_FACTS = {
    "bill_number": "B-9",
    "rejection_type": "OUTLIER",
    "rejection_reason": "BILL_AMOUNT_ABOVE_LIMIT",
    "reason_details": "too big",
    "retrial_count": 2,
}


@pytest.mark.parametrize(
    ("event", "key"),
    [
        ("transactionRejected", "rejectionDetails"),
        ("rejectedTransactionRetrigger", "rejectionDetailsOnRetrigger"),
    ],
)
def test_rejection_facts(event: str, key: str) -> None:
    c, body = render(event, REJECTION_FACTS)
    assert body["billNumber"] == "B-9"
    assert body["rejectionType"] == "OUTLIER"
    assert body[key] == [{"rejectionReason": "BILL_AMOUNT_ABOVE_LIMIT", "reasonDetails": "too big"}]
    assert body["retrialCount"] == 2
    activity = body["triggeringActivity"]
    assert {"key": "billNumber", "value": "B-9"} in activity["identifiers"]
    assert activity["entityInformation"]["entityId"] == c.customer.customer_id
    assert body["customerIdentifiers"]["customerId"] == c.customer.customer_id


def test_retrigger_facts_and_defaults() -> None:
    _, body = render("rejectedTransactionRetrigger", {"retrigger_id": 77, "passed": True})
    assert body["retriggerId"] == 77
    assert body["rejectionDetailsOnRetrigger"] == []
    for seed in SEEDS:
        _, body = render("rejectedTransactionRetrigger", seed=seed)
        assert body["retrialCount"] >= 1 and body["retriggerId"] > 0
        assert len(body["rejectionDetailsOnRetrigger"]) == 1
        _, first = render("transactionRejected", seed=seed)
        assert first["retrialCount"] == 0


@pytest.mark.parametrize("event", REJECTIONS)
def test_rejection_event_time_gets_millis(event: str) -> None:
    c = ctx(3, tz_millis=True)
    body = catalog.get(event).render(c, {})
    assert body["eventDateTimeInMillis"] // 1000 == c.now_ms // 1000
    p = capmock.Generator(3).one(event)
    assert p["refId"] == f"{p['orgId']}_{p['loyaltyEventId']}"
