"""The OpenAPI paths and schemas of the mock Capillary APIs and of the sinks."""

from __future__ import annotations

from capmock.server.openapi_parts import (
    BOOL,
    INT,
    NUM,
    OBJ,
    STR,
    Schema,
    arr,
    json_body,
    nullable,
    obj,
    path_param,
    query,
    ref,
    response,
)
from capmock.server.promotions import PROMOTION_TYPES, SOURCE_TYPES, STATUSES

SOURCES = ["FACEBOOK", "WEB_ENGAGE", "INSTORE", "MARTJACK", "TMALL", "TAOBAO", "JD",
           "ECOMMERCE", "WEBSITE", "LINE", "ALL"]
SECURITY = [{}, {"capillaryBasic": []}, {"capillaryToken": []}]
CAP_ERRORS: dict[str, Schema] = {
    "400": response("8003 source, 8013 identifier name, 8015 identifier value or customer "
                    "not found, 8089 program, 9001-9007 other parameters",
                    ref("CapillaryErrors")),
    "401": response("--api-user/--api-password are set and no valid credentials were sent",
                    ref("CapillaryErrors")),
}


def identifier_params(names: str) -> list[Schema]:
    return [
        query("source", STR, f"One of {', '.join(SOURCES)} (customers are on INSTORE)", True),
        query("identifierName", STR, f"{names} (any case)", True),
        query("identifierValue", STR, "The identifier's value", True),
    ]


RESTRICTION = obj(("kpi", "maxLimit", "limitOn"), kpi=STR, maxLimit=STR,
                  currentCustomerUsage=STR, limitOn=STR, type=STR)
PROMOTION = obj(
    ("promotionId", "promotionName", "programId", "startDate", "endDate", "identifier",
     "description", "active", "eventName", "limits", "customerUsage", "pointsOfferType",
     "promotionRestriction"),
    promotionId=INT, promotionName=STR, programId=INT, startDate=STR, endDate=STR,
    identifier=STR, description=STR, active=BOOL, eventName=STR,
    limits=obj(("maxPointsPerEvent", "pointsPerCustomer", "numberOFTimesPerCustomer",
                "totalPointsInPromotion"), maxPointsPerEvent=STR, pointsPerCustomer=STR,
               numberOFTimesPerCustomer=INT, totalPointsInPromotion=STR),
    customerUsage=obj(("currentPointsPerCustomer", "currentNumberOfTimesPerCustomer",
                       "currentTotalPointsInPromotion"), currentPointsPerCustomer=STR,
                      currentNumberOfTimesPerCustomer=INT, currentTotalPointsInPromotion=STR),
    pointsOfferType={"type": "string", "enum": ["GENERIC", "LOYALTY", "LOYALTY_EARNING"]},
    promotionRestriction=obj(
        ("issualRestrictions", "earnRestrictions", "redemptionRestrictions"),
        issualRestrictions=arr(RESTRICTION), earnRestrictions=arr(RESTRICTION),
        redemptionRestrictions=arr(RESTRICTION)),
    customerPromotionTimelines=arr(OBJ),
)
LOYALTY_ITEM = obj(
    ("loyaltyPoints", "lifetimePoints", "redeemed", "expired", "programId", "currentSlab",
     "slabSNo"),
    redeemed=NUM, expired=NUM, returned=NUM, adjusted=NUM, lifetimePoints=NUM,
    loyaltyPoints=NUM, cumulativePurchases=NUM, loyaltyId=INT, currentSlab=nullable(STR),
    nextSlab=nullable(STR), nextSlabSerialNumber=nullable(INT),
    nextSlabDescription=nullable(STR), slabSNo=INT, slabExpiryDate=STR, programId=INT,
    delayedPoints=NUM, delayedReturnedPoints=NUM, totalAvailablePoints=NUM,
    totalReturnedPoints=NUM,
)
SCHEMAS: dict[str, Schema] = {
    "CapillaryErrors": obj(("errors",), errors=arr(obj(
        ("status", "code", "message"), status=BOOL, code=INT, message=STR))),
    "PromotionData": obj(
        ("pageDetails", "customerId", "promotions", "warnings"),
        pageDetails=obj(("pageNumber", "pageSize", "totalEntries", "pageCount"),
                        pageNumber=INT, pageSize=INT, totalEntries=INT, pageCount=INT),
        customerId=INT, promotions=arr(ref("Promotion")), warnings=arr(OBJ)),
    "Promotion": PROMOTION,
    "LoyaltyDetails": obj(("data", "warnings", "errors"), data=arr(LOYALTY_ITEM),
                          warnings=arr(OBJ), errors=arr(OBJ)),
    "CustomerProfile": obj(
        ("id", "profiles", "loyaltyInfo", "loyaltyProgramDetails"),
        id=INT, profiles=arr(OBJ), loyaltyInfo=OBJ, loyaltyProgramDetails=arr(OBJ),
        coupons=arr(OBJ), extendedFields=OBJ, warnings=arr(OBJ), asOf=STR),
    "Token": obj(("data",), data=obj(("accessToken", "ttlSeconds"), accessToken=STR,
                                      ttlSeconds=INT), errors=nullable(OBJ)),
}

