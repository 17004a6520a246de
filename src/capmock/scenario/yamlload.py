"""YAML loading that remembers where every value came from (file, line, column).

Hostile input is refused before objects are built: text that is not UTF-8 or holds NUL
bytes, nesting deeper than ``MAX_DEPTH``, aliases that would expand the document by more
than ``MAX_ALIAS_NODES`` nodes (a "billion laughs"), aliases that refer to themselves,
and numbers that are not finite or do not fit 64 bits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from capmock.errors import ScenarioError


@dataclass(frozen=True)
class Mark:
    file: str
    line: int  # 1-based
    column: int  # 1-based


class Located(dict):  # type: ignore[type-arg]
    """A mapping that knows where it and each of its keys and values stand in the file."""

    mark: Mark
    key_marks: dict[str, Mark]
    value_marks: dict[str, Mark]


class LocatedList(list):  # type: ignore[type-arg]
    mark: Mark
    item_marks: list[Mark]


def _mark(file: str, node: yaml.Node) -> Mark:
    return Mark(file, node.start_mark.line + 1, node.start_mark.column + 1)


MAX_DEPTH = 100  # nested mappings and lists
MAX_ALIAS_NODES = 100_000  # nodes that aliases may add when expanded
MAX_INT = 2**63 - 1


def _error(message: str, file: str, mark: Any, hint: str | None = None) -> ScenarioError:
    return ScenarioError(
        message,
        file=file,
        line=mark.line + 1 if mark is not None else None,
        column=mark.column + 1 if mark is not None else None,
        hint=hint,
    )


class _Loader(yaml.SafeLoader):
    filename = "<string>"
    depth = 0

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_uses: list[tuple[Any, yaml.Node]] = []  # (where, the node it names)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if self.depth >= MAX_DEPTH:
            raise _error(
                f"nested more than {MAX_DEPTH} levels deep",
                self.filename,
                event.start_mark,
                hint="flatten the scenario (e.g. fewer nested repeats)",
            )
        self.depth += 1
        try:
            node = super().compose_node(parent, index)
            if isinstance(event, yaml.AliasEvent):
                self.alias_uses.append((event.start_mark, node))
            return node
        finally:
            self.depth -= 1

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise _error(
                f"{node.value!r} is not a finite number",
                self.filename,
                node.start_mark,
                hint="give a plain number, e.g. 100.5",
            )
        return value

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        value = super().construct_yaml_int(node)
        if abs(value) > MAX_INT:
            raise _error(
                "number too large", self.filename, node.start_mark, hint="whole numbers fit 64 bits"
            )
        return value

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Located:  # type: ignore[override]
        out = Located()
        out.mark = _mark(self.filename, node)
        out.key_marks, out.value_marks = {}, {}
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                raise ScenarioError(
                    "mapping keys must be plain names",
                    file=self.filename,
                    line=key_node.start_mark.line + 1,
                    column=key_node.start_mark.column + 1,
                )
            key = str(key)
            if key in out:
                raise ScenarioError(
                    f"duplicate key '{key}'",
                    file=self.filename,
                    line=key_node.start_mark.line + 1,
                    column=key_node.start_mark.column + 1,
                )
            out[key] = self.construct_object(value_node, deep=True)
            out.key_marks[key] = _mark(self.filename, key_node)
            out.value_marks[key] = _mark(self.filename, value_node)
        return out

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LocatedList:  # type: ignore[override]
        out = LocatedList(self.construct_object(child, deep=True) for child in node.value)
        out.mark = _mark(self.filename, node)
        out.item_marks = [_mark(self.filename, child) for child in node.value]
        return out


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)


def _unsupported(loader: _Loader, node: yaml.Node) -> Any:
    raise _error(
        f"YAML type {node.tag.rsplit(':', 1)[-1]!r} is not supported here",
        loader.filename,
        node.start_mark,
        hint="use plain text, numbers, lists and mappings",
    )


# A scenario is JSON-like data: binary, sets and ordered pairs have no place in it.
for _tag in ("binary", "set", "omap", "pairs", "timestamp"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _unsupported)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
# Timestamps stay strings: the scenario layer parses them with its own messages.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _expanded_sizes(root: yaml.Node, filename: str) -> dict[int, int]:
    """Nodes in the document once every alias is expanded (shared nodes counted each
    time they are used); refuses an alias that contains itself. Iterative: no recursion."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            open_.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            continue
        if key in sizes:
            continue
        if key in open_:
            raise _error(
                "an alias refers to the mapping or list that contains it", filename, node.start_mark
            )
        open_.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_text(text: str, filename: str) -> None:
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise ScenarioError(
            "NUL byte: this is not a text file",
            file=filename,
            line=line,
            hint="a scenario is YAML text",
        )


