"""Reading YAML safely while remembering where every key came from.

Scenario errors must name the file and line of the offending key. PyYAML's safe
loader is extended so that mappings and sequences remember the file and line of each
entry (:class:`LDict`, :class:`LList`); merging (``extends:``) and overrides keep
those locations, so an error in a merged scenario still points at the file that set
the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from simsim.errors import ScenarioError

Location = tuple[str, int | None]


class LDict(dict):
    """A dict that remembers the location of the mapping and of each key."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loc: Location | None = None
        self.locs: dict[Any, Location] = {}


class LList(list):
    """A list that remembers the location of the sequence and of each item."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.loc: Location | None = None
        self.locs: list[Location | None] = []


class _Loader(yaml.SafeLoader):
    """Safe loader that builds :class:`LDict` / :class:`LList` with locations."""

    file_label = "<string>"


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LDict:
    explicit = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)
    merged = len(node.value) - explicit  # flatten_mapping puts the `<<:` entries first
    out = LDict()
    out.loc = (loader.file_label, node.start_mark.line + 1)
    from_merge: set[Any] = set()
    for i, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise ScenarioError("mapping keys must be plain names", loader.file_label, line)
        if i < merged:
            from_merge.add(key)
        elif key in out and key not in from_merge:
            raise ScenarioError(f"duplicate key '{key}'", loader.file_label, line)
        else:
            from_merge.discard(key)  # an explicit key overrides a merged one
        out[key] = loader.construct_object(value_node, deep=True)
        out.locs[key] = (loader.file_label, line)
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LList:
    out = LList()
    out.loc = (loader.file_label, node.start_mark.line + 1)
    for item in node.value:
        out.append(loader.construct_object(item, deep=True))
        out.locs.append((loader.file_label, item.start_mark.line + 1))
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml_text(text: str, label: str) -> Any:
    """Parse YAML ``text`` with the safe loader, labelling locations with ``label``.

    Raises
    ------
    ScenarioError
        On a YAML syntax error or a duplicate key, naming ``label`` and the line.
    """
    loader = _Loader(text)
    loader.file_label = label
    try:
        return loader.get_single_data()
    except ScenarioError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ScenarioError(f"YAML syntax error: {problem}", label, line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"YAML error: {exc}", label) from None
    finally:
        loader.dispose()


def load_yaml_file(path: Path, label: str | None = None) -> Any:
    """Read and parse one YAML file; a missing or unreadable file is a :class:`ScenarioError`."""
    label = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("file not found", label) from None
    except IsADirectoryError:
        raise ScenarioError("is a directory, not a scenario file", label) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read file: {exc}", label) from None
    return load_yaml_text(text, label)


def locate(data: Any, path: Sequence[Any]) -> Location | None:
    """Return the location of the deepest element of ``path`` that can be found in ``data``."""
    best: Location | None = getattr(data, "loc", None)
    node = data
    for part in path:
        if isinstance(node, LDict) and part in node:
            best = node.locs.get(part, best)
            node = node[part]
        elif isinstance(node, LList) and isinstance(part, int) and 0 <= part < len(node):
            best = node.locs[part] or best
            node = node[part]
        else:
            break
        best = getattr(node, "loc", None) if isinstance(node, (LDict, LList)) and best is None else best
    return best


def format_path(path: Sequence[Any]) -> str:
    """Format a key path as ``actors[2].attributes.power``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