PROMOTION_PARAMS = [
    *identifier_params("mobile, email, externalId, id or cuid"),
    query("promotionStatusForCustomer", {"type": "string", "enum": list(STATUSES)},
          "AVAILABLE_TO_ENROL, AVAILABLE_TO_EARN, AVAILABLE_TO_REDEEM or EXPIRED"),
    query("promotionType", {"type": "string", "enum": list(PROMOTION_TYPES)},
          "GENERIC, DIRECT_ISSUE (LOYALTY) or ENROL_AND_ISSUE (LOYALTY_EARNING)"),
    query("sourceType", {"type": "string", "enum": list(SOURCE_TYPES)},
          "UI, API or CAMPAIGN (the model's promotions are API)"),
    query("programs", STR, "Comma-separated program ids"),
    query("fetchAllUsage", BOOL, "Also the disabled redemption restrictions (maxLimit -1)"),
    query("limit", {"type": "integer", "minimum": 0, "maximum": 100}, "0 to 100 (default 10)"),
    query("offset", {"type": "integer", "minimum": 0}, "Start index (default 0)"),
]


def _get(summary: str, params: list[Schema], ok: Schema, extra: dict[str, Schema]) -> Schema:
    return {"get": {"tags": ["Capillary (mock)"], "summary": summary, "parameters": params,
                    "security": SECURITY,
                    "responses": {"200": response("OK", ok), **CAP_ERRORS, **extra}}}


PATHS: dict[str, Schema] = {
    "/v3/oauth/token/generate": {"post": {
        "tags": ["Capillary (mock)"],
        "summary": "A token for X-CAP-API-OAUTH-TOKEN (key = --api-user, secret = "
                   "--api-password; anything when none are set)",
        "requestBody": json_body(obj(("key", "secret"), key=STR, secret=STR)),
        "responses": {"200": response("A token", ref("Token")),
                      "400": response("No key or secret", ref("CapillaryErrors")),
                      "401": response("Wrong key or secret", ref("CapillaryErrors"))},
    }},
    "/v2/customers/lookup": _get(
        "A customer by identifier (mobile, email, externalId, id)",
        identifier_params("mobile, email, externalId or id"), ref("CustomerProfile"), {}),
    "/v2/customers/lookup/customerDetails": _get(
        "Same as /v2/customers/lookup", identifier_params("mobile, email, externalId or id"),
        ref("CustomerProfile"), {}),
    "/v2/customers/lookup/promotionData": _get(
        "A customer's loyalty promotions, paginated", PROMOTION_PARAMS, ref("PromotionData"),
        {}),
    "/v2/customers/lookup/loyaltyDetails": _get(
        "Points balance and tier per program",
        [*identifier_params("mobile, email, externalId or id"),
         query("programId", INT, "Only this program (8089 if unknown)")],
        ref("LoyaltyDetails"), {}),
    "/v2/customers/{customerId}/loyaltyDetails": _get(
        "Points balance and tier per program, by customer id",
        [path_param("customerId", {"type": "integer", "minimum": 0}, "Customer id"),
         query("programId", INT, "Only this program (8089 if unknown)")],
        ref("LoyaltyDetails"), {"404": response("Not a customer id", ref("CapillaryErrors"))}),
    "/sink/{name}": {"post": {
        "tags": ["Sinks"],
        "summary": "A webhook receiver: records the request, answers as configured",
        "parameters": [path_param("name", {"type": "string",
                                           "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"},
                                  "Sink name (created on first use)")],
        "requestBody": json_body(OBJ, "Any body (an event)", required=False),
        "responses": {
            "default": response("The configured status (200 unless set otherwise)", OBJ),
            "404": response("Bad sink name", ref("Error")),
        },
    }},
}
