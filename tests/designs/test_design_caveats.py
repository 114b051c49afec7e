"""Sobol indices that cannot be estimated are nan with the reason; negative indices and Morris noise are flagged."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from simsim.designs import morris, sobol
from simsim.designs.analysis import morris_warnings, sobol_indices, sobol_warnings
from simsim.designs.plots import morris_figure, sobol_figure
from tests.designs.test_design_figures import _noisy
from tests.designs.test_designs import linear  # noqa: F401 - the fixture


def _set_rows(res, rows: np.ndarray) -> None:
    """Give ``y`` the value ``rows[i, j]`` in run ``i * (k + 2) + j`` (Saltelli's order: A, AB_1..AB_k, B)."""
    res.runs["y"] = rows.reshape(-1)[res.runs["run"].to_numpy()]


def test_an_outcome_constant_over_the_base_rows_gives_nan_and_the_reason(linear):  # noqa: F811
    res = sobol(linear, base_samples=8, seed=2)
    rows = np.zeros((8, 4))
    rows[:, 1:3] = np.random.default_rng(0).random((8, 2))  # only the AB rows vary: A and B are all 0
    _set_rows(res, rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # SALib's "Constant values encountered" must not reach the user
        table = sobol_indices(res, "y")
    # Saltelli's estimators divide by the variance of the 2 * 8 A and B values, which is 0
    assert table[["S1", "S1_conf", "ST", "ST_conf"]].isna().all().all()
    reason = table.attrs["not_estimable"]
    assert "does not vary over the design's base rows" in reason and "all 16 rows" in reason
    assert "more base samples" in reason and "replications" in reason
    assert sobol_warnings(res, "y", None, table) == [reason]
    fig = sobol_figure(res, "y")
    assert "not estimable" in fig.axes[0].get_title() and "top" not in fig.axes[0].get_title()
    assert not fig.axes[0].patches  # no bars of arbitrary inputs
    assert any("base rows" in t.get_text() for t in fig.axes[0].texts)


def test_an_index_below_zero_with_its_whole_interval_is_marked_noise(linear):  # noqa: F811
    res = sobol(linear, base_samples=64, seed=2)
    g = np.random.default_rng(1)
    a, b = g.normal(size=64), g.normal(size=64)
    # Saltelli 2010: S1_j = mean(B (AB_j - A)) / Var. With AB_1 = A - 3 B: mean(-3 B^2) / Var < 0, far
    # beyond sampling error; with AB_2 = B: mean(B (B - A)) / Var > 0
    _set_rows(res, np.column_stack([a, a - 3 * b, b, b]))
    table = sobol_indices(res, "y").set_index("input")
    assert table.loc["param.x1", "S1"] + table.loc["param.x1", "S1_conf"] < 0
    assert table.loc["param.x1", "note"] == "negative: noise"
    assert table.loc["param.x2", "S1"] > 0 and table.loc["param.x2", "note"] == ""
    notes = sobol_warnings(res, "y", None, table.reset_index())
    assert any("1 S1 is below 0" in n for n in notes)
    labels = [t.get_text() for t in sobol_figure(res, "y").axes[0].get_yticklabels()]
    assert "param.x1 (negative: noise)" in labels


def test_morris_flags_the_runs_own_randomness_as_sobol_does(linear):  # noqa: F811
    # `hit` is a yes/no draw (u < x1): with one run per row the effects are mostly single draws
    one = morris(linear, trajectories=8, seed=3)
    notes = morris_warnings(one, "hit", None)
    assert any("one run per design row" in n for n in notes)
    assert "Noise:" in morris_figure(one, "hit")._suptitle.get_text()
    # y = x1 + 2 x2 + e with sd(e) = 1 and 4 runs per row: the noise share is about 0.375 (see
    # test_noise_share_matches_the_closed_form_and_is_flagged), above the 10% threshold
    noisy = morris(_noisy(1.0), trajectories=32, replications=4, seed=3)
    assert any("own randomness is about" in n for n in morris_warnings(noisy, "y", None))
    # a deterministic outcome: nothing to flag, and no red line
    clean = morris(_noisy(0.0), trajectories=8, replications=2, seed=3)
    assert morris_warnings(clean, "y", None) == []
    assert morris_figure(clean, "y")._suptitle is None


def test_the_reported_mongolia_case_is_not_estimable(tmp_path, capsys):
    # the case a user reported: 8 base samples, 2 replications; an arrest never happens in the base rows
    from simsim.cli import main
    from simsim.experiment import RunSettings

    category = "arrest"
    res = sobol("mongolia_icc_2024", base_samples=8, replications=2, seed=3,
                settings=RunSettings(timeseries=False, out=tmp_path / "r"))
    table = sobol_indices(res, "decision.MNG", category)
    assert table["S1"].isna().all() and "base rows" in table.attrs["not_estimable"]
    assert main(["design", str(tmp_path / "r"), "--outcome", "decision.MNG", "--category", category]) == 0
    out = capsys.readouterr()
    assert "not estimable for any of the" in out.out and "does not vary over the design's base rows" in out.out
    assert "Constant values" not in out.err


def test_sensitivity_ranks_the_rows_of_a_replicated_sobol_design(linear):  # noqa: F811 - the imported fixture
    # 4 runs per row share the row's inputs: ranked as runs, each input vector would count 4 times
    import math

    from simsim.analysis import sensitivity

    res = sobol(linear, base_samples=8, replications=4, seed=2)
    rows = 8 * (2 + 2)  # Saltelli: base_samples * (k + 2) rows for k = 2 inputs
    assert len(res) == 4 * rows
    table = sensitivity(res, "y")
    assert (table.attrs["rows"], table.attrs["per_row"]) == (rows, 4)
    # the Fisher-z half-width is 1.96 / sqrt(rows - k - 2), not 1.96 / sqrt(runs - k - 2)
    half = np.arctanh(table["ci_high"]) - np.arctanh(table["prcc"])
    assert half.to_numpy() == pytest.approx(1.959963984540054 / math.sqrt(rows - 2 - 2))
    # y = x1 + 2 x2 with no noise: every run of a row has the row's value, so the row means are the runs'
    assert set(table["input"]) == {"param.x1", "param.x2"} and (table["prcc"] > 0.9).all()
