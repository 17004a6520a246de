"""Serving the app with waitress: in the foreground (``capmock serve``) or in a background
thread (tests, embedding).

    with ServerThread(ServeConfig(port=0)) as server:      # port 0: any free port
        requests.get(server.url + "/api/events")
"""

from __future__ import annotations

import threading
from types import TracebackType

from flask import Flask
from waitress.server import BaseWSGIServer, create_server

from capmock.delivery.sink import close_server
from capmock.server.app import create_app
from capmock.server.hub import Hub, ServeConfig


def make_server(config: ServeConfig) -> tuple[BaseWSGIServer, Flask]:
    """The app and a bound waitress server; the hub learns the effective port."""
    app = create_app(config)
    server = create_server(app, host=config.host, port=config.port, threads=config.threads,
                           clear_untrusted_proxy_headers=True, ident="capmock")
    assert isinstance(server, BaseWSGIServer)
    hub: Hub = app.extensions["capmock"]
    hub.port = int(server.effective_port)
    return server, app


close = close_server  # the listener, every connection, the thread, the workers


class ServerThread:
    """``capmock serve``'s app on a real port, served by waitress in a daemon thread."""

    def __init__(self, config: ServeConfig | None = None) -> None:
        self.server, self.app = make_server(config or ServeConfig(port=0))
        self.hub: Hub = self.app.extensions["capmock"]
        self.url = self.hub.base_url
        self._thread = threading.Thread(target=self.server.run, name="capmock-serve",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.hub.log.shutdown()
        close(self.server, self._thread)

    def __enter__(self) -> ServerThread:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
