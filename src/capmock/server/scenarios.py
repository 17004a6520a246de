"""The scenarios ``capmock serve`` offers: the bundled ones, the one given with
``--scenario``, and uploads.

An upload is size-limited, must be UTF-8 YAML without alias bombs, may include only
relative files inside its folder (the bundled ``common/`` is provided next to it), must load
(the same checks as ``capmock plan``, with line numbers) and must play its first
``DRY_RUN_EVENTS`` events without error. Any failure is an :class:`UploadError` whose message
names the upload, never the server's temporary path.
"""

from __future__ import annotations

import functools
import itertools
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from capmock.bundled import summary
from capmock.errors import CapmockError
from capmock.scenario import BUNDLED, load
from capmock.scenario.player import Player

DRY_RUN_EVENTS = 5000
MAX_ALIASES = 100


class UploadError(CapmockError):
    """An upload that cannot be used; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, *, status: int = 400, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


@dataclass(frozen=True)
class Entry:
    name: str
    path: str
    origin: str  # bundled | uploaded | cli
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "origin": self.origin, "summary": summary(self.description),
                "description": self.description}


@functools.cache
def _bundled() -> dict[str, Entry]:
    """The bundled scenarios (read once per process: they ship with the package)."""
    out = {}
    for path in sorted(BUNDLED.glob("*.yaml")):
        try:
            description = load(str(path)).description
        except CapmockError:
            continue
        out[path.stem] = Entry(path.stem, str(path), "bundled", description)
    return out


def _safe_name(text: str) -> str:
    stem = Path(text).name.rsplit(".", 1)[0] if text else ""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.")[:64] or "uploaded"


class Scenarios:
    def __init__(self, max_bytes: int = 256 * 1024) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries = dict(_bundled())
        self._dir: Path | None = None

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [e.to_dict() for e in self._entries.values()]

    def get(self, name: str) -> Entry | None:
        with self._lock:
            return self._entries.get(name)

    def add_file(self, path: str) -> Entry:
        """A scenario the server was started with (trusted: any path, any includes)."""
        scenario = load(path)
        resolved = Path(scenario.path).resolve()
        with self._lock:
            for entry in self._entries.values():
                if Path(entry.path).resolve() == resolved:
                    return entry
            name = resolved.stem if resolved.stem not in self._entries else f"{resolved.stem}-local"
            entry = Entry(name, str(resolved), "cli", scenario.description)
            self._entries[name] = entry
        return entry

    def upload_dir(self) -> Path:
        with self._lock:
            if self._dir is None:
                self._dir = Path(tempfile.mkdtemp(prefix="capmock-uploads-"))
                if (BUNDLED / "common").is_dir():
                    shutil.copytree(BUNDLED / "common", self._dir / "common")
            return self._dir

    def upload(self, filename: str, content: bytes) -> Entry:
        """Check and keep an uploaded scenario; UploadError says what is wrong with it."""
        if len(content) > self.max_bytes:
            raise UploadError(f"the scenario is {len(content)} bytes; the limit is "
                              f"{self.max_bytes}", status=413)
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as err:
            raise UploadError(f"not UTF-8 text (byte {err.start})") from None
        check_structure(text)
        name = self._free_name(_safe_name(filename) or "uploaded")
        path = self.upload_dir() / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            description = dry_run(path, name)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        entry = Entry(name, str(path), "uploaded", description)
        with self._lock:
            self._entries[name] = entry
        return entry

    def _free_name(self, name: str) -> str:
        with self._lock:
            taken = {n for n, e in self._entries.items() if e.origin != "uploaded"}
        return name if name not in taken else f"{name}-upload"


def check_structure(text: str) -> None:
    """No alias bombs; includes only relative, inside the upload's folder."""
    try:
        aliases = sum(isinstance(t, yaml.AliasToken) for t in
                      itertools.islice(yaml.scan(text), 200_000))
        doc = yaml.safe_load(text) if aliases <= MAX_ALIASES else None
    except yaml.YAMLError:
        return  # loading reports it, with the line
    if aliases > MAX_ALIASES:
        raise UploadError(f"too many YAML aliases ({aliases}); at most {MAX_ALIASES}")
    includes = doc.get("include") if isinstance(doc, dict) else None
    for inc in [includes] if isinstance(includes, str) else includes or []:
        rel = str(inc)
        if rel.startswith(("/", "\\")) or ".." in Path(rel).parts or ":" in rel:
            raise UploadError(f"include '{rel}': only files next to the upload",
                              hint="e.g. include: common/org.yaml")


def dry_run(path: Path, name: str) -> str:
    """Load and play the first events; returns the description. Errors name the upload."""
    where = str(path)
    try:
        scenario = load(where)
        player = Player(scenario)
        for _ in itertools.islice(player.payloads(), DRY_RUN_EVENTS):
            pass
    except CapmockError as err:
        raise UploadError(str(err).replace(where, name), hint=None) from None
    except RecursionError:
        raise UploadError("the scenario nests too deeply") from None
    except Exception as err:  # a malformed upload is the uploader's problem, never a 500
        raise UploadError(f"cannot play the scenario: {type(err).__name__}: {err}") from None
    return scenario.description
