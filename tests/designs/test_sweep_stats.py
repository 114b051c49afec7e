"""Honest uncertainty for sweeps: paired differences on the shared seeds, one point for sensitivity."""

from __future__ import annotations

import math

import numpy as np
import pytest

import simsim
from simsim.analysis import sensitivity
from simsim.cli import main
from simsim.designs import sweep
from simsim.designs.analysis import sweep_table
from simsim.designs.plots import sweep_figure
from simsim.errors import ResultsError
from simsim.plotting import sensitivity_figure
from tests.designs.test_designs import linear  # noqa: F401 - the fixture

Z = 1.959963984540054  # the normal 97.5% quantile


def test_paired_differences_of_a_tiny_sweep_match_a_hand_computation(linear):  # noqa: F811
    res = sweep(linear, {"parameters.a": [0, 1, 3]}, replications=4, seed=1)
    runs = res.runs.copy()
    # hand-chosen outcomes: replication i of each point (i = run - 4 point)
    hits = {0: [1, 1, 0, 0], 1: [1, 0, 0, 0], 2: [1, 1, 1, 0]}
    runs["hit"] = [bool(hits[p][r - 4 * p]) for p, r in zip(runs["point"], runs["run"], strict=True)]
    res.runs = runs.sample(frac=1, random_state=0).reset_index(drop=True)  # row order must not matter: seeds pair
    t = sweep_table(res, "hit")
    assert t["estimate"].tolist() == [0.5, 0.25, 0.75]
    assert t.attrs["reference"] == 0 and t["pairs"].tolist() == [4, 4, 4]
    # point 1 - point 0, run by run: [0, -1, 0, 0]: mean -1/4, sd 1/2 (sum of squares 3/16 + 9/16 = 3/4,
    # over 3), so the half-width is 1.96 x (1/2) / 2; point 2: [0, 0, 1, 0], mean +1/4, the same sd
    half = Z * 0.5 / 2
    assert t["diff"].tolist() == pytest.approx([0.0, -0.25, 0.25], abs=1e-15)
    assert t["diff_low"].tolist() == pytest.approx([0.0, -0.25 - half, 0.25 - half], abs=1e-12)
    assert t["diff_high"].tolist() == pytest.approx([0.0, -0.25 + half, 0.25 + half], abs=1e-12)
    # from point 2: point 0 - point 2 = [0, 0, -1, 0], point 1 - point 2 = [0, -1, -1, 0] (mean -1/2, sd
    # sqrt(4 x 1/4 / 3) = 1/sqrt(3))
    t2 = sweep_table(res, "hit", reference=2)
    assert t2["diff"].tolist() == pytest.approx([-0.25, -0.5, 0.0], abs=1e-15)
    assert t2["diff_high"].iloc[1] - t2["diff"].iloc[1] == pytest.approx(Z / math.sqrt(3) / 2, rel=1e-12)


def test_paired_differences_of_a_mean_follow_the_closed_form_and_the_invariants(linear):  # noqa: F811
    # y = a x1 + b x2 + noise z: with the same x1, x2, z at every point, run k of a point minus run
    # k of the reference (a = 1) is (a - 1) x1 exactly
    res = sweep(linear, {"parameters.a": [0, 1, 1.1, 3], "parameters.noise": [0.5]}, replications=50, seed=5)
    t = sweep_table(res, "y", reference=1)
    x1 = res.runs[res.runs["point"] == 0]["param.x1"].to_numpy()
    for a, row in zip([0, 1, 1.1, 3], t.itertuples(), strict=True):
        assert row.diff == pytest.approx((a - 1) * x1.mean(), abs=1e-12)
        assert row.diff_high - row.diff == pytest.approx(Z * abs(a - 1) * x1.std(ddof=1) / math.sqrt(50), abs=1e-12)
    # the reference's own difference is exactly 0, and differences of differences are differences of means
    ref = t[t["point"] == 1].iloc[0]
    assert (ref["diff"], ref["diff_low"], ref["diff_high"]) == (0.0, 0.0, 0.0)
    for p, q in [(0, 2), (3, 0), (2, 3)]:
        assert t["diff"].iloc[p] - t["diff"].iloc[q] == pytest.approx(
            t["estimate"].iloc[p] - t["estimate"].iloc[q], abs=1e-12)
    # the trial's finding: a = 1 and a = 1.1 have overlapping intervals of their own, yet their
    # paired difference is resolved (its interval excludes 0)
    one, near = t.iloc[1], t.iloc[2]
    assert near["ci_low"] < one["ci_high"] and near["diff_low"] > 0


def test_a_bad_reference_is_refused(linear):  # noqa: F811
    res = sweep(linear, {"parameters.a": [0, 1]}, replications=3, seed=1)
    with pytest.raises(ResultsError, match="numbered 0 to 1"):
        sweep_table(res, "y", reference=2)


@pytest.fixture
def three(linear):  # noqa: F811
    factors = {"parameters.a": [0, 1], "parameters.b": [1, 3], "parameters.noise": [0, 0.5]}
    return sweep(linear, factors, replications=20, seed=3)


