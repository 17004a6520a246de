"""The ``capmock`` group, and the one place where errors become exit codes: ``boundary``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from capmock.errors import CapmockError

F = TypeVar("F", bound=Callable[..., Any])


def boundary(func: F) -> F:
    """Turn a CapmockError into one line on stderr and its exit code; never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CapmockError as err:
            click.echo(f"capmock: error: {err}", err=True)
            sys.exit(err.exit_code)

    return wrapper  # type: ignore[return-value]


def emit_json(obj: Any, *, pretty: bool) -> None:
    click.echo(json.dumps(obj, indent=2 if pretty else None, ensure_ascii=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="capmock")
def main() -> None:
    """Mock Capillary loyalty events: generate, validate, plan, deliver, check."""


def variations_option(func: F) -> F:
    """``--variations RATE``: documented shape variants of payloads at that rate (a share:
    ``0.1`` or ``10%``, as the soak's setting)."""
    from capmock.cli.params import PERCENTAGE

    return click.option(
        "--variations",
        type=PERCENTAGE,
        default=0.0,
        show_default=True,
        metavar="RATE",
        help="Rate (0-1) of Capillary's documented shape variants (docs/variations.md).",
    )(func)


def fields_option(default: str | None) -> Callable[[F], F]:
    """``--fields all|typical|required``: which optional members payloads carry (``None``:
    a scenario's own ``options: fields``, else typical)."""
    from capmock.catalog.shape import FIELDS

    where = "" if default else " (default: the scenario's options.fields, else typical)"
    return click.option(
        "--fields",
        type=click.Choice(FIELDS),
        default=default,
        show_default=bool(default),
        help="all: every documented optional member; typical: at Capillary's rates; "
        f"required: only what is always sent{where}.",
    )


def vendor_option(func: F) -> F:
    """``--vendor capillary|voucherify``: whose webhook shape the events take (one declaration
    shared by every command that renders events)."""
    from capmock.vendor import DEFAULT, VENDORS

    return click.option(
        "--vendor",
        type=click.Choice(VENDORS),
        default=DEFAULT,
        show_default=True,
        help="Render the journey as this platform's webhooks (docs/vendors.md).",
    )(func)
