"""``ref(name, optional=…)``: a shared definition's members are required per use."""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from capmock import catalog, generate
from capmock.catalog.fields import INT, STR, Obj, Ref, arr, obj, opt, ref, specialise

DEFS = {
    "pair": obj(key=STR, value=opt(STR)),
    "holder": obj(id=INT, pairs=arr(ref("pair")), note=opt(obj(text=STR))),
}


def local(schema: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(schema).replace("../defs.json#/$defs/", "#/$defs/"))


def check(optional: tuple[str, ...], doc: dict[str, Any]) -> bool:
    defs = {name: node.to_schema() for name, node in DEFS.items()}
    schema = local({**ref("holder", optional=optional).to_schema(DEFS), "$defs": defs})
    return jsonschema.Draft202012Validator(schema).is_valid(doc)


def test_a_plain_use_is_a_reference_and_a_lifting_one_is_inline() -> None:
    assert ref("holder").to_schema(DEFS) == {"$ref": "../defs.json#/$defs/holder"}
    inline = ref("holder", optional=("id", "pairs.key")).to_schema(DEFS)
    assert inline["required"] == ["pairs"]
    assert inline["properties"]["pairs"]["items"]["properties"]["key"] == {"type": "string"}
    assert "required" not in inline["properties"]["pairs"]["items"]
    # a member whose path lifts nothing keeps its reference
    assert specialise(Ref("holder", ("id",)), DEFS, frozenset()).fields["pairs"].node == arr(
        Ref("pair")
    )


def test_a_use_lifts_only_what_it_names() -> None:
    doc = {"id": 1, "pairs": [{"value": "x"}]}
    assert not check((), doc)
    assert check(("pairs.key",), doc)
    assert not check(("pairs.key",), {"pairs": []})
    assert not check(("pairs.key",), {"id": 1, "pairs": [{"key": 5}]})  # types stay


def test_channel_account_members_can_be_lifted_for_one_event() -> None:
    defs = catalog.shared_defs()
    path = "line.accounts.identifiers.identifierType"
    special = specialise(Ref("customerIdentifiers", (path,)), defs, frozenset())
    assert isinstance(special, Obj)
    schema = special.to_schema(defs)
    accounts = schema["properties"]["line"]["properties"]["accounts"]["items"]
    assert accounts["properties"]["identifiers"]["items"]["required"] == ["identifierValue"]
    assert schema["properties"]["wechat"] == {"$ref": "../defs.json#/$defs/channelAccounts"}
    assert schema["required"] == ["customerId"]
    channel = defs["channelAccounts"].to_schema(defs)
    identifiers = channel["properties"]["accounts"]["items"]["properties"]["identifiers"]
    assert identifiers["items"]["required"] == ["identifierType", "identifierValue"]


def test_group_members_lift_the_empty_account_identifiers_only_for_themselves() -> None:
    from capmock.schemas import Validator, documents

    docs = documents()
    member = docs["defs.json"]["$defs"]["groupMember"]["properties"]["customerIdentifiers"]
    line = member["properties"]["line"]["properties"]["accounts"]["items"]
    assert "required" not in line["properties"]["identifiers"]["items"]
    validator = Validator(docs)
    accounts = {"accounts": [{"accountId": "A1", "identifiers": [{}]}]}
    group = generate("groupCreated", seed=1)
    group["data"]["primaryMember"]["customerIdentifiers"]["line"] = accounts
    assert validator.validate(group) == []
    points = generate("pointsIssued", seed=1)
    points["data"]["customerIdentifiers"]["line"] = accounts
    assert validator.validate(points)  # elsewhere an identifier has its type and value
