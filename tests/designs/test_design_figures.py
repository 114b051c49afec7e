"""Figures of designs: no pooled points, an honest colour scale, readable Morris labels, Sobol caveats."""

from __future__ import annotations

import numpy as np
import pytest

import simsim
from simsim.designs import morris, sobol, sweep
from simsim.designs.analysis import noise_share, sobol_indices, sobol_warnings, sweep_table
from simsim.designs.plots import morris_figure, sobol_figure, sweep_figure
from simsim.errors import ResultsError
from simsim.scenario.loader import scenario_from_data
from simsim.scenario.yamlio import load_yaml_text
from tests.designs.test_designs import LINEAR, linear  # noqa: F401 - the fixture

FACTORS = {"parameters.a": [0, 1], "parameters.b": [1, 3], "parameters.noise": [0, 0.5]}


@pytest.fixture
def three(linear):  # noqa: F811 - the imported fixture
    return sweep(linear, FACTORS, replications=20, seed=3)


def _heatmaps(fig):
    return [ax for ax in fig.axes if ax.images and ax.get_visible() and ax.get_xlabel() != ""]


def test_a_third_factor_gets_panels_not_pooled(three):
    fig = sweep_figure(three, "y")
    panels = _heatmaps(fig)
    assert len(panels) == 2  # one per level of the third factor, parameters.noise
    table = sweep_table(three, "y")
    assert (table["n"] == 20).all()  # the title's "20 runs per point" is what each cell holds
    for ax, noise in zip(panels, FACTORS["parameters.noise"], strict=True):
        assert ax.get_title() == f"noise = {noise:g}"
        sub = table[table["sweep.parameters.noise"] == noise]
        want = sub.pivot(index="sweep.parameters.b", columns="sweep.parameters.a", values="estimate").to_numpy()
        np.testing.assert_allclose(np.asarray(ax.images[0].get_array()), want, rtol=0, atol=0)
    assert "20 runs per point (each cell one design point" in fig._suptitle.get_text()
    fixed = sweep_figure(three, "y", at={"parameters.noise": 0.5})
    assert len(_heatmaps(fixed)) == 1 and "noise fixed at 0.5" in fixed._suptitle.get_text()


def test_too_many_panels_or_a_bad_choice_is_refused(linear):  # noqa: F811
    many = sweep(linear, {"parameters.a": [0, 1], "parameters.b": [1, 2],
                          "parameters.noise": [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]}, replications=2, seed=1)
    with pytest.raises(ResultsError, match="--factor .* --at PATH=VALUE"):
        sweep_figure(many, "y", factors=["parameters.a"])
    with pytest.raises(ResultsError, match="not a level of the factor; its levels: 0, 0.1"):
        sweep_figure(many, "y", at={"parameters.noise": 0.15})
    with pytest.raises(ResultsError, match="did you mean 'parameters.noise'"):
        sweep_figure(many, "y", factors=["parameters.nois"])


def test_heatmap_of_a_mean_is_coloured_on_the_spread_of_single_runs(three):
    fig = sweep_figure(three, "y", at={"parameters.noise": 0.0})
    ax = _heatmaps(fig)[0]
    y = three.runs["y"].to_numpy()
    est = sweep_table(three, "y")
    est = est[est["sweep.parameters.noise"] == 0.0]["estimate"].to_numpy()
    q05, q95 = np.quantile(y, [0.05, 0.95])
    assert ax.images[0].get_clim() == pytest.approx((min(q05, est.min()), max(q95, est.max())))
    assert "5-95% of single runs" in fig._suptitle.get_text()
    assert all("±" in t.get_text() for t in ax.texts)  # each cell gives its interval's half-width


def test_morris_labels_the_top_inputs_without_overlap():
    scn = simsim.load_scenario("mongolia_icc_2024")
    res = morris(scn, trajectories=2, seed=1, settings=simsim.RunSettings(timeseries=False))
    n_inputs = len(res.metadata["design"]["inputs"])
    fig = morris_figure(res, "final_credibility", top=10)
    ax = fig.axes[0]
    assert f"labels on the top 10 of {n_inputs} inputs by mu*" in ax.get_title()
    labels = [t for t in ax.texts if t.get_text()]
    assert len(labels) == 10
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), "two labels overlap"
    # every input is drawn: the labelled ten and the others as grey points
    assert sum(len(line.get_xdata()) for line in ax.lines if line.get_marker() == "o") >= n_inputs


def _noisy(noise: float):
    return scenario_from_data(load_yaml_text(LINEAR + f"  noise: {{value: {noise}, assumption: true}}\n", "n.yaml"),
                              "n.yaml")


def test_noise_share_matches_the_closed_form_and_is_flagged(linear):  # noqa: F811
    # y = x1 + 2 x2 + e, e ~ N(0, 1), x ~ U(0, 1): Var of a row mean of r = 4 runs is 5/12 + 1/4, of
    # which the noise is 1/4: share (1/4) / (5/12 + 1/4) = 0.375
    res = sobol(_noisy(1.0), base_samples=256, replications=4, seed=6)
    assert noise_share(res, "y") == pytest.approx(0.375, abs=0.04)
    table = sobol_indices(res, "y")
    notes = sobol_warnings(res, "y", None, table)
    assert any("own randomness is about" in n and "more replications per row" in n for n in notes)
    clean = sobol(_noisy(0.0), base_samples=256, replications=2, seed=6)
    assert noise_share(clean, "y") == pytest.approx(0.0, abs=1e-12)
    assert sobol_warnings(clean, "y", None, sobol_indices(clean, "y")) == []


def test_sobol_figure_says_what_it_shows_and_when_it_is_not_resolved():
    res = sobol("mongolia_icc_2024", base_samples=2, seed=1, settings=simsim.RunSettings(timeseries=False))
    k = len(res.metadata["design"]["inputs"])
    fig = sobol_figure(res, "decision.MNG", "no_arrest")
    title = fig.axes[0].get_title()
    assert f"top 15 of {k} inputs by S_T" in title and "base_samples 2, 1 replication per row" in title
    assert f"({2 * (k + 2)} runs)" in title
    # a yes/no outcome with one run per row: flagged in red above the title
    red = fig._suptitle.get_text().replace("\n", " ")  # wrapped to the figure's width
    assert "Not resolved" in red and "one run per design row" in red


def test_design_command_takes_factor_and_at(three, tmp_path, capsys):
    from simsim.cli import main

    three.save(tmp_path / "r")
    assert main(["design", str(tmp_path / "r"), "--outcome", "y", "--factor", "parameters.a",
                 "--at", "parameters.noise=0.5", "--out", str(tmp_path / "f.png")]) == 0
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"
    capsys.readouterr()
    assert main(["design", str(tmp_path / "r"), "--outcome", "y", "--at", "parameters.noise=2"]) == 2
    err = capsys.readouterr()
    assert "not a level of the factor" in err.err and err.out == ""  # refused before the table is printed
