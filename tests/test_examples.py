"""The example scripts run and produce what they promise."""

from __future__ import annotations

import pandas as pd
import pytest

import simsim
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
    # halving the fuel at risk raises every run's propensity to arrest (the arrest option's
    # utility rises, the others are unchanged; same seed, same draws)
    p0, p0_cf = result["p_arrest"]
    assert (p0_cf >= p0).all() and p0_cf.mean() > p0.mean()
    # so the visitor, who anticipates it, declines more often, although the host calls off less
    assert result["half_dependence"]["declined"] > result["base"]["declined"]
    assert result["called_off"][1] <= result["called_off"][0]



def test_icc_prior_predictive_writes_its_table(tmp_path):
    """The script covers every case of the record and writes a consistent table into the docs."""
    from simsim.registry import shipped_scenarios
    from tests.conftest import ROOT

    mod = load_example("icc_prior_predictive")
    docs = tmp_path / "dilemma.md"
    docs.write_text((ROOT / "docs" / "mechanisms" / "dilemma.md").read_text())
    df = mod.main(runs=60, seed=3, docs=docs)
    cases = {n for n, p in shipped_scenarios().items() if p.parent.name == "icc_record"} | {"mongolia_icc_2024"}
    assert set(df.case) == cases
    n_observed = sum(len(simsim.load_scenario(c).observed) for c in cases)
    assert len(df) == n_observed
    assert ((df.low <= df.p_observed) & (df.p_observed <= df.high)).all()
    decisions = df[df.outcome.str.startswith("decision.")]
    assert len(decisions) == len(cases) and decisions.mean_p_comply.between(0, 1).all()
    assert (decisions.mean_p_arrest <= decisions.mean_p_comply).all()
    text = docs.read_text()
    block = text[text.index(mod.BEGIN):text.index(mod.END)]
    assert "--runs 60 --seed 3" in block and block.count("\n| ") == n_observed + 1
    assert text.count(mod.BEGIN) == 1 and text.count(mod.END) == 1
