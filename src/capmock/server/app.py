"""The Flask app of ``capmock serve``: the page, /api/, /openapi.json, the mock Capillary
APIs and the sinks, on one port.

    app = create_app(ServeConfig(target="http://localhost:3000/hook"))
    hub = app.extensions["capmock"]        # model, scenarios, sinks, delivery log

``--ui-password`` protects the page and /api/ with Basic auth (any user name). Errors under
/api/ and /sink/ are JSON, under /v2/ and /v3/ in Capillary's shape; nothing answers a
traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from capmock import __version__
from capmock.errors import CapmockError
from capmock.server import api, capillary, sinks
from capmock.server.deliveries import Busy
from capmock.server.hub import Hub, ServeConfig
from capmock.server.openapi import document
from capmock.server.scenarios import UploadError

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
MAX_BODY = 4 * 1024 * 1024


def create_app(config: ServeConfig | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(HERE / "templates"),
                static_folder=str(HERE / "static"), static_url_path="/static")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.json.sort_keys = False  # type: ignore[attr-defined]
    hub = Hub(config or ServeConfig())
    app.extensions["capmock"] = hub
    for bp in (api.bp, capillary.bp, sinks.bp):
        app.register_blueprint(bp)
    app.before_request(_ui_auth)
    _pages(app)
    _error_handlers(app)
    return app


def _ui_auth() -> Response | None:
    hub: Hub = _hub()
    if not hub.ui_auth.enabled or not (request.path == "/" or request.path.startswith("/api/")):
        return None
    if hub.ui_auth.allows(request.headers.get("Authorization")):
        return None
    resp = jsonify({"error": "authentication required (the --ui-password)"})
    resp.status_code = 401
    resp.headers["WWW-Authenticate"] = 'Basic realm="capmock"'
    return resp


def _hub() -> Hub:
    from flask import current_app

    return current_app.extensions["capmock"]


def _pages(app: Flask) -> None:
    @app.get("/")
    def index() -> str:
        hub = _hub()
        boot = {"default_target": hub.default_target, "scenario": hub.preselected,
                "version": __version__}
        return render_template("index.html", boot=boot, version=__version__)

    @app.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(document(_hub().base_url))

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify({"ok": True, "version": __version__})


def _error(status: int, message: str, hint: str | None = None) -> tuple[Response, int]:
    path = request.path
    if path.startswith(("/v2/", "/v3/")):
        body = {"errors": [{"status": False, "code": status, "message": message}]}
        return jsonify(body), status
    out = {"error": message}
    if hint:
        out["hint"] = hint
    return jsonify(out), status


def _error_handlers(app: Flask) -> None:
    @app.errorhandler(UploadError)
    def upload_error(err: UploadError) -> tuple[Response, int]:
        return _error(err.status, err.message, err.hint)

    @app.errorhandler(Busy)
    def busy(err: Busy) -> tuple[Response, int]:
        return _error(429, err.message, "wait for a run to finish")

    @app.errorhandler(CapmockError)
    def capmock_error(err: CapmockError) -> tuple[Response, int]:
        return _error(400, err.message, err.hint)

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response | tuple[Response, int]:
        if request.path == "/" or request.path.startswith("/static/"):
            return err.get_response()
        resp, status = _error(err.code or 500, err.description or err.name)
        methods = getattr(err, "valid_methods", None)
        if err.code == 405 and methods:
            resp.headers["Allow"] = ", ".join(methods)
        return resp, status

    @app.errorhandler(Exception)
    def unexpected(err: Exception) -> tuple[Response, int]:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _error(500, f"internal error: {type(err).__name__}")
