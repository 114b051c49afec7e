"""Reading YAML safely while remembering where every key came from.

Scenario errors must name the file and line of the offending key. PyYAML's safe
loader is extended so that mappings and sequences remember the file and line of each
entry (:class:`LDict`, :class:`LList`); merging (``extends:``) and overrides keep
those locations, so an error in a merged scenario still points at the file that set
the value.

Limits (each a :class:`~simsim.errors.ScenarioError` naming the file): only regular
files are opened (a FIFO, a device or a folder is refused after a ``stat``, before any
read); a file may hold at most :data:`MAX_FILE_BYTES`; NUL bytes and text that is not
UTF-8 are refused before parsing; a document may nest at most :data:`MAX_DEPTH`
mappings and lists, use at most :data:`MAX_ALIASES` aliases (``*name``), and its
aliases may add at most :data:`MAX_ALIAS_EXPANSION` nodes once expanded (a "billion
laughs" file is refused before it is built). Only the safe loader's plain tags are
understood, so nothing in a file is ever executed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from simsim.errors import ScenarioError

Location = tuple[str, int | None]

#: Largest scenario file read (bytes). The largest shipped scenario is under 100 kB.
MAX_FILE_BYTES = 5_000_000
#: Deepest nesting of mappings and lists in one document (the shipped scenarios use 6).
MAX_DEPTH = 64
#: Most aliases (``*name``) in one document.
MAX_ALIASES = 1_000
#: Most nodes that aliases may add to a document once expanded.
MAX_ALIAS_EXPANSION = 100_000


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
    """Safe loader that builds :class:`LDict` / :class:`LList` with locations, within limits."""

    file_label = "<string>"
    _depth = 0
    _aliases = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:  # noqa: D102
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise ScenarioError(f"more than {MAX_ALIASES} aliases (*name): refused",
                                    self.file_label, mark.line + 1)
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise ScenarioError(f"nested more than {MAX_DEPTH} levels deep: refused",
                                    self.file_label, mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _expanded_size(root: Node, label: str) -> None:
    """Refuse a document whose aliases expand to more than :data:`MAX_ALIAS_EXPANSION` extra nodes.

    A node reached through an alias is shared in the node graph; once built into dicts and
    lists (and validated, copied, dumped) it counts once per path that reaches it. The
    expanded size is counted with memoisation, so the check itself is linear in the graph.
    """
    memo: dict[int, int] = {}
    distinct: set[int] = set()
    order: list[tuple[Node, bool]] = [(root, False)]
    while order:  # iterative post-order: no recursion however the graph is shaped
        node, done = order.pop()
        if id(node) in memo:
            continue
        if isinstance(node, (MappingNode, SequenceNode)):
            children = ([c for kv in node.value for c in kv] if isinstance(node, MappingNode)
                        else list(node.value))
            if not done:
                order.append((node, True))
                order.extend((c, False) for c in children if id(c) not in memo)
                continue
            memo[id(node)] = 1 + sum(memo[id(c)] for c in children)
        else:
            memo[id(node)] = 1
        distinct.add(id(node))
        if memo[id(node)] - len(distinct) > MAX_ALIAS_EXPANSION:
            raise ScenarioError(f"aliases (*name) expand to more than {MAX_ALIAS_EXPANSION} extra "
                                f"values: refused", label, node.start_mark.line + 1)


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


def _construct_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    """A date or time written bare (``2024-09-03``) stays the text it is: scenarios hold no dates as values."""
    return str(node.value)


def _refuse_tag(loader: _Loader, node: Node) -> Any:
    raise ScenarioError(f"the YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not used in scenarios",
                        loader.file_label, node.start_mark.line + 1)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    if len(node.value) > 100:  # Python refuses to convert very long digit strings (and no count needs them)
        raise ScenarioError(f"a number of {len(node.value)} digits: refused", loader.file_label,
                            node.start_mark.line + 1)
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
for _tag in ("binary", "set", "omap", "pairs"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)


def load_yaml_text(text: str, label: str) -> Any:
    """Parse YAML ``text`` with the safe loader, labelling locations with ``label``.

    Raises
    ------
    ScenarioError
        On a YAML syntax error or a duplicate key, naming ``label`` and the line.
    """
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ScenarioError("contains a NUL byte (not a text file?)", label, line)
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(f"more than {MAX_FILE_BYTES} characters: refused", label)
    loader = None
    try:
        loader = _Loader(text)  # the reader checks the characters here
        loader.file_label = label
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, label)
        return loader.construct_document(node)
    except ScenarioError:
        raise
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(0, min(exc.position, len(text)))) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise ScenarioError(f"character U+{code:04X} is not allowed in YAML (a control character?)",
                            label, line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at: int | None = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ScenarioError(f"YAML syntax error: {problem}", label, at) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"YAML error: {exc}", label) from None
    except RecursionError:  # the depth limit should make this unreachable; never let it escape
        raise ScenarioError("nested too deeply: refused", label) from None
    finally:
        if loader is not None:
            loader.dispose()


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def check_regular_file(path: Path, label: str) -> os.stat_result:
    """``stat`` ``path`` and refuse anything but a regular file of at most :data:`MAX_FILE_BYTES`.

    Nothing is opened, so a FIFO or a device cannot block the caller.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ScenarioError("file not found", label) from None
    except (OSError, ValueError) as exc:  # ValueError: an embedded NUL in the path
        raise ScenarioError(f"cannot read file: {getattr(exc, 'strerror', None) or exc}", label) from None
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        raise ScenarioError(f"is {kind}, not a scenario file", label)
    if st.st_size > MAX_FILE_BYTES:
        raise ScenarioError(f"file of {st.st_size} bytes is larger than the limit of {MAX_FILE_BYTES}: refused",
                            label)
    return st


def decode_text(data: bytes, label: str) -> str:
    """UTF-8 text of ``data`` (an initial byte-order mark is dropped); NUL bytes and bad bytes are errors."""
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise ScenarioError("contains a NUL byte (not a text file, or UTF-16?): scenarios are UTF-8 text",
                            label, line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ScenarioError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}): "
                            f"scenarios are UTF-8 text", label, line) from None


def load_yaml_file(path: Path, label: str | None = None) -> Any:
    """Read and parse one YAML file within the limits of this module.

    Raises
    ------
    ScenarioError
        A missing, special (FIFO, device, folder), oversized, binary or non-UTF-8 file, or
        YAML beyond the limits, naming ``label``.
    """
    label = label or str(path)
    check_regular_file(path, label)
    try:
        # O_NONBLOCK: should the path be swapped for a FIFO after the check, open() does not wait
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise ScenarioError("is not a regular file, not a scenario file", label)
            data = fh.read(MAX_FILE_BYTES + 1)
    except ScenarioError:
        raise
    except OSError as exc:
        raise ScenarioError(f"cannot read file: {exc.strerror or exc}", label) from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(f"larger than the limit of {MAX_FILE_BYTES} bytes: refused", label)
    return load_yaml_text(decode_text(data, label), label)


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
