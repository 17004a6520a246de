"""Reference consumers (examples/consumers) served on loopback by a real threaded server."""

from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from werkzeug.serving import make_server

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "consumers"


def load_consumer(kind: str) -> ModuleType:
    name = f"contract_{kind}_consumer"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / kind / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def naive_events() -> frozenset[str]:
    """The events the naive consumer has handlers for (what it 'subscribes' to)."""
    return frozenset(load_consumer("naive").HANDLERS)


Serve = Callable[[Any], str]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """serve(wsgi_app) -> base URL; every server is shut down after the test."""
    servers = []

    def start(app: Any) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def good(serve: Serve) -> str:
    return serve(load_consumer("good").create_app())


@pytest.fixture
def naive(serve: Serve) -> str:
    return serve(load_consumer("naive").create_app())
