"""promisedToCurrentAlternateCurrencyConversion (seed 005): promised alternate currencies
became current.

An ``alternateCurrenciesIssued`` event may promise an amount of a currency
(``promisedAlternateCurrenciesIssued``) to convert on a later date; this event tells of
the conversion. Capillary's real-world sample names each converted amount after its
promised bucket (``#ac2_PROMISED``, ``SBI_PROMISED``), sends values as 3-decimal strings
(``"200.000"``), and breaks the conversion down per earning entity (the bill) into
promotional and non-promotional parts. Its ``loyaltyProgramDetails`` may lack a name
(``{"id": 0, "tiers": []}``), so the block is declared here with the name optional.

Both of the seed's samples are flat (the first is labelled "Enriched payload" but has
the flat shape).
"""

from __future__ import annotations

from typing import Any

from capmock.catalog.common import customer_base, program_details, triggering_activity
from capmock.catalog.context import Ctx, Facts
from capmock.catalog.currency import currency_identifier, org_currencies
from capmock.catalog.fields import BOOL, INT, NUM, STR, arr, obj, opt, ref
from capmock.catalog.registry import EventDef, reads
from capmock.catalog.target import NUMSTR, num_str

DOMAIN = "currency"

_VALUE = {
    "alternateCurrencyIdentifier": STR,
    "alternateCurrencyName": STR,
    "alternateCurrencyValue": NUMSTR,
}

CONVERSION = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    entityInformation=opt(ref("entityInformation")),
    billId=opt(INT),
    eventLogId=opt(INT),
    eventDateTime=opt(STR),
    triggeringActivity=opt(ref("triggeringActivity")),
    earningAlternateCurrencyReference=arr(
        obj(
            name=STR,
            enteredAt=NUM,
            alternateCurrencyConverted=NUM,
            alternateCurrencyIdentifier=STR,
            alternateCurrencyName=STR,
            identifiers=opt(arr(ref("keyValue"))),
        )
    ),
    loyaltyProgramDetails=obj(
        id=INT,
        name=opt(STR),
        isDefault=opt(BOOL),
        pointsToCurrencyRatio=opt(NUM),
        tiers=opt(arr(ref("tier"))),
    ),
    loyaltyProgramId=INT,
    alternateCurrencyConverted=arr(obj(**_VALUE)),
    alternateCurrencyConversionSource=STR,
    alternateCurrencyConvertedBreakup=arr(
        obj(
            entityName=opt(STR),
            alternateCurrencyEntityDetails=obj(
                **_VALUE,
                id=opt(INT),
                billNumber=opt(STR),
                itemCode=opt(STR),
                billDate=opt(STR),
            ),
            promotionalAlternateCurrencyBreakup=arr(
                obj(
                    **_VALUE,
                    programId=INT,
                    promotionId=INT,
                    promotionName=STR,
                    promotionDetails=opt(arr()),
                )
            ),
            nonPromotionalAlternateCurrencyBreakup=arr(obj(**_VALUE, programId=INT)),
        )
    ),
)


def promised_name(name: str) -> str:
    """The name Capillary gives a currency's promised bucket."""
    return f"{name}_PROMISED"


def _value(ctx: Ctx, name: str, amount: float) -> dict[str, Any]:
    bucket = promised_name(name)
    return {
        "alternateCurrencyIdentifier": currency_identifier(ctx.org.org_id, bucket),
        "alternateCurrencyName": bucket,
        "alternateCurrencyValue": num_str(amount),
    }


def _breakup(ctx: Ctx, c: dict[str, Any], bill_number: str) -> dict[str, Any]:
    amount = float(c["amount"])
    details = {**_value(ctx, c["name"], amount), "billNumber": bill_number, "itemCode": "0"}
    return {
        "alternateCurrencyEntityDetails": details,
        "promotionalAlternateCurrencyBreakup": [],
        "nonPromotionalAlternateCurrencyBreakup": [
            {**_value(ctx, c["name"], amount), "programId": ctx.prog.id}
        ],
    }


def _currencies(ctx: Ctx, f: Facts) -> list[dict[str, Any]]:
    given = f.get("currencies")
    if given:
        return [dict(c) for c in given]
    name = org_currencies(ctx)[0][0]
    return [{"name": name, "amount": float(ctx.rng.randint(1, 40) * 5)}]


@reads("currencies bill_id bill_number source promised_ms")
def build_conversion(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Promised alternate currencies became current.

    Facts (all optional): ``currencies`` list of {name, amount} converted (default: one of
    the org's currencies); ``bill_id`` / ``bill_number`` (the bill that promised them);
    ``source`` (alternateCurrencyConversionSource: externalTrigger or a date rule,
    default externalTrigger); ``promised_ms`` (when they were promised).
    """
    currencies = _currencies(ctx, f)
    bill_id = f.get("bill_id") or ctx.ids.next("transaction")
    bill_number = str(f.get("bill_number") or ctx.fake.digits(10))
    promised_ms = f.get("promised_ms") or ctx.now_ms - ctx.rng.randint(1, 30) * 86_400_000
    trigger = ("TransactionAdd", [("BillId", bill_id), ("billNumber", bill_number)])
    return {
        **customer_base(ctx),
        "billId": bill_id,
        "triggeringActivity": triggering_activity(ctx, *trigger),
        "earningAlternateCurrencyReference": [
            {
                "name": "TransactionAdd",
                "enteredAt": float(promised_ms),
                "alternateCurrencyConverted": float(c["amount"]),
                "alternateCurrencyIdentifier": currency_identifier(ctx.org.org_id, c["name"]),
                "alternateCurrencyName": c["name"],
                "identifiers": [{"key": "billNumber", "value": bill_number}],
            }
            for c in currencies
        ],
        "loyaltyProgramDetails": program_details(ctx),
        "loyaltyProgramId": ctx.prog.id,
        "alternateCurrencyConverted": [_value(ctx, c["name"], c["amount"]) for c in currencies],
        "alternateCurrencyConversionSource": f.get("source") or "externalTrigger",
        "alternateCurrencyConvertedBreakup": [_breakup(ctx, c, bill_number) for c in currencies],
    }


EVENTS: list[EventDef] = [
    EventDef(
        "promisedToCurrentAlternateCurrencyConversion",
        DOMAIN,
        CONVERSION,
        build_conversion,
        "Promised alternate currencies (stars, coins…) became current.",
    ),
]
