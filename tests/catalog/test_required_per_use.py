"""``ref(name, optional=…)``: a shared definition's members are required per use."""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from capmock import catalog
from capmock.catalog.fields import INT, STR, arr, obj, opt, ref, required_overlay, strip_required

DEFS = {
    "pair": obj(key=STR, value=opt(STR)),
    "holder": obj(id=INT, pairs=arr(ref("pair")), note=opt(obj(text=STR))),
}


def test_overlay_states_the_required_members_through_arrays_and_nested_refs() -> None:
    assert required_overlay(DEFS["holder"], DEFS, frozenset()) == {
        "required": ["id", "pairs"],
        "properties": {
            "pairs": {"items": {"required": ["key"]}},
            "note": {"required": ["text"]},
        },
    }
    lifted = required_overlay(DEFS["holder"], DEFS, frozenset({"id", "pairs.key", "note.text"}))
    assert lifted == {"required": ["pairs"]}


def local(schema: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(schema).replace("../defs.json#/$defs/", "#/$defs/"))


def test_a_use_lifts_only_what_it_names() -> None:
    shapes = {name: strip_required(node.to_schema()) for name, node in DEFS.items()}
    shapes["holderAlways"] = required_overlay(DEFS["holder"], DEFS, frozenset())

    def check(optional: tuple[str, ...], doc: dict[str, Any]) -> bool:
        use = ref("holder", optional=optional).to_schema(DEFS)
        assert ("holderAlways" in json.dumps(use)) is not bool(optional)
        schema = local({**use, "$defs": shapes})
        return jsonschema.Draft202012Validator(schema).is_valid(doc)

    doc = {"id": 1, "pairs": [{"value": "x"}]}
    assert not check((), doc)
    assert check(("pairs.key",), doc)
    assert not check(("pairs.key",), {"pairs": []})


def test_channel_account_members_can_be_lifted_for_one_event() -> None:
    defs = catalog.shared_defs()
    path = "line.accounts.identifiers.identifierType"
    overlay = required_overlay(defs["customerIdentifiers"], defs, frozenset({path}))
    items = overlay["properties"]["line"]["properties"]["accounts"]["items"]
    assert items["properties"]["identifiers"]["items"]["required"] == ["identifierValue"]
    default = required_overlay(defs["customerIdentifiers"], defs, frozenset())
    items = default["properties"]["line"]["properties"]["accounts"]["items"]
    assert items["properties"]["identifiers"]["items"]["required"] == [
        "identifierType",
        "identifierValue",
    ]
