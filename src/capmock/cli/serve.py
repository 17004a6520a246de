"""``capmock serve``: the page, the REST API, the mock Capillary APIs and the sinks, on one
port, served by waitress."""

from __future__ import annotations

import signal
from types import FrameType

import click

from capmock.cli.base import boundary, fields_option, main, variations_option
from capmock.errors import UsageError


@main.command("serve")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="0: any free port.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to bind; 0.0.0.0 for every interface (e.g. in Docker).",
)
@click.option("--target", help="Default webhook URL (else the built-in sink /sink/default).")
@click.option(
    "--scenario",
    help="Scenario file (or bundled name) to offer first and play into the model at start.",
)
@click.option(
    "--ui-password",
    envvar="CAPMOCK_UI_PASSWORD",
    help="Protect the page and /api/ with Basic auth (any user name).",
)
@click.option(
    "--api-user",
    envvar="CAPMOCK_API_USER",
    help="Credentials the mock Capillary APIs demand (Basic, or a token).",
)
@click.option("--api-password", envvar="CAPMOCK_API_PASSWORD")
@click.option(
    "--allow-target",
    multiple=True,
    help="Deliver only to this scheme, host and port (and path, or below it); repeatable. "
    "Default: anywhere (a warning when bound to a non-loopback address without --ui-password).",
)
@click.option(
    "--sink-memory",
    type=click.IntRange(1, 65536),
    default=64,
    show_default=True,
    help="MB of received requests all sinks keep together (the oldest dropped; counts go on).",
)
@click.option(
    "--threads", type=click.IntRange(4, 256), default=16, show_default=True, help="Request threads."
)
@variations_option
@fields_option(None)
@boundary
def serve_cmd(
    port: int,
    host: str,
    target: str | None,
    scenario: str | None,
    ui_password: str | None,
    api_user: str | None,
    api_password: str | None,
    allow_target: tuple[str, ...],
    sink_memory: int,
    threads: int,
    variations: float,
    fields: str | None,
) -> None:
    """Everything Capillary would be for a consumer, locally: open the page it prints."""
    from capmock.delivery.sender import check_target
    from capmock.server.exposure import exposure_warning
    from capmock.server.hub import ServeConfig
    from capmock.server.serve import close, make_server

    if (api_user is None) != (api_password is None):
        raise UsageError("--api-user and --api-password go together")
    if target:
        check_target(target)
    if scenario:  # played into the model at start: a step it refuses is said now, exit 2
        from capmock.scenario import load, rehearse

        rehearse(load(scenario), variations=variations, fields=fields)
    config = ServeConfig(
        host=host,
        port=port,
        target=target,
        scenario=scenario,
        ui_password=ui_password or None,
        api_user=api_user,
        api_password=api_password,
        allow_targets=allow_target,
        max_sink_bytes=sink_memory * 1024 * 1024,
        threads=threads,
        variations=variations,
        fields=fields,
    )
    try:
        server, app = make_server(config)
    except OSError as err:
        raise UsageError(f"cannot listen on {host}:{port}: {err.strerror or err}") from err
    except ValueError:  # waitress: a host it cannot resolve
        raise UsageError(f"cannot listen on {host}:{port}: no such host or address",
                         hint="use an address of this machine, e.g. 127.0.0.1 or 0.0.0.0") from None
    hub = app.extensions["capmock"]
    base = hub.base_url
    warning = exposure_warning(host, allow_target, ui_password)
    if warning:
        click.echo(warning, err=True)
    click.echo(f"capmock serving on http://{host}:{hub.port}/ (waitress)")
    click.echo(f"  page       {base}/")
    click.echo(f"  API        {base}/api/   OpenAPI {base}/openapi.json")
    click.echo(
        f"  Capillary  {base}/v2/customers/lookup…   token {base}/v3/oauth/token/generate"
        + ("   (credentials required)" if hub.api_auth.enabled else "")
    )
    click.echo(f"  sink       {base}/sink/<name>   default target {hub.default_target}")
    signal.signal(signal.SIGTERM, _interrupt)  # docker stop: shut down like Ctrl-C
    try:
        server.run()  # returns on Ctrl-C (waitress catches the KeyboardInterrupt)
    except KeyboardInterrupt:
        pass
    finally:
        hub.log.shutdown()
        close(server)
        click.echo("stopped")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
