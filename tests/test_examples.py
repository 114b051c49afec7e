"""The example scripts run and produce what they promise."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import load_example

# end-to-end example scripts: run by `make test`, left out of the quick suite
pytestmark = pytest.mark.slow




def test_mongolia_example(tmp_path):
    out = tmp_path / "ex"
    result = load_example("mongolia_icc").main(runs=300, seed=7, out=out)
    for f in ("base_outcomes.png", "comparison.png", "comparison.csv", "base/runs.parquet",
              "half_dependence/summary.json"):
        assert (out / f).exists(), f
    for side in ("base", "half_dependence"):
        assert sum(result[side].values()) == pytest.approx(1.0)
    table = pd.read_csv(out / "comparison.csv")
    row = table[table.label == "energy_shortfall.MNG"]
    assert len(row) == 1
    # the visitor anticipates more risk when the host depends less on its fuel: fewer visits made
    assert result["half_dependence"]["declined"] > result["base"]["declined"]

