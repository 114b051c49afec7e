"""Figures a reader understands without the code: labels and units, displays, data preparation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import simsim
from simsim.registry import get_mechanism


# ------------------------------------------------------------------ labels and units
@pytest.mark.parametrize("name", simsim.shipped_scenarios())
def test_every_outcome_and_reporter_declares_label_and_unit(name):
    # the figures take titles and axis labels from these declarations: a missing one would
    # put a raw id (`ties_change.MNG.RUS`) on an axis with no unit
    scn = simsim.load_scenario(name)
    mech = get_mechanism(scn.model)
    for o in mech.outcome_specs(scn):
        assert o.label and o.label != o.name, o.name
        assert o.unit is not None, o.name
        if o.kind != "number":
            assert o.unit == "", o.name  # shown as probabilities: no unit of their own
    _, ts = simsim.run_one(scn, 1)
    reporters = {r.name: r for r in mech.reporter_specs(scn)}
    for col in ts.columns.drop("step"):
        assert col in reporters, f"reporter {col} has no ReporterSpec"
        assert reporters[col].label and reporters[col].unit, col  # reporters are all quantities with units


# ------------------------------------------------------------------ data preparation
from simsim.plotting import (  # noqa: E402
    SimsimFigure,
    comparison_data,
    comparison_figure,
    convergence_figure,
    distinct_labels,
    input_label,
    outcomes_figure,
    plot_fan,
    plot_histogram,
    probability_table,
    sensitivity_figure,
    value_distribution,
)


def test_few_values_become_bars_of_their_values():
    d = value_distribution(np.array([0.0, 0.0, 1.0, 2.0]))
    assert d["kind"] == "bars"
    assert d["values"].tolist() == [0.0, 1.0, 2.0]
    assert d["shares"].tolist() == [0.5, 0.25, 0.25]  # 2, 1 and 1 of 4 runs
    point = value_distribution(np.full(7, 0.3))
    assert point["kind"] == "bars" and point["values"].tolist() == [0.3] and point["shares"].tolist() == [1.0]


def test_a_value_most_runs_share_is_reported_apart():
    values = np.concatenate([np.zeros(90), np.linspace(0.3, 0.9, 10) + 0.001 * np.arange(10)])
    d = value_distribution(values, max_distinct=5)
    assert d["kind"] == "spike" and d["value"] == 0.0 and d["share"] == pytest.approx(0.9)
    assert len(d["rest"]) == 10 and (d["rest"] != 0).all()
    spread = value_distribution(np.linspace(0, 1, 100))
    assert spread["kind"] == "histogram" and len(spread["rest"]) == 100
    assert value_distribution(np.array([]))["kind"] == "empty"


@pytest.fixture(scope="module")
def pair():
    base = simsim.run("mongolia_icc_2024", replications=300, seed=7)
    variant = simsim.run(simsim.load_scenario("mongolia_icc_2024", {"parameters.w_dependence": 0.2}),
                         replications=300, seed=7)
    return base, variant


def test_probability_rows_use_declared_labels(pair):
    t = probability_table(pair[0])
    assert "First visit planned to Mongolia: no arrest" in t["label"].tolist()
    assert not any(lbl.startswith("decision.") for lbl in t["label"])


def test_variant_made_with_overrides_is_named_by_them(pair):
    base, variant = pair
    assert variant.metadata["scenario"]["overrides"] == ["parameters.w_dependence=0.2"]
    la, lb = distinct_labels(base, variant)
    assert la == "mongolia_icc_2024" and lb == "mongolia_icc_2024 with parameters.w_dependence=0.2"
    # the same scenario twice (same overrides) is told apart by seed and runs
    la, lb = distinct_labels(base, base)
    assert la != lb or la.startswith("a: ")


def test_comparison_axis_spans_the_spread_of_both_results(pair):
    base, variant = pair
    t = comparison_data(base, variant)
    row = t[t["outcome"] == "final_credibility"].iloc[0]
    both = np.concatenate([base.runs["final_credibility"], variant.runs["final_credibility"]])
    assert row["range_low"] == pytest.approx(np.quantile(both, 0.05))
    assert row["range_high"] == pytest.approx(np.quantile(both, 0.95))
    assert row["unit"] == "credibility (0-1)"
    probs = t[t["kind"] != "number"]
    assert (probs["range_low"] == 0).all() and (probs["range_high"] == 1).all()


def test_comparison_figure_one_scale_per_outcome_and_difference_panels(pair):
    base, variant = pair
    fig = comparison_figure(base, variant)
    t = comparison_data(base, variant)
    n_num = int((t["kind"] == "number").sum())
    axes = fig.axes
    assert len(axes) == 2 * (1 + n_num)  # estimates and difference, for the probabilities and each number
    cred = next(ax for ax in axes if "Credibility of the norm at the end" in " ".join(
        tl.get_text() for tl in ax.get_yticklabels()))
    row = t[t["outcome"] == "final_credibility"].iloc[0]
    lo, hi = cred.get_xlim()
    # the axis holds the 5-95% range of the outcome, not just the two means (which differ by far less)
    assert lo <= row["range_low"] and hi >= row["range_high"]
    assert abs(row["estimate_b"] - row["estimate_a"]) < 0.5 * (hi - lo)
    diff_axes = [ax for ax in axes if ax.get_xlabel().startswith("difference b - a")]
    assert len(diff_axes) == 1 + n_num
    for ax in diff_axes:  # zero is on every difference axis
        lo, hi = ax.get_xlim()
        assert lo <= 0 <= hi
    legend = fig.legends[0]
    texts = [t.get_text() for t in legend.get_texts()]
    assert len(set(texts)) == 2 and "w_dependence=0.2" in texts[1]


def test_outcomes_figure_titles_and_axes_use_labels_and_units(pair):
    fig = outcomes_figure(pair[0])
    titles = [ax.get_title() for ax in fig.axes]
    xlabels = [ax.get_xlabel() for ax in fig.axes]
    ylabels = [ax.get_ylabel() for ax in fig.axes]
    assert any(t.startswith("Credibility of the norm at the end") for t in titles)
    assert "credibility (0-1)" in xlabels
    assert "ties (scale -1..1)" in xlabels
    assert any(t.startswith("Credibility of the norm, over steps") for t in titles)
    assert "credibility (0-1)" in ylabels  # the fan chart's y-axis
    assert not any("ties_change." in t or "final_credibility" in t for t in titles)


def test_histogram_of_few_values_draws_one_bar_per_value():
    ax = plot_histogram(np.array([0, 0, 0, 1, 1, 3], dtype=float), "Arrests", unit="visits")
    bars = ax.patches
    assert len(bars) == 3
    assert [round(b.get_height(), 6) for b in bars] == [0.5, round(2 / 6, 6), round(1 / 6, 6)]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "3"]
    assert ax.get_xlabel() == "visits" and ax.get_ylabel() == "share of runs"


def test_fan_chart_has_a_y_label():
    fan = pd.DataFrame({0.05: [0, 1], 0.25: [1, 2], 0.5: [2, 3], 0.75: [3, 4], 0.95: [4, 5]}, index=[0, 1])
    ax = plot_fan(fan, "Total arsenal", unit="warheads")
    assert ax.get_ylabel() == "warheads" and ax.get_xlabel().startswith("step")


def test_sensitivity_and_convergence_use_readable_names(pair):
    base = pair[0]
    assert input_label(base, "attr.MNG.domestic_compliance") == "Mongolia: domestic_compliance"
    assert input_label(base, "rel.ties.MNG->RUS") == "ties: Mongolia -> Russian Federation"
    assert input_label(base, "param.rationality") == "parameter rationality"
    fig = sensitivity_figure(base, "decision.MNG", "no_arrest")
    ax = fig.axes[0]
    assert "First visit planned to Mongolia = no arrest" in ax.get_title()
    assert not any(t.get_text().startswith(("attr.", "rel.", "param.")) for t in ax.get_yticklabels())
    conv = convergence_figure(base, "final_credibility").axes[0]
    assert conv.get_ylabel() == "mean, credibility (0-1)"


def test_figures_display_themselves_without_pyplot(pair):
    fig = outcomes_figure(pair[0])
    assert isinstance(fig, SimsimFigure)
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert fig.canvas.manager is None  # never registered with pyplot's figure manager


# ------------------------------------------------------------------ the gallery page
@pytest.mark.slow
def test_gallery_page_is_what_the_script_writes(tmp_path):
    # docs/gallery.md and its images are written by examples/gallery.py: the committed page must be
    # exactly what the script writes now, and every image it shows must exist and be drawn
    import re

    from tests.conftest import ROOT, load_example

    written = load_example("gallery").main(tmp_path)
    page = (tmp_path / "gallery.md").read_text()
    assert page == (ROOT / "docs" / "gallery.md").read_text(), "docs/gallery.md is stale: run examples/gallery.py"
    shown = sorted(re.findall(r"!\[[^\]]*\]\(gallery/([^)]+)\)", page))
    assert shown == sorted(p.name for p in written)
    assert shown == sorted(p.name for p in (ROOT / "docs" / "gallery").glob("*.png"))
    for p in written:
        assert p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 15_000


def test_results_saved_before_labels_existed_fall_back_to_ids(pair):
    # older results folders have no label, unit or reporter declarations: figures still draw, with ids
    import copy

    base = pair[0]
    meta = copy.deepcopy(base.metadata)
    for s in meta["outcomes"]:
        s.pop("label"), s.pop("unit")
    meta.pop("reporters")
    old = simsim.Results(base.runs, base.timeseries, meta)
    fig = outcomes_figure(old)
    titles = [ax.get_title() for ax in fig.axes]
    assert "final_credibility" in titles and "credibility, over steps" in titles
    assert "final_credibility" in [ax.get_xlabel() for ax in fig.axes]  # the id stands in for the unit
    assert "decision.MNG: no arrest" in probability_table(old)["label"].tolist()


def test_fan_data_equals_pandas_pivot_with_forward_fill():
    from simsim.plotting import fan_data

    # runs of different lengths (stopped early) and undefined values: the reference is pandas'
    # pivot with a forward fill, which fan_data computes in numpy with less memory
    rng = np.random.default_rng(1)
    rows = [(r, t, np.nan if rng.random() < 0.1 else rng.random())
            for r in range(60) for t in range(int(rng.integers(3, 10)))]
    ts = pd.DataFrame(rows, columns=["run", "step", "x"])
    wide = ts.pivot(index="step", columns="run", values="x").ffill()
    expected = np.nanquantile(wide.to_numpy(float), (0.05, 0.5, 0.95), axis=1).T
    got = fan_data(ts, "x", (0.05, 0.5, 0.95))
    np.testing.assert_allclose(got.to_numpy(), expected)
    assert list(got.index) == list(wide.index)


def test_a_sweeps_outcomes_figure_shows_its_caveat_whole():
    # the flagship sweep's factors are long paths: the caveat about pooled points must be wrapped, not cut
    res = simsim.run("mongolia_icc_2024_sweep", replications=4, seed=7)
    fig = outcomes_figure(res)
    text = fig._suptitle.get_text()
    assert max(len(line) for line in text.splitlines()) <= 170
    assert "relations.ties.edges.MNG->RUS" in text and text.rstrip().endswith("are too narrow)")