def test_line_panels_share_their_y_axis_and_show_the_paired_differences(three):
    fig = sweep_figure(three, "y", factors=["parameters.b"], at={"parameters.noise": 0.0})
    tops = [ax for ax in fig.axes if ax.get_ylabel().startswith("mean")]
    lows = [ax for ax in fig.axes if ax.get_ylabel().startswith("paired difference from point 0")]
    assert len(tops) == 2 and len(lows) == 2  # one panel per level of a, each with its differences below
    # the panels' values differ (a = 1 adds E[x1] to every point), yet their axes are the same
    assert tops[0].get_ylim() == tops[1].get_ylim() and lows[0].get_ylim() == lows[1].get_ylim()
    table = sweep_table(three, "y")
    for ax, a in zip(lows, [0, 1], strict=True):
        sub = table[(table["sweep.parameters.a"] == a) & (table["sweep.parameters.noise"] == 0)]
        drawn = [ln for ln in ax.get_lines() if ln.get_label() == "paired difference"][0]
        np.testing.assert_allclose(drawn.get_ydata(), sub.sort_values("sweep.parameters.b")["diff"], rtol=0)
    assert "paired differences (run by run on the shared seeds)" in fig._suptitle.get_text()
    heat = sweep_figure(three, "y", at={"parameters.noise": 0.0})
    assert "each point's own 95% interval, not a test of differences" in heat._suptitle.get_text()


def test_design_command_filters_the_table_with_at_and_takes_a_reference(three, tmp_path, capsys):
    three.save(tmp_path / "r")
    assert main(["design", str(tmp_path / "r"), "--outcome", "y", "--factor", "parameters.a",
                 "--at", "parameters.noise=0.5", "--at", "parameters.b=3", "--out", str(tmp_path / "f.png")]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.strip()[:1].isdigit()]
    # points are product(a, b, noise): noise = 0.5 and b = 3 are points 3 (a = 0) and 7 (a = 1)
    assert [r[0] for r in rows] == ["3", "7"]
    assert "paired difference from point 3 (parameters.a = 0, parameters.b = 3, parameters.noise = 0.5)" in out
    assert rows[0][-4:-1] == ["0", "0", "0"]  # the reference's own difference
    assert main(["design", str(tmp_path / "r"), "--outcome", "y", "--reference", "5",
                 "--out", str(tmp_path / "g.png")]) == 0
    out = capsys.readouterr().out
    assert len([line for line in out.splitlines() if line.strip()[:1].isdigit()]) == 8
    assert "paired difference from point 5 (" in out
    assert main(["design", str(tmp_path / "r"), "--outcome", "y", "--reference", "8"]) == 2
    err = capsys.readouterr()
    assert "numbered 0 to 7" in err.err and err.out == ""


def test_sensitivity_of_a_sweep_ranks_one_point_never_the_pooled_runs(three, tmp_path, capsys):
    # one point's runs, ranked alone, give the same table as sensitivity() of those runs only
    t = sensitivity(three, "y", point=5)
    assert t.attrs["point"] == 5
    alone = three.runs[three.runs["point"] == 5].reset_index(drop=True)
    from simsim.results import Results

    plain = Results(alone, three.timeseries.iloc[:0], {**three.metadata, "design": None})
    expect = sensitivity(plain, "y")
    np.testing.assert_allclose(t["prcc"], expect["prcc"], rtol=0, atol=0)
    # the interval has n - k - 2 = 20 - 2 - 2 degrees of freedom (one point), not 8 x 20 - 4 (pooled)
    z = np.arctanh(t["prcc"].iloc[0])
    assert t["ci_high"].iloc[0] == pytest.approx(np.tanh(z + Z / math.sqrt(16)), rel=1e-12)
    assert sensitivity(three, "y").attrs["point"] == 0
    with pytest.raises(ResultsError, match="numbered 0 to 7"):
        sensitivity(three, "y", point=9)
    with pytest.raises(ResultsError, match="not a sweep"):
        sensitivity(plain, "y", point=1)
    fig = sensitivity_figure(three, "y", point=5)
    assert "Within point 5 of 8" in fig._suptitle.get_text() and "(20 runs)" in fig.axes[0].get_title()
    three.save(tmp_path / "r")
    assert main(["sensitivity", str(tmp_path / "r"), "--outcome", "y", "--point", "2"]) == 0
    out = capsys.readouterr().out
    assert "within point 2 of 8 (parameters.a = 0, parameters.b = 3, parameters.noise = 0)" in out
    assert "--point K" in out
    assert main(["sensitivity", str(tmp_path / "r"), "--outcome", "y", "--point", "8"]) == 2


def test_simsim_run_of_a_sweep_ranks_inputs_within_its_first_point(linear, tmp_path, capsys):  # noqa: F811
    from tests.designs.test_designs import LINEAR

    path = tmp_path / "linear_sweep.yaml"
    path.write_text(LINEAR + "experiment:\n  design: sweep\n  replications: 30\n  factors:\n"
                    "    parameters.a: {values: [0, 2]}\n")
    assert main(["run", str(path), "--seed", "2", "--out", str(tmp_path / "o"), "--no-plot"]) == 0
    out = capsys.readouterr().out
    assert "What drives y, within point 0 of 2 (parameters.a = 0) of the sweep" in out
    assert f"simsim sensitivity {tmp_path / 'o'} --point K" in out
    # the ranking printed is that of point 0's runs alone: x2 (weight b = 2) drives y, x1 (a = 0) does not
    t = sensitivity(simsim.Results.load(tmp_path / "o"), "y", point=0)
    line = next(s for s in out.splitlines() if s.strip().startswith("param.x2"))
    assert f"{t.loc[t['input'] == 'param.x2', 'prcc'].iloc[0]:+.2f}" in line
