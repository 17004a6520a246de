"""Soak: an open-model load of realistic journeys against a webhook, for minutes or hours.

    from capmock.soak import SoakOptions, run_soak

    options = SoakOptions.from_settings(target="http://127.0.0.1:8080/hook", rate="500/s",
                                        duration="2h", ramp="5m", max_p99="500ms")
    summary = run_soak(options, on_tick=print)
    sys.exit(summary.exit_code)

See docs/soak.md. ``capmock.soak.locust`` (imported on its own: Locust patches the process
with gevent when imported) has the Locust user for runs beyond one machine.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

# lazily, so that `capmock.soak.settings` (the CLI's flags) loads neither gevent nor the model
_EXPORTS = {
    "MixEntry": "capmock.soak.settings",
    "SoakOptions": "capmock.soak.settings",
    "Thresholds": "capmock.soak.settings",
    "Snapshot": "capmock.soak.report",
    "SoakSummary": "capmock.soak.report",
    "run_soak": "capmock.soak.processes",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'capmock.soak' has no attribute {name!r}")


def locustfile_path() -> Path:
    """The ready-made locustfile (what ``capmock locustfile`` prints)."""
    return Path(__file__).resolve().parent / "locustfiles" / "capmock_locustfile.py"


__all__ = [
    "MixEntry",
    "Snapshot",
    "SoakOptions",
    "SoakSummary",
    "Thresholds",
    "locustfile_path",
    "run_soak",
]
