"""YAML loading that remembers where every value came from (file, line, column)."""

from __future__ import annotations

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


class _Loader(yaml.SafeLoader):
    filename = "<string>"

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
# Timestamps stay strings: the scenario layer parses them with its own messages.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_text(text: str, filename: str) -> Any:
    loader = _Loader(text)
    loader.filename = filename
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        raise ScenarioError(
            f"bad YAML: {err.problem or err.context}",
            file=filename,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from err
    except yaml.YAMLError as err:
        raise ScenarioError(f"bad YAML: {err}", file=filename) from err
    finally:
        loader.dispose()


def load_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ScenarioError(f"cannot read scenario: {err.strerror}", file=str(path)) from err
    return load_text(text, str(path))


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
