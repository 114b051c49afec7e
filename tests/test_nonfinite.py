"""Infinite outcome values (a run that ran away) are counted and said once, never averaged or drawn."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from simsim.cli import main, nonfinite_note
from simsim.plotting import fan_data, plot_fan, plot_histogram
from simsim.results import Results, summarise

IND_PAK = """\
name: ind_pak
title: India and Pakistan (a test of runaway arms races)
description: Two-state Richardson model; every coefficient is an assumption.
model: arms_race
steps: 400
parameters:
  dt: {value: 0.0833333333333333, assumption: true}
actors:
  - id: IND
    name: India
    attributes:
      arsenal: {value: 170, assumption: true}
      fatigue: {dist: uniform, low: 0.1, high: 0.3, assumption: true}
      grievance: {value: 5, assumption: true}
  - id: PAK
    name: Pakistan
    attributes:
      arsenal: {value: 170, assumption: true}
      fatigue: {dist: uniform, low: 0.1, high: 0.3, assumption: true}
      grievance: {value: 5, assumption: true}
relations:
  fear:
    edges:
      - {from: IND, to: PAK, dist: uniform, low: 0.05, high: 0.2, assumption: true}
      - {from: PAK, to: IND, dist: uniform, low: 0.05, high: 0.2, assumption: true}
