"""Unit tests for the seed-sample repair rules in tools/seedrepair.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import seedrepair as sr


def parse(text: str) -> tuple[object, list[str]]:
    parser = sr.Parser(text, first_line=1)
    return parser.parse_document(), parser.log


def repair_values(payload: object, quoted: frozenset[str] = frozenset()) -> tuple[object, list]:
    log: list[str] = []
    return sr.fix_values(payload, log, quoted), log


# -- keys -------------------------------------------------------------------


def test_whitespace_inside_keys_is_removed() -> None:
    log: list[str] = []
    fixed = sr.fix_keys({"or gId": 1, "x": [{" timeStamp": 2, "apiRequestId ": "a"}]}, log)
    assert fixed == {"orgId": 1, "x": [{"timeStamp": 2, "apiRequestId": "a"}]}
    assert log == [
        "orgId: key 'or gId' -> 'orgId'",
        "x[0].timeStamp: key ' timeStamp' -> 'timeStamp'",
        "x[0].apiRequestId: key 'apiRequestId ' -> 'apiRequestId'",
    ]


# -- values -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"actionType": "STA RT"}, {"actionType": "START"}),
        ({"actionType": " START"}, {"actionType": "START"}),
        ({"refId": "150956_tJV GuVbhdB"}, {"refId": "150956_tJVGuVbhdB"}),
        ({"apiRequestId": "6f2131ae a f16c"}, {"apiRequestId": "6f2131aeaf16c"}),
        ({"deliveryStatus": "DELIV ERED"}, {"deliveryStatus": "DELIVERED"}),
        ({"termAndConditionsId": "EXDR1 2987R"}, {"termAndConditionsId": "EXDR12987R"}),
        ({"code": "kanmo.idn.mother care.rpm"}, {"code": "kanmo.idn.mothercare.rpm"}),
        ({"mobile": "9189000 03219"}, {"mobile": "918900003219"}),
        (
            {"imageUrl": "https://s3.eu -west-1.x/a?b=C D"},
            {"imageUrl": "https://s3.eu-west-1.x/a?b=CD"},
        ),
        ({"identifiers": [{"key": "bill Id"}]}, {"identifiers": [{"key": "billId"}]}),
        ({"tierName": " Platinum"}, {"tierName": "Platinum"}),
    ],
)
def test_identifier_and_enum_values_lose_stray_spaces(payload: dict, expected: dict) -> None:
    assert repair_values(payload)[0] == expected


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "Mothercare RSIA Paramount Makassar"},
        {"promotionName": "Target Completed"},
        {"description": "Earn 100 points for 3 transactions"},
        {"promotionMetadata": [{"key": "preferred language"}]},
        {"status": "In Progress"},
        {"startDate": "2024-08-05 01:30:00"},
    ],
)
def test_human_text_keeps_inner_spaces(payload: dict) -> None:
    assert repair_values(payload) == (payload, [])


def test_midword_space_is_removed_only_when_the_page_corroborates_it() -> None:
    quoted = frozenset({"newshard_orgDefaultProgram", "TargetCompleted"})
    fixed, log = repair_values(
        {"name": "n ewshard_orgDefaultProgram", "promotionName": "Target Completed"}, quoted
    )
    assert fixed == {"name": "newshard_orgDefaultProgram", "promotionName": "Target Completed"}
    assert len(log) == 1 and log[0].startswith("name: 'n ewshard_orgDefaultProgram' -> ")


# -- syntax -----------------------------------------------------------------


def test_comments_are_removed_but_urls_survive() -> None:
    value, log = parse(
        '{\n// whole-line comment\n"a": 1,//Post Timezone standardisation\n'
        '"b": 2 // trailing\n, "u": "https://x.y/z"\n}'
    )
    assert value == {"a": 1, "b": 2, "u": "https://x.y/z"}
    assert log == [
        "L2: removed comment '// whole-line comment'",
        "L3: removed comment '//Post Timezone standardisation'",
        "L4: removed comment '// trailing'",
    ]


def test_missing_commas_are_inserted() -> None:
    value, log = parse('{\n"eventName": "revokeIssuedPromotion"\n"data": {"a": [1\n2]}\n}')
    assert value == {"eventName": "revokeIssuedPromotion", "data": {"a": [1, 2]}}
    assert log == [
        "L2: inserted missing comma after this line's value",
        "L3: inserted missing comma after this line's value",
    ]


def test_trailing_commas_are_removed() -> None:
    value, log = parse('{"a": [1, 2,], "b": {"c": 3,},}')
    assert value == {"a": [1, 2], "b": {"c": 3}}
    assert len(log) == 3 and all("removed trailing comma" in entry for entry in log)


def test_unquoted_values_become_strings() -> None:
    value, log = parse(
        '{\n"x": some text,\n"d": YYYY-MM-DD\n"when": 2024-05-17,\n"n": 130,\nkind:USER\n}'
    )
    assert value == {
        "x": "some text",
        "d": "YYYY-MM-DD",
        "when": "2024-05-17",
        "n": 130,
        "kind": "USER",
    }
    assert "L2: quoted unquoted value 'some text'" in log
    assert "L6: quoted bare key 'kind'" in log


def test_cloudflare_email_and_ellipsis() -> None:
    value, _ = parse('{"email": "[email protected]", "e2": [email protected], "a": [1, ..., 2]}')
    assert value == {"email": sr.PLACEHOLDER_EMAIL, "e2": sr.PLACEHOLDER_EMAIL, "a": [1, 2]}


def test_hopelessly_broken_sample_raises() -> None:
    with pytest.raises(sr.RepairError, match="expected ':'"):
        parse("{\npromotionAlternateCurrencies100,\n}")


# -- regions, classification, end to end -------------------------------------


def test_regions_glued_prefixed_headless_and_truncated() -> None:
    page = 'Payload{\n"a": 1\n}{\n"b": 2\n}| table\nTitle\n"c": 3\n}\nText\n{\n"d": {\n'
    regions = sr.find_regions("x.txt", page)
    assert [(r.line, r.headless, r.closed) for r in regions] == [
        (1, False, True),
        (3, False, True),
        (7, True, True),
        (10, False, False),
    ]
    assert regions[0].prefix == "Payload"
    assert regions[3].problem == "truncated: 2 bracket(s) still open at end of page"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"eventType": "150698_customerAdded", "attributes": {}}, ("wrapped", "customerAdded")),
        (
            {"eventType": "x", "attributes": {"eventName": "pointsIssued"}},
            ("wrapped", "pointsIssued"),
        ),
        (
            {"eventName": "CouponIssue", "data": {"eventName": "TransactionAdd"}},
            ("flat", "CouponIssue"),
        ),
        ({"pageDetails": {}, "promotions": [{"eventName": "TargetCompleted"}]}, ("other", None)),
    ],
)
def test_classify(payload: dict, expected: tuple[str, str | None]) -> None:
    assert sr.classify(payload) == expected


def test_main_writes_repaired_samples_deterministically(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "000_a.txt").write_text(
        "Points Issued Event (pointsIssued)\n{\n"
        '"eventType": "1_pointsIssued",\n"actionType": "STA RT",\n'
        '"attributes": {"eventName": "pointsIssued", "or gId": 1,}\n}\n'
        'Broken\n{\n"eventName": "x",\n',
        encoding="utf-8",
    )
    (seeds / "002_voucherify.txt").write_text('{\n"skipped": true\n}\n', encoding="utf-8")
    out = tmp_path / "out"
    assert sr.main([str(seeds), str(out)]) == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sr.main([str(seeds), str(out)]) == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first

    sample = json.loads((out / "000_L2_pointsIssued_wrapped.json").read_text())
    assert sample == {
        "eventType": "1_pointsIssued",
        "actionType": "START",
        "attributes": {"eventName": "pointsIssued", "orgId": 1},
    }
    manifest = json.loads((out / "manifest.json").read_text())
    assert [(r["line"], r["status"], r["event"]) for r in manifest] == [
        (2, "ok", "pointsIssued"),
        (8, "unparseable", "x"),
    ]


# -- seed 005: a Markdown page, an API response around a sample, a hand-kept list -----


def test_api_response_around_a_sample_is_unwrapped() -> None:
    log: list[str] = []
    event = {"eventName": "updateRewardTransaction", "data": {}}
    assert sr.unwrap_response({"data": event, "errors": None, "warnings": None}, log) == event
    assert log == ["unwrapped an API response {data, errors, warnings}: payload = data"]
    other = {"data": {"x": 1}, "errors": None, "warnings": None}  # no event inside
    assert sr.unwrap_response(other, log) is other and len(log) == 1


def test_markdown_pages_are_read_and_the_hand_kept_list_survives(tmp_path: Path) -> None:
    seeds, out = tmp_path / "seeds", tmp_path / "out"
    seeds.mkdir()
    (seeds / "README.md").write_text('```json\n{"eventName": "notAPage", "data": {}}\n```\n')
    (seeds / "005_more.md").write_text(
        "## Group Created Event (groupCreated)\n\n```json Raw payload\n"
        '{\n  "data": {"eventName": "groupCreated", "data": {"groupId": 1}},\n'
        '  "errors": null,\n  "warnings": null\n}\n```\n\n'
        '```json\n{\n  "$schema": "http://json-schema.org/draft-06/schema#",\n'
        '  "type": "object"\n}\n```\n'
    )
    out.mkdir()
    (out / "excluded.json").write_text("{}\n")
    assert sr.main([str(seeds), str(out)]) == 0
    rows = json.loads((out / "manifest.json").read_text())
    assert [(r["file"], r["event"], r["style"], r["status"]) for r in rows] == [
        ("005_more.md", "groupCreated", "flat", "ok"),
        ("005_more.md", None, "other", "other"),
    ]
    assert "JSON Schema" in rows[1]["reason"]
    assert "API response" in rows[0]["reason"]
    assert (out / "excluded.json").read_text() == "{}\n"
