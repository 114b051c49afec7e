"""Golden results: a fixed scenario and seed give the same numbers, release after release.

The expected values are pinned from an earlier run (``regenerate.py``). What these tests
check is the reproducibility contract: same scenario + same seed -> identical results on any
machine, any number of processes, any later session. The mechanisms' correctness is checked
elsewhere against hand calculations and closed forms (tests/mechanisms). A deliberate change
of a model's behaviour regenerates these files and says so in its commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.golden.regenerate import CASES, golden

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case):
    expected = json.loads((HERE / f"{case}.json").read_text())
    got = golden(case)
    assert got["first_runs"] == expected["first_runs"]
    assert len(got["summary"]) == len(expected["summary"])
    for g, e in zip(got["summary"], expected["summary"], strict=True):
        assert g.keys() == e.keys()
        for k in g:
            if isinstance(e[k], float):
                assert g[k] == pytest.approx(e[k], rel=1e-12, abs=1e-15), (g["outcome"], k)
            else:
                assert g[k] == e[k], (g["outcome"], k)
