"""The ``capmock`` command line: one module per command group, all on the group in base.py.

Errors become one line and an exit code in ``base.boundary``, and nowhere else."""

from capmock.cli import catalog, check, delivery, serve, soak  # noqa: F401  (register commands)
from capmock.cli.base import main

__all__ = ["main"]
