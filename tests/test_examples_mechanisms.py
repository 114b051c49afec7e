"""The example scripts of the non-flagship mechanisms run and produce what they promise.

Expected values come from the published references (shared/reference/VALIDATION.md: the Syria
minimum, the EC figures and band, Axelrod's tournament property), from definitions that can be
recomputed independently of the script (co-membership from the configuration labels, the top
scorer from the payoffs), or from invariants of the scenarios (the ceiling's end, same seed
same inputs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import load_example

# end-to-end example scripts: run by `make test`, left out of the quick suite
pytestmark = pytest.mark.slow




def _written(out, files):
    for f in files:
        assert (out / f).is_file() and (out / f).stat().st_size > 0, f


def test_landscape_syria_example(tmp_path):
    out = tmp_path / "syria"
    r = load_example("landscape_syria").main(runs=10, seed=1, out=out)
    _written(out, ["landscape.png", "outcomes.png", "local_minima.csv", "results/runs.parquet",
                   "results/summary.json"])
    # published (Furnas with Axelrod 2016): {Turkey, ISIS, Nusra} against all others, E = -83,200
    assert r["global_configuration"] == "ISIS+NUS+TUR"
    assert r["global_energy"] == -83_200
    assert r["configurations_examined"] == 2**10  # 11 actors, one kept in bloc 0
    minima = pd.read_csv(out / "local_minima.csv")
    assert minima["energy"].is_monotonic_increasing
    assert minima.loc[0, "configuration"] == "ISIS+NUS+TUR" and bool(minima.loc[0, "is_global"])
    # the model: every run finds the same landscape, and descent ends in a local minimum
    runs = r["results"].runs
    assert (runs["global_configuration"] == "ISIS+NUS+TUR").all()
    assert (runs["global_energy"] == -83_200).all()
    assert set(r["reached"]) <= set(minima["configuration"])
    assert sum(r["reached"].values()) == pytest.approx(1.0)


def test_brics_alignment_example(tmp_path):
    out = tmp_path / "brics"
    r = load_example("brics_alignment").main(runs=25, seed=3, out=out)
    _written(out, ["co_membership.png", "outcomes.png", "co_membership.csv", "configurations.csv",
                   "results/runs.parquet"])
    co = r["co_membership"]
    ids = list(co.index)
    assert len(ids) == 16 and ids[:2] == ["USA", "CHN"]
    m = co.to_numpy(dtype=float)
    assert np.array_equal(m, m.T)
    assert np.all(np.diag(m) == 1.0)
    assert np.all((m >= 0) & (m <= 1))
    assert pd.read_csv(out / "co_membership.csv", index_col=0).to_numpy() == pytest.approx(m)
    # independent: two states share a bloc iff both or neither are in the labelled bloc
    labels = r["results"].runs["configuration"].astype(str)
    blocs = [set() if lab == "none" else set(lab.split("+")) for lab in labels]
    for a in ids:
        for b in ids:
            p = np.mean([(a in s) == (b in s) for s in blocs])
            assert co.loc[a, b] == pytest.approx(p), (a, b)
    wc = r["with_china"]
    assert "CHN" not in wc.index and len(wc) == 15
    assert wc.is_monotonic_decreasing
    assert wc.to_dict() == pytest.approx(co["CHN"].drop("CHN").to_dict())
    assert r["configurations"].sum() == pytest.approx(1.0)


def test_axelrod_tournament_example(tmp_path):
    out = tmp_path / "axelrod"
    r = load_example("axelrod_tournament").main(runs=6, seed=5, out=out)
    _written(out, ["standings.png", "outcomes.png", "standings.csv", "results/runs.parquet"])
    t = r["standings"]
    assert r["matches"] == 9  # nine entrants, each also plays its twin
    assert sorted(t.index) == sorted(["ALLC", "ALLD", "TFT", "STFT", "GTFT", "GRIM", "WSLS", "RANDOM", "QR"])
    assert t["top_scorer_share"].sum() == pytest.approx(1.0)
    assert t["score_per_match"].to_numpy() * 9 == pytest.approx(t["mean_payoff"].to_numpy())
    assert t["score_per_match"].is_monotonic_decreasing
    # independent: the top scorer is the entrant with the highest payoff (first declared on ties)
    runs = r["results"].runs
    ids = ["ALLC", "ALLD", "TFT", "STFT", "GTFT", "GRIM", "WSLS", "RANDOM", "QR"]
    best = runs[[f"payoff.{i}" for i in ids]].to_numpy().argmax(axis=1)
    share = pd.Series([ids[k] for k in best]).value_counts(normalize=True)
    for entrant in ids:
        assert t.loc[entrant, "top_scorer_share"] == pytest.approx(share.get(entrant, 0.0))
    # Axelrod (1980): nice behaviours (never first to confront) score above always-confront
    nice = ["ALLC", "TFT", "GTFT", "GRIM", "WSLS"]
    assert t.loc[nice, "score_per_match"].mean() > t.loc["ALLD", "score_per_match"]
    assert t.loc["TFT", "score_per_match"] > t.loc["ALLD", "score_per_match"]


def test_ec_emissions_example(tmp_path):
    out = tmp_path / "ec"
    r = load_example("ec_emissions").main(runs=2, seed=1, out=out)
    _written(out, ["rounds.png", "rounds.csv", "results/timeseries.parquet"])
    # published (Bueno de Mesquita 1994; Scholz et al. 2011): 7.38996 and 7.0 before round 1
    assert r["reference_mean"] == pytest.approx(7.38996, abs=1e-5)
    assert r["reference_median"] == 7.0
    assert r["initial_mean"] == pytest.approx(7.38996, abs=1e-5)
    assert r["initial_median"] == 7.0
    rounds = r["rounds"]
    assert list(rounds.index) == list(range(11))
    assert rounds.loc[0, "mean_position"] == pytest.approx(7.38996, abs=1e-5)
    # the published replication's forecast stays between 7.2 and 7.6 over 10 rounds
    assert rounds["mean_position"].between(7.2, 7.6).all()
    assert r["forecast"] == pytest.approx(rounds["mean_position"].iloc[-1])
    assert r["spread_between_runs"] == 0.0  # fixed inputs, no randomness of its own
    saved = pd.read_csv(out / "rounds.csv", index_col=0)
    assert saved["mean_position"].to_numpy() == pytest.approx(rounds["mean_position"].to_numpy())


def test_new_start_example(tmp_path):
    out = tmp_path / "new_start"
    r = load_example("new_start").main(runs=25, seed=11, out=out)
    _written(out, ["comparison.png", "comparison_probabilities.png", "base_outcomes.png", "arsenals.png",
                   "sensitivity_final_USA.png", "comparison.csv", "sensitivity_final_USA.csv",
                   "base/runs.parquet", "extended/summary.json"])
    # New START expired on 5 February 2026 (step 26); the variant observes it to step 38
    assert r["ceiling_end"] == {"nuclear_arms_race": 26, "nuclear_arms_race_new_start_extended": 38}
    base, ext = r["base"].runs, r["extended"].runs
    for runs, end in ((base, 26), (ext, 38)):
        step = runs["above_limit_after_expiry_step"].dropna()
        assert (step >= end).all()
    # same seed, and the variant changes only the ceiling: the same inputs in every run
    inputs = [c for c in base.columns if c.split(".")[0] in ("param", "attr", "rel", "event")]
    assert len(inputs) > 10
    pd.testing.assert_frame_equal(base[inputs], ext[inputs])
    # stability depends on the coefficients only, not on the ceiling
    assert (base["stable"] == ext["stable"]).all()
    t = pd.read_csv(out / "comparison.csv")
    assert set(t["label"]) == {"final.USA", "final.RUS", "final.CHN", "stable", "breach",
                               "above_limit_after_expiry_step"}
    assert t["difference"].to_numpy() == pytest.approx((t["estimate_b"] - t["estimate_a"]).to_numpy())
    assert (t["diff_low"] <= t["difference"]).all() and (t["difference"] <= t["diff_high"]).all()
    assert t.set_index("label").loc["stable", "difference"] == 0
    assert t.set_index("label").loc["above_limit_after_expiry_step", "difference"] > 0
    assert not r["sensitivity"].empty
