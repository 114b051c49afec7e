"""Generated structure and type mutations of every shipped scenario (hypothesis).

Each example takes a shipped scenario, changes one place in it (deletes a key, renames it with
a typo, replaces a value with a hostile one of another type, duplicates or empties a list) and
runs ``simsim validate`` on the result in-process. A mutation may leave the scenario valid
(exit 0); otherwise it must exit 2 with one message (or the file's problems, each located),
with no traceback, within the timeout, writing nothing. The quick suite runs a few examples per
scenario; the ``slow`` profile many more (fewer for each case of the ICC record, which share one
structure).
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simsim.registry import shipped_scenarios
from tests.hostile.conftest import assert_bad_input, cli, files_under

SHIPPED = sorted(shipped_scenarios())
#: the cases of the ICC record (scenarios/icc_record/) share one structure (they extend _base.yaml and
#: differ in values): the slow profile mutates each fewer times than the scenarios that differ in shape
RECORD = [n for n in SHIPPED if shipped_scenarios()[n].parent.name == "icc_record"]
DISTINCT = [n for n in SHIPPED if n not in RECORD]

HOSTILE_VALUES = st.one_of(
    st.booleans(), st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 0, -1, 10**30, -(10**30), 1e308, 2**63]),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=12),
    st.sampled_from(["", "nan", "true", "null", "~", "*a", "&a", "!!python/none", "MNG", "dilemma", "uniform"]),
    st.lists(st.one_of(st.integers(-5, 5), st.text(max_size=4), st.booleans()), max_size=3),
    st.dictionaries(st.text(max_size=5), st.one_of(st.integers(-3, 3), st.text(max_size=3)), max_size=2),
    st.recursive(st.integers(0, 2), lambda inner: st.lists(inner, max_size=2), max_leaves=6),
)


def _nodes(data: Any, path: tuple = ()) -> list[tuple]:
    """Every key path into ``data`` (mappings and lists)."""
    out = [path]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _nodes(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _nodes(v, (*path, i))
    return out


def _get(data: Any, path: tuple) -> Any:
    for p in path:
        data = data[p]
    return data


@st.composite
def mutations(draw: Any, raw: dict) -> tuple[dict, str]:
    """A copy of ``raw`` changed in one place, and a description of the change."""
    import copy

    data = copy.deepcopy(raw)
    paths = [p for p in _nodes(data) if p]
    path = draw(st.sampled_from(paths))
    parent, key = _get(data, path[:-1]), path[-1]
    op = draw(st.sampled_from(["replace", "replace", "replace", "delete", "rename", "duplicate", "empty"]))
    if op == "replace":
        parent[key] = draw(HOSTILE_VALUES)
    elif op == "delete":
        del parent[key]
    elif op == "rename" and isinstance(parent, dict):
        new = draw(st.sampled_from([str(key)[:-1] or "x", str(key) + "s", str(key).upper(), "_" + str(key)]))
        parent[new] = parent.pop(key)
    elif op == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))
    elif op == "empty":
        parent[key] = [] if isinstance(parent[key], list) else {}
    else:
        parent[key] = draw(HOSTILE_VALUES)
    return data, f"{op} {'.'.join(map(str, path))}"


def _raw(name: str) -> dict:
    path = shipped_scenarios()[name]
    data = yaml.safe_load(path.read_text())
    if isinstance(data.get("extends"), str):  # keep the base reachable from a temporary folder
        data["extends"] = str(path.parent / data["extends"])
    return data


def _check(data: dict, what: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = work / "mutated.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
        before = files_under(work)
        code, _, err = cli(["validate", str(path)])
        assert code in (0, 2), f"{what}: {err}"
        if code == 2:
            assert_bad_input(code, err)
            lines = err.splitlines()
            located = lines[1:] if lines[0].rstrip().endswith("problems:") else lines[:1]
            for ln in located:  # each problem names its file (the mutated one, or a base it extends)
                assert "/" in ln, f"{what}: message names no file: {err}"
        assert files_under(work) == before


def _test(max_examples: int, names: list[str] = SHIPPED):
    @pytest.mark.timeout(600)
    @pytest.mark.parametrize("name", names)
    @settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def test(name: str, data: Any) -> None:
        mutated, what = data.draw(mutations(_raw(name)), label="mutation")
        _check(mutated, what)

    return test


test_mutations_quick = _test(3)
test_mutations_many = pytest.mark.slow(_test(15, DISTINCT))
test_mutations_many_record = pytest.mark.slow(_test(4, RECORD))


def _bytes_test(max_examples: int):
    @pytest.mark.timeout(600)
    @settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(content=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.text(alphabet="[]{}:,-&*!|>'\"#? \n\tabc01.", max_size=200).map(str.encode),
    ))
    def test(content: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bytes.yaml"
            path.write_bytes(content)
            code, _, err = cli(["validate", str(path)])
            assert_bad_input(code, err, where=str(path))  # no random bytes make a valid scenario

    return test


test_random_bytes_quick = _bytes_test(20)
test_random_bytes_many = pytest.mark.slow(_bytes_test(300))
