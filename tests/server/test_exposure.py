"""--allow-target compares scheme, host and port (never a string prefix); an exposed server
without guards is warned about; the customers' data is guarded like the lookup APIs."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from pytest_httpserver import HTTPServer

from capmock.server.exposure import allowed_places, exposure_warning, permitted
from capmock.server.hub import ServeConfig
from capmock.server.serve import ServerThread

from .conftest import basic, wait_until


@pytest.fixture
def elsewhere() -> Iterator[HTTPServer]:
    """A receiver on 127.0.0.2: not the one allowed."""
    server = HTTPServer(host="127.0.0.2", port=0)
    server.expect_request("/", method="POST").respond_with_data("ok")
    server.start()
    yield server
    server.clear()
    server.stop()


def test_userinfo_does_not_smuggle_a_target_past_the_allow_list(
    httpserver: HTTPServer, elsewhere: HTTPServer
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    allowed = f"http://127.0.0.1:{httpserver.port}/"
    with ServerThread(ServeConfig(port=0, allow_targets=(allowed,))) as server:
        smuggled = f"http://127.0.0.1:{httpserver.port}@127.0.0.2:{elsewhere.port}/"
        resp = requests.post(
            f"{server.url}/api/deliveries",
            timeout=5,
            json={"event": "customerAdded", "target": smuggled},
        )
        assert resp.status_code == 400 and "not allowed" in resp.json()["error"]
        ok = requests.post(
            f"{server.url}/api/deliveries",
            timeout=5,
            json={"event": "customerAdded", "target": f"{allowed}hook"},
        )
        assert ok.status_code == 202
        wait_until(lambda: len(httpserver.log) == 1)
        assert server.hub.log.wait_idle()
    assert elsewhere.log == []


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("http://127.0.0.1:18240/", False),
        ("http://127.0.0.1:18240/hooks", True),
        ("http://127.0.0.1:18240/hooks/capillary", True),
        ("HTTP://127.0.0.1:18240/hooks", True),
        ("http://127.0.0.1:18240@127.0.0.2:18241/", False),
        ("http://user:pw@127.0.0.1:18240/hooks/a", True),
        ("https://127.0.0.1:18240/hooks", False),
        ("http://127.0.0.1:18241/hooks", False),
        ("http://127.0.0.1/hooks", False),
        ("http://127.0.0.10:18240/hooks", False),
        ("http://127.0.0.1:18240.evil.example/hooks", False),
        ("http://127.0.0.1:18240/hooksmith", False),
        ("http://127.0.0.1:18240/other", False),
        ("http://example.com/", True),
        ("http://example.com:80/any/path", True),
        ("http://EXAMPLE.com:8080/", False),
        ("not a url", False),
    ],
)
def test_targets_compare_by_parts(url: str, ok: bool) -> None:
    places = allowed_places(("http://127.0.0.1:18240/hooks", "http://Example.COM"))
    assert permitted(url, places) is ok


def test_a_bad_allow_target_stops_the_start() -> None:
    with pytest.raises(Exception, match="--allow-target 'ftp://x/'"):
        ServerThread(ServeConfig(port=0, allow_targets=("ftp://x/",)))


@pytest.mark.parametrize(
    ("host", "allow", "password", "warned"),
    [
        ("0.0.0.0", (), None, True),
        ("::", (), None, True),
        ("192.168.1.10", (), None, True),
        ("myhost.example", (), None, True),
        ("0.0.0.0", ("http://consumer:3000/",), None, False),
        ("0.0.0.0", (), "secret", False),
        ("127.0.0.1", (), None, False),
        ("127.0.0.5", (), None, False),
        ("::1", (), None, False),
        ("localhost", (), None, False),
    ],
)
def test_exposure_warning(
    host: str, allow: tuple[str, ...], password: str | None, warned: bool
) -> None:
    warning = exposure_warning(host, allow, password)
    assert (warning is not None) is warned
    if warning:
        assert host in warning and "--allow-target" in warning and "--ui-password" in warning


def serve_lines(tmp_path: Path, *args: str) -> str:
    """What `capmock serve ARGS` prints before it is stopped (stdout and stderr)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "capmock", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
    )
    watchdog = threading.Timer(30, proc.kill)  # a test that fails, not one that hangs
    watchdog.start()
    lines = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # the warning comes first, the sink's line last
            lines.append(line)
            if line.strip().startswith("sink"):
                break
    finally:
        watchdog.cancel()
        proc.terminate()
        proc.wait(timeout=10)
    return "".join(lines)


def test_serve_on_every_interface_warns_unless_guarded(tmp_path: Path) -> None:
    open_relay = serve_lines(tmp_path, "--host", "0.0.0.0")
    assert re.search(r"warning: listening on 0\.0\.0\.0 .*open relay", open_relay)
    guarded = serve_lines(tmp_path, "--host", "0.0.0.0", "--ui-password", "pw")
    assert "warning" not in guarded and "page" in guarded
    local = serve_lines(tmp_path)
    assert "warning" not in local and "page" in local


@pytest.fixture
def protected() -> Iterator[ServerThread]:
    config = ServeConfig(port=0, api_user="till", api_password="s3cret")
    with ServerThread(config) as server:
        yield server


def test_customers_data_needs_the_lookup_credentials(protected: ServerThread) -> None:
    url = protected.url
    requests.post(f"{url}/api/generate", json={"event": "customerAdded"}, timeout=5)
    for path in ("/api/model/customers", "/api/model/customers/1"):
        resp = requests.get(url + path, timeout=5)
        assert resp.status_code == 401 and "credentials" in resp.json()["error"], path
        assert "X-CAP-API-OAUTH-TOKEN" in resp.headers["WWW-Authenticate"]  # no browser prompt
    listed = requests.get(f"{url}/api/model/customers", headers=basic("till", "s3cret"), timeout=5)
    assert listed.status_code == 200 and listed.json()["total"] >= 1
    token = requests.post(
        f"{url}/v3/oauth/token/generate", timeout=5, json={"key": "till", "secret": "s3cret"}
    ).json()["data"]["accessToken"]
    by_token = requests.get(
        f"{url}/api/model/customers", timeout=5, headers={"X-CAP-API-OAUTH-TOKEN": token}
    )
    assert by_token.status_code == 200
    assert requests.get(f"{url}/api/events", timeout=5).status_code == 200  # the rest: open


def test_with_a_ui_password_too_the_token_header_carries_the_api_credentials() -> None:
    config = ServeConfig(port=0, api_user="till", api_password="s3cret", ui_password="pw")
    with ServerThread(config) as server:
        ui = basic("me", "pw")
        assert (
            requests.get(f"{server.url}/api/model/customers", headers=ui, timeout=5).status_code
            == 401
        )
        token = requests.post(
            f"{server.url}/v3/oauth/token/generate",
            timeout=5,
            json={"key": "till", "secret": "s3cret"},
        ).json()["data"]
        both = {**ui, "X-CAP-API-OAUTH-TOKEN": token["accessToken"]}
        assert (
            requests.get(f"{server.url}/api/model/customers", headers=both, timeout=5).status_code
            == 200
        )


def test_unprotected_lookup_apis_leave_the_customers_open(live: ServerThread) -> None:
    assert requests.get(f"{live.url}/api/model/customers", timeout=5).status_code == 200