outcomes: [final.IND, final.PAK, diverged]
"""


def test_summary_counts_infinite_values_apart_from_the_mean():
    runs = pd.DataFrame({"x": [1.0, 2.0, 3.0, math.inf, -math.inf, math.nan]})
    row = summarise(runs, [{"name": "x", "kind": "number"}]).iloc[0]
    # by hand: the finite values are 1, 2, 3 (mean 2, sd 1); two are infinite; nan is in neither count
    assert (row["n"], row["n_infinite"], row["estimate"], row["sd"]) == (3, 2, 2.0, 1.0)
    assert np.isfinite([row["ci_low"], row["ci_high"], row["q05"], row["q95"]]).all()
    only_inf = summarise(pd.DataFrame({"x": [math.inf, math.inf]}), [{"name": "x", "kind": "number"}]).iloc[0]
    assert (only_inf["n"], only_inf["n_infinite"]) == (0, 2)
    assert nonfinite_note(summarise(runs, [{"name": "x", "kind": "number"}]), 6) == (
        "infinite values (of 6 runs): x in 2; left out of the means, intervals and figures")
    assert nonfinite_note(summarise(pd.DataFrame({"x": [1.0]}), [{"name": "x", "kind": "number"}]), 1) is None


def test_cli_says_in_one_line_which_outcomes_ran_to_infinity(tmp_path, capsys):
    path = tmp_path / "ind_pak.yaml"
    path.write_text(IND_PAK)
    out = tmp_path / "out"
    code = main(["run", str(path), "-n", "40", "--seed", "1", "--out", str(out),
                 "--set", "relations.fear.edges.IND->PAK=50", "--set", "relations.fear.edges.PAK->IND=50"])
    captured = capsys.readouterr()
    assert code == 0
    assert "warning" not in captured.err and "overflow" not in captured.err
    # fear 50 >> fatigue <= 0.3: every run is unstable with growth rate about 50 per year, so every run
    # passes the divergence bound within 400 months (about 137 of them, see test_arms_race_divergence)
    notes = [line for line in captured.out.splitlines() if line.startswith("Note: infinite values")]
    assert notes == ["Note: infinite values (of 40 runs): final.IND in 40, final.PAK in 40; left out of the "
                     "means, intervals and figures"]
    assert "final.IND   infinite in every run" in captured.out
    assert re.search(r"^  diverged +100.0%", captured.out, re.M)
    assert "1e+" not in captured.out.split("Main outcomes")[1].split("Other outcomes")[0]


def _mixed(tmp_path, n: int) -> Results:
    """``n`` runs of the India-Pakistan race with fears over [0, 30] per year: the growth rate
    sqrt(a b) - m ranges from below 0 to about 30, so some runs pass the bound within 400 months and
    some do not."""
    path = tmp_path / "ind_pak.yaml"
    path.write_text(IND_PAK)
    out = tmp_path / "out"
    wide = "{dist: uniform, low: 0, high: 30, assumption: true}"
    assert main(["run", str(path), "-n", str(n), "--seed", "2", "--out", str(out), "--no-plot", "--quiet",
                 "--set", f"relations.fear.edges.IND->PAK={wide}",
                 "--set", f"relations.fear.edges.PAK->IND={wide}"]) == 0
    return Results.load(out)


def test_mixed_runs_average_only_the_finite_ones(tmp_path, capsys):
    res = _mixed(tmp_path, 60)
    k = int(res.runs["diverged"].sum())
    assert 0 < k < 60
    # invariant: a run diverged exactly when one of its final arsenals is infinite
    assert ((np.isinf(res.runs["final.IND"]) | np.isinf(res.runs["final.PAK"])) == res.runs["diverged"]).all()
    row = res.summary(["final.IND"]).iloc[0]
    finite = res.runs.loc[np.isfinite(res.runs["final.IND"]), "final.IND"]
    k = len(res.runs) - len(finite)
    assert k > 0 and (row["n"], row["n_infinite"]) == (60 - k, k)
    assert row["estimate"] == pytest.approx(finite.mean())


def test_histogram_leaves_out_infinite_values_and_says_how_many():
    ax = plot_histogram(np.array([1.0, 1.0, 2.0, math.inf]), "Arsenal", unit="warheads")
    assert "not drawn: infinite in 1 run" in ax.get_title()
    # the two finite values are drawn as bars with their shares of the finite runs (2/3, 1/3)
    assert [round(b.get_height(), 6) for b in ax.patches] == [round(2 / 3, 6), round(1 / 3, 6)]
    assert ax.get_ylabel() == "share of finite runs"
    ax = plot_histogram(np.array([math.inf, math.inf]), "Arsenal")
    assert [t.get_text() for t in ax.texts] == ["infinite in every run"]


def test_fan_leaves_out_runs_from_the_step_they_become_infinite():
    ts = pd.DataFrame({"run": [0, 0, 0, 1, 1, 1, 2, 2, 2], "step": [0, 1, 2] * 3,
                       "x": [1.0, 2.0, 3.0, 1.0, 4.0, math.inf, 1.0, 6.0, math.inf]})
    fan = fan_data(ts, "x")
    assert fan.attrs["infinite_runs"] == 2
    assert fan[0.5].tolist() == [1.0, 4.0, 3.0]  # step 2: only run 0 is finite
    ax = plot_fan(fan, "Total")
    assert "2 became infinite" in ax.get_title()
    assert "became infinite" not in plot_fan(fan_data(ts.assign(x=1.0), "x"), "Total").get_title()


def test_convergence_figure_says_it_leaves_infinite_runs_out(tmp_path):
    from simsim.plotting import convergence_figure

    res = _mixed(tmp_path, 30)
    k = int(np.isinf(res.runs["final.IND"]).sum())
    assert k > 0
    ax = convergence_figure(res, "final.IND").axes[0]
    assert ax.get_title().replace("\n", " ").endswith(f"(of the finite runs; infinite in {k})")
    assert np.isfinite(ax.get_ylim()).all()


def test_bars_of_long_values_are_turned_not_overlapping():
    # eight distinct values of 8 characters each ("9.23e+99"): horizontal labels would run into each other
    values = np.array([9.23e99, 9.31e99, 9.39e99, 9.43e99, 9.56e99, 9.73e99, 9.82e99, 9.99e99])
    ax = plot_histogram(values, "Arsenal")
    assert {t.get_rotation() for t in ax.get_xticklabels()} == {90.0}
    ax.figure.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.get_xticklabels()]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert {t.get_rotation() for t in plot_histogram(np.array([0.0, 1.0, 3.0]), "Arrests").get_xticklabels()} == {0.0}
