"""Soak: an open-model load of realistic journeys against a webhook, for minutes or hours.

    from capmock.soak import SoakOptions, run_soak

    options = SoakOptions.from_cli(target="http://127.0.0.1:8080/hook", rate="500/s",
                                   duration="2h", ramp="5m", max_p99="500ms")
    summary = run_soak(options, on_tick=print)
    sys.exit(summary.exit_code)

See docs/soak.md. ``capmock.soak.locust`` (imported on its own: Locust patches the process
with gevent when imported) has the Locust user for runs beyond one machine.
"""

from pathlib import Path

from capmock.soak.options import MixEntry, SoakOptions, Thresholds
from capmock.soak.report import Snapshot, SoakSummary
from capmock.soak.runner import run_soak


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