def load_text(text: str, filename: str) -> Any:
    _check_text(text, filename)
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as err:
        raise _reader_error(err, text, filename) from err
    loader.filename = filename
    try:
        return _build(loader, filename)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        raise _error(f"bad YAML: {err.problem or err.context}", filename, mark) from err
    except yaml.reader.ReaderError as err:
        raise _reader_error(err, text, filename) from err
    except yaml.YAMLError as err:
        raise ScenarioError(f"bad YAML: {err}", file=filename, line=1) from err
    except RecursionError as err:  # a last guard: MAX_DEPTH keeps well below the limit
        raise ScenarioError("nested too deeply", file=filename, line=1) from err
    finally:
        loader.dispose()


def _build(loader: _Loader, filename: str) -> Any:
    """Compose the node graph, weigh what its aliases expand to, then build objects."""
    node = loader.get_single_node()
    if node is None:
        return None
    literal = len(_walk_unique(node))
    sizes = _expanded_sizes(node, filename)
    if sizes[id(node)] - literal > MAX_ALIAS_NODES:
        mark, _ = max(loader.alias_uses, key=lambda use: sizes[id(use[1])])
        raise _error(
            f"aliases expand beyond {MAX_ALIAS_NODES:,} nodes (this one the most)",
            filename,
            mark,
            hint="write the repeated part once and use `repeat:`",
        )
    return loader.construct_document(node)


def _reader_error(err: yaml.reader.ReaderError, text: str, filename: str) -> ScenarioError:
    line = text.count("\n", 0, err.position) + 1
    char = err.character
    shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
    return ScenarioError(
        f"bad YAML: character {shown} is not allowed",
        file=filename,
        line=line,
        hint="a scenario is printable text",
    )


def _walk_unique(root: yaml.Node) -> list[yaml.Node]:
    seen: dict[int, yaml.Node] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen[id(node)] = node
            stack.extend(_children(node))
    return list(seen.values())


def load_file(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ScenarioError(f"cannot read scenario: {err.strerror}", file=str(path)) from err
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ScenarioError(
            f"not UTF-8 text (byte 0x{data[err.start]:02x})",
            file=str(path),
            line=line,
            hint="save the scenario as UTF-8",
        ) from err
    return load_text(text, str(path))


def quoted(value: Any) -> str:
    """A name from the file, quoted for a one-line message (escaped if not printable)."""
    text = str(value)
    return f"'{text}'" if text.isprintable() and "'" not in text else repr(text)


def mark_of(container: Any, key: str | int | None = None) -> Mark | None:
    """Where ``container[key]`` (or the container itself) stands, if known."""
    if key is None:
        return getattr(container, "mark", None)
    if isinstance(container, Located):
        return container.value_marks.get(str(key), getattr(container, "mark", None))
    if (
        isinstance(container, LocatedList)
        and isinstance(key, int)
        and key < len(container.item_marks)
    ):
        return container.item_marks[key]
    return getattr(container, "mark", None)


def key_mark(container: Any, key: str) -> Mark | None:
    if isinstance(container, Located):
        return container.key_marks.get(key, container.mark)
    return getattr(container, "mark", None)
