"""Compact reprs of Results, Scenario and Comparison for the console and notebooks."""

from __future__ import annotations

import pytest

import simsim
from simsim.comparison import Comparison


@pytest.fixture(scope="module")
def base():
    return simsim.run("mongolia_icc_2024", replications=200, seed=7)


def test_scenario_repr_is_short_and_names_overrides():
    scn = simsim.load_scenario("mongolia_icc_2024", ["parameters.rationality=2"])
    text = repr(scn)
    # the default pydantic repr dumps every field (several KB)
    assert len(text) < 200
    assert text == ("Scenario(name='mongolia_icc_2024', model='dilemma', actors=8, steps=36, "
                    "overrides=['parameters.rationality=2'])")
    assert str(scn) == text
    assert scn.overrides == ("parameters.rationality=2",)
    assert simsim.load_scenario("mongolia_icc_2024", {"parameters.rationality": 2}).overrides == (
        "parameters.rationality=2",)


def test_scenario_html_lists_actors_and_uncertain_inputs():
    from simsim.model import design_of

    scn = simsim.load_scenario("mongolia_icc_2024")
    html = scn._repr_html_()
    for a in scn.actors:
        assert f"<code>{a.id}</code>" in html and a.name in html
    unc = design_of(scn).uncertain
    assert f"Uncertain inputs</b> ({len(unc)}" in html
    for u in unc:
        assert u.column.replace(">", "&gt;") in html
    assert len(html) < 20_000


def test_results_html_shows_identity_and_main_outcomes(base):
    html = base._repr_html_()
    assert "Mongolia and the ICC warrant, September 2024" in html
    assert "mechanism <code>dilemma</code>" in html and "200 runs x 36 steps" in html and "seed 7" in html
    s = base.summary(["decision.MNG"]).set_index("category")
    no_arrest = s.loc["no_arrest"]
    # the row shows the same estimate and Wilson interval as summary()
    assert (f"First visit planned to Mongolia: no arrest</td><td class='num'>{no_arrest.estimate:.1%}</td>"
            f"<td class='num'>{no_arrest.ci_low:.1%} - {no_arrest.ci_high:.1%}") in html
    assert "credibility (0-1)" in html  # numeric outcomes carry their unit
    assert repr(base) == "Results(scenario='mongolia_icc_2024', runs=200, seed=7)"


def test_comparison_holds_labels_table_pairing_and_shows_differences(base):
    variant = simsim.run(simsim.load_scenario("mongolia_icc_2024", {"parameters.w_dependence": 0.2}),
                         replications=200, seed=7)
    cmp = Comparison.of(base, variant)
    assert cmp.labels == ("mongolia_icc_2024", "mongolia_icc_2024 with parameters.w_dependence=0.2")
    assert "common random numbers" in cmp.pairing  # same seed and runs: run i of each shares its seed
    other = simsim.run("mongolia_icc_2024", replications=100, seed=8)
    assert Comparison.of(base, other).pairing == "independent samples"
    row = cmp.table[cmp.table["label"] == "decision.MNG: no_arrest"].iloc[0]
    html = cmp._repr_html_()
    assert f"{row.difference * 100:+.1f} pp" in html
    assert f"{row.diff_low * 100:+.1f} - {row.diff_high * 100:+.1f}" in html
    assert repr(cmp).startswith("Comparison(a='mongolia_icc_2024', b='mongolia_icc_2024 with")
    assert cmp.figure()._repr_png_().startswith(b"\x89PNG")


def test_html_escapes_text_from_files(base):
    import copy

    from simsim.display import results_html

    meta = copy.deepcopy(base.metadata)
    meta["scenario"]["title"] = "<script>alert(1)</script>"
    html = results_html(simsim.Results(base.runs, base.timeseries, meta))
    assert "<script>" not in html and "&lt;script&gt;" in html
