"""The pure pieces: expectations, templates, JSONPath, polling with an injected clock."""

from __future__ import annotations

import pytest

from capmock.contract.poll import Poller
from capmock.scenario.expect import DEFAULT, parse_expect
from capmock.scenario.expressions import PathError, lookup, parse_jsonpath, render, same


@pytest.mark.parametrize(
    ("value", "ok", "bad"),
    [
        ("2xx", [200, 204, 299], [301, 400, 500, None]),
        ("reject", [400, 404, 422], [200, 302, 500]),
        ("4xx", [400, 499], [200, 500]),
        (202, [202], [200, 204]),
        ("202", [202], [200]),
        ([200, "4xx"], [200, 409], [201, 500]),
        ({"status": "reject"}, [400], [200]),
    ],
)
def test_expectations_match_statuses(value: object, ok: list[int], bad: list[int | None]) -> None:
    expect = parse_expect(value)
    assert all(expect.matches(s) for s in ok)
    assert not any(expect.matches(s) for s in bad)


def test_default_and_labels() -> None:
    assert parse_expect("2xx") == DEFAULT and DEFAULT.is_default
    assert parse_expect("reject").label == "reject (4xx)"
    assert parse_expect([200, 202]).label == "200 or 202"


@pytest.mark.parametrize("value", ["3xy", 99, 600, True, [], {"code": 200}, "nope"])
def test_bad_expectations_say_why(value: object) -> None:
    with pytest.raises(ValueError):
        parse_expect(value)


MODEL = {
    "alice": {"points": {"current": 540.0, "lifetime": 600}, "tier": {"number": 2,
              "name": "Gold"}, "customerId": 42, "coupons": [{"code": "X1"}]},
}


def test_templates_keep_types_and_interpolate() -> None:
    assert render("{{ alice.points.current }}", MODEL) == 540.0
    assert render("{{alice.tier.number}}", MODEL) == 2
    text = "tier {{ alice.tier.name }} of {{ alice.customerId }}"
    assert render(text, MODEL) == "tier Gold of 42"
    assert render("{{ alice.coupons[0].code }}", MODEL) == "X1"
    assert render({"a": ["{{ alice.points.lifetime }}", 3]}, MODEL) == {"a": [600, 3]}
    assert render(7, MODEL) == 7


def test_unknown_template_fields_get_a_hint() -> None:
    with pytest.raises(PathError, match="did you mean 'current'"):
        render("{{ alice.points.curent }}", MODEL)
    with pytest.raises(PathError, match="has no 'bob'"):
        render("{{ bob.points.current }}", MODEL)


def test_jsonpath_subset() -> None:
    doc = {"points": {"current": 5}, "tx": [{"amount": 1}, {"amount": 2}], "tier-name": "Gold"}
    assert lookup(doc, parse_jsonpath("$.points.current")) == (True, 5)
    assert lookup(doc, parse_jsonpath("$.tx[1].amount")) == (True, 2)
    assert lookup(doc, parse_jsonpath('$["tier-name"]')) == (True, "Gold")
    assert lookup(doc, parse_jsonpath("$")) == (True, doc)
    assert lookup(doc, parse_jsonpath("$.tx[5].amount")) == (False, None)
    assert lookup(doc, parse_jsonpath("$.points.current.x")) == (False, None)
    for bad in ("points.current", "$.a..b", "$[x]"):
        with pytest.raises(PathError):
            parse_jsonpath(bad)


def test_same_compares_numbers_as_numbers() -> None:
    assert same(540, 540.0) and same({"a": [1, 2.0]}, {"a": [1.0, 2]})
    assert not same(1, True) and not same("540", 540) and not same([1], [1, 2])


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_poller_backs_off_until_the_condition_holds() -> None:
    t = FakeTime()
    answers = iter([1, 2, 3, 4])
    polled = Poller(10, clock=t.clock, sleep=t.sleep).until(lambda: next(answers), lambda v: v == 3)
    assert (polled.ok, polled.value, polled.tries) == (True, 3, 3)
    assert t.sleeps == [0.02, 0.04]


def test_poller_gives_up_at_the_deadline_with_the_last_value() -> None:
    t = FakeTime()
    polled = Poller(1.0, clock=t.clock, sleep=t.sleep).until(lambda: t.now, lambda v: False)
    assert not polled.ok
    assert polled.elapsed == pytest.approx(1.0)
    assert max(t.sleeps) <= 0.5  # capped backoff, the last wait cut to the deadline
    assert polled.value == pytest.approx(101.0)  # probed once more at the deadline


def test_settled_waits_for_two_equal_reads() -> None:
    t = FakeTime()
    reads = iter([1, 2, 2, 9])
    polled = Poller(5, clock=t.clock, sleep=t.sleep).settled(lambda: next(reads))
    assert (polled.ok, polled.value, polled.tries) == (True, 2, 3)
