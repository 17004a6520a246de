"""Files capmock writes for a user (journals, reports, metrics, plots): checked before the
work that fills them starts, so that an unwritable path is one line and exit 2 at once,
not a traceback, nor an error after an hour of soak."""

from __future__ import annotations

import contextlib
from pathlib import Path

from capmock.errors import UsageError


def cannot_write(path: str | Path, err: OSError, what: str) -> UsageError:
    """The one-line error for an output that cannot be written."""
    reason = err.strerror or str(err)
    where = err.filename if err.filename not in (None, str(path)) else None
    detail = f"{reason}: {where}" if where else reason
    return UsageError(
        f"{path}: cannot write {what}: {detail}", hint="give a path in a folder you can write to"
    )


def prepare_output(path: str | Path, what: str) -> Path:
    """``path`` once it can be written: its folders are made (as every output's are), an
    existing file is left as it is, and a new one is not left behind by the check."""
    out = Path(path)
    if out.is_dir():
        raise UsageError(f"{out}: cannot write {what}: it is a folder", hint="name a file in it")
    existed = out.exists()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "ab"):
            pass
    except OSError as err:
        raise cannot_write(out, err, what) from None
    if not existed:
        with contextlib.suppress(OSError):
            out.unlink()
    return out
