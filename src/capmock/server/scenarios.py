"""The scenarios ``capmock serve`` offers: the bundled ones, the one given with
``--scenario``, and uploads.

An upload is size-limited, must be UTF-8 YAML without alias bombs, may include only
relative files inside its folder (the bundled ``common/`` is provided next to it), must load
(the same checks as ``capmock plan``, with line numbers) and must play whole within the
server's budget (events, CPU seconds, memory) in a worker process (:mod:`checker`), never on
the server's own threads. Any failure is an :class:`UploadError` whose message names the
upload, never the server's temporary path. At most ``max_checks`` checks run at once (429
beyond).
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
from capmock.scenario import BUNDLED, Scenario, load
from capmock.server.checker import Budget, BudgetError, check_scenario

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
    def __init__(self, max_bytes: int = 256 * 1024, budget: Budget | None = None,
                 max_checks: int = 2) -> None:
        self.max_bytes = max_bytes
        self.budget = budget or Budget()
        self._lock = threading.Lock()
        self._entries = dict(_bundled())
        self._dir: Path | None = None
        self.max_checks = max_checks
        self.checks_running = 0
        self._checked: set[tuple[str, int | None, str | None]] = set()

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
            description = self.check(path, name)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        entry = Entry(name, str(path), "uploaded", description)
        with self._lock:
            self._entries[name] = entry
        return entry

    def check(self, path: Path, name: str, seed: int | None = None,
              envelope: str | None = None) -> str:
        """Play the scenario whole in a worker under the budget; returns its description.
        UploadError (naming ``name``, never ``path``) when it is unusable; 429 when
        ``max_checks`` checks are running already. A passed check is remembered."""
        with self._lock:
            if self.checks_running >= self.max_checks:
                raise UploadError("other scenario checks are running; try again in a moment",
                                  status=429)
            self.checks_running += 1
        try:
            description, _ = check_scenario(path, self.budget, seed, envelope)
        except BudgetError as err:
            raise UploadError(err.message.replace(str(path), name), status=err.status,
                              hint=None) from None
        finally:
            with self._lock:
                self.checks_running -= 1
        with self._lock:
            self._checked.add((str(path), seed, envelope))
        return description

    def load(self, entry: Entry, seed: int | None, envelope: str | None,
             max_events: int) -> Scenario:
        """The entry's scenario, weighed against ``max_events``; an upload's errors name the
        upload, never the server's path."""
        try:
            return load(entry.path, seed=seed, envelope=envelope, max_events=max_events)
        except CapmockError as err:
            if entry.origin != "uploaded":
                raise
            raise UploadError(err.message.replace(entry.path, entry.name),
                              hint=err.hint) from None

    def checked_count(self) -> int:
        """How many (scenario, seed, envelope) checks have passed."""
        with self._lock:
            return len(self._checked)

    def ensure_checked(self, entry: Entry, seed: int | None, envelope: str | None) -> None:
        """An uploaded scenario about to be played with this seed and envelope: checked
        (once) first. Bundled and ``--scenario`` ones are the server's own."""
        if entry.origin != "uploaded":
            return
        with self._lock:
            done = (entry.path, seed, envelope) in self._checked
        if not done:
            self.check(Path(entry.path), entry.name, seed, envelope)

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
