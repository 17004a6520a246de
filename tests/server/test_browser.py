"""The page in a real browser: Debian's chromium driven by Playwright (no downloaded
browsers), against ``capmock serve``'s app served by waitress on a loopback port."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from capmock.server.serve import ServerThread

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and shutil.which("chromium") is None,
    reason=f"no chromium at {CHROMIUM} (CI installs it in .ci/setup-extra: apt-get install "
           "chromium)",
)
TIMEOUT = 15_000  # ms: every expectation's deadline


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, live: ServerThread) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    expect.set_options(timeout=TIMEOUT)
    errors: list[str] = []
    pg.on("pageerror", lambda err: errors.append(str(err)))
    pg.goto(live.url + "/")
    yield pg
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def test_fire_an_event_see_it_redeliver_it(page: Page, live: ServerThread,
                                           tmp_path: Path) -> None:
    expect(page.locator("#event-name")).to_have_value("transactionAdded")
    expect(page.locator("#validation")).to_contain_text("valid")
    expect(page.locator("#payload")).to_have_value(re.compile('"eventName": "transactionAdded"'))
    page.get_by_role("button", name="Fire").click()

    row = page.locator("tr.delivery").first
    expect(row.locator("td.event")).to_have_text("transactionAdded")
    expect(row.locator(".badge")).to_have_text("delivered")
    expect(row.locator("td.attempts")).to_have_text("1")

    row.get_by_role("button", name="Redeliver").click()
    expect(row.locator("td.attempts")).to_have_text("2")
    row.click()
    attempts = page.locator("tr.detail tr.attempt")
    expect(attempts).to_have_count(2)
    expect(attempts.nth(1)).to_contain_text("redeliver")
    expect(page.locator("tr.detail pre.headers")).to_contain_text("User-Agent: Java/1.8.0_272")
    page.screenshot(path=str(tmp_path / "serve.png"), full_page=True)

    page.get_by_role("tab", name="Sinks").click()
    expect(page.locator("#sink-title")).to_contain_text("(2)")
    expect(page.locator("#sink-requests tbody tr")).to_have_count(2)
    page.screenshot(path=str(tmp_path / "sinks.png"), full_page=True)


def test_the_fields_level_changes_the_generated_payload(page: Page) -> None:
    payload = page.locator("#payload")
    page.locator("#event-name").select_option("pointsIssued")
    expect(payload).to_have_value(re.compile('"eventName": "pointsIssued"'))
    page.locator("#event-fields").select_option("all")  # every member: …InMillis too
    expect(payload).to_have_value(re.compile("InMillis"))
    expect(page.locator("#validation")).to_contain_text("valid")
    page.locator("#event-fields").select_option("required")
    expect(payload).not_to_have_value(re.compile("InMillis"))
    expect(payload).to_have_value(re.compile('"eventName": "pointsIssued"'))


def test_invalid_json_and_schema_problems_show_live(page: Page) -> None:
    expect(page.locator("#validation")).to_contain_text("valid")
    editor = page.locator("#payload")
    editor.fill('{"eventName": "pointsIssued", "data": {}}')
    expect(page.locator("#validation")).to_contain_text("problem")
    editor.fill("{not json")
    expect(page.locator("#validation")).to_contain_text("Not JSON")


def test_malformed_upload_shows_an_error_and_a_scenario_fills_the_customers_view(
        page: Page, live: ServerThread, tmp_path: Path) -> None:
    page.get_by_role("button", name="Scenario").click()
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: broken\nsteps:\n  - fly: {to: moon}\n")
    page.locator("#scenario-file").set_input_files(str(bad))
    expect(page.locator("#upload-status")).to_contain_text("Cannot use broken.yaml")
    expect(page.locator("#upload-status")).to_contain_text("unknown step 'fly'")

    page.locator("#scenario-name").select_option("promotion-issue-earn-revoke")
    page.get_by_role("button", name="Fire").click()
    expect(page.locator("#runs .run").first).to_contain_text("done")
    page.get_by_role("tab", name="Customers").click()
    rows = page.locator("#customers tbody tr")
    expect(rows.first).to_contain_text("930 now")
    expect(rows.first).to_contain_text("promotion-issue-earn-revoke")
    expect(rows.first).to_contain_text("Birthday treat")
    page.screenshot(path=str(tmp_path / "customers.png"), full_page=True)
