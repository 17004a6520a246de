"""Targets: an http(s) URL, or a WSGI app served in-process on loopback.

``wsgi:package.module:app`` (or ``wsgi:path/to/app.py:create_app()``), optionally followed
by the webhook's path: ``wsgi:myshop.wsgi:application/hooks/capillary``. ``attr()`` calls a
factory. The app is served by a real threaded HTTP server on 127.0.0.1 (a free port) in a
background thread, so deliveries go over HTTP exactly as they would to a deployed service.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from capmock.errors import UsageError

PREFIX = "wsgi:"
WsgiApp = Callable[..., Any]


def is_wsgi(target: str | None) -> bool:
    return bool(target) and str(target).startswith(PREFIX)


def parse(spec: str) -> tuple[str, str, bool, str]:
    """``wsgi:MODULE:ATTR[()][/path]`` -> (module, attr, call, path)."""
    body = spec.removeprefix(PREFIX)
    module, sep, rest = body.rpartition(":")
    if not sep or not module or not rest:
        raise UsageError(f"'{spec}' is not wsgi:module:attr", hint="e.g. wsgi:myapp.wsgi:app")
    attr, slash, path = rest.partition("/")
    call = attr.endswith("()")
    attr = attr.removesuffix("()")
    if not attr.isidentifier():
        raise UsageError(f"'{spec}': '{attr}' is not a name in the module")
    return module, attr, call, "/" + path if slash else "/"


def load_app(spec: str) -> tuple[WsgiApp, str]:
    """The WSGI callable named by ``spec`` and the webhook path."""
    module_name, attr, call, path = parse(spec)
    module = _import(module_name)
    try:
        app = getattr(module, attr)
    except AttributeError as err:
        raise UsageError(f"'{module_name}' has no '{attr}'") from err
    if call:
        app = app()
    if not callable(app):
        raise UsageError(f"'{module_name}:{attr}' is not a WSGI application")
    return app, path


def _import(name: str) -> Any:
    if name.endswith(".py"):
        file = Path(name).resolve()
        if not file.is_file():
            raise UsageError(f"no such file '{name}'")
        unique = f"capmock_wsgi_{abs(hash(str(file)))}"
        if unique in sys.modules:
            return sys.modules[unique]
        spec = importlib.util.spec_from_file_location(unique, file)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[unique] = module  # dataclasses look their module up while being built
        spec.loader.exec_module(module)
        return module
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(name)
    except ImportError as err:
        raise UsageError(f"cannot import '{name}': {err}") from err


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """No access log line per delivery."""


@dataclass
class Served:
    """A WSGI app on a loopback port: ``base`` (scheme://host:port) and ``url`` (+ path)."""

    server: BaseWSGIServer
    thread: threading.Thread
    base: str
    url: str

    @classmethod
    def start(cls, app: WsgiApp, path: str = "/") -> Served:
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="capmock-wsgi",
                                  daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        return cls(server, thread, base, base + path)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@contextlib.contextmanager
def serving(target: str) -> Iterator[str]:
    """The URL to deliver to: ``target`` itself, or a WSGI target served while inside."""
    if not is_wsgi(target):
        yield target
        return
    app, path = load_app(target)
    served = Served.start(app, path)
    try:
        yield served.url
    finally:
        served.stop()
