"""--capmock-vendor: the pytest plugin plays scenarios as Voucherify webhooks."""

from __future__ import annotations

import pytest

import capmock.contract.webhook
import capmock.delivery.sink  # noqa: F401  (see tests/plugin: pytester drops lazy imports)

pytest_plugins = ["pytester"]

TEST = """
def test_voucherify(capmock, capmock_sink):
    result = capmock.run("points-transfer")
    assert result.ok
    kinds = [r.json["data"]["transaction"]["type"] for r in capmock_sink.received]
    assert sorted(set(r.json["type"] for r in capmock_sink.received)) == [
        "voucher.loyalty_card.transaction.created"]
    assert kinds.count("POINTS_TRANSFER_OUT") == kinds.count("POINTS_TRANSFER_IN") == 1
    planned = capmock.plan("earn-and-redeem")
    assert planned[-1]["data"]["transaction"]["type"] == "POINTS_REFUND"
    capillary = capmock.plan("earn-and-redeem", vendor="capillary")
    assert capillary[0]["eventName"] == "customerAdded"
"""


def test_the_vendor_option_reaches_run_and_plan(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_it=TEST)
    result = pytester.runpytest("--capmock-vendor", "voucherify")
    result.assert_outcomes(passed=1)


def test_an_unknown_vendor_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_it="def test_x():\n    pass\n")
    result = pytester.runpytest("--capmock-vendor", "voucherfy")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
