"""Messages and figure texts a new user reads: each says its thing once, in a sentence that reads."""

from __future__ import annotations

import pandas as pd
import pytest

import simsim
from simsim.errors import ScenarioError
from simsim.plotting import convergence_figure, plot_probabilities, plot_sensitivity


def test_a_fixed_value_out_of_bounds_is_said_once():
    with pytest.raises(ScenarioError) as err:
        simsim.load_scenario("nuclear_arms_race", ["parameters.compliance=2"])
    text = str(err.value)
    assert "parameter 'compliance' must be <= 1, but is 2" in text and "reaches" not in text
    with pytest.raises(ScenarioError, match=r"must be <= 1, but uniform\(0.5, 2\) reaches 2"):
        simsim.load_scenario("nuclear_arms_race",
                             ["parameters.compliance={dist: uniform, low: 0.5, high: 2, assumption: true}"])


def test_convergence_title_does_not_run_a_label_into_a_sentence():
    res = simsim.run("nuclear_arms_race", replications=20, seed=1)
    title = convergence_figure(res, "breach").axes[0].get_title()
    assert title == "Convergence: A ceiling in force was breached"


def _probs(outcomes):
    return pd.DataFrame({"outcome": outcomes, "label": [f"row {i}" for i in range(len(outcomes))],
                         "estimate": 0.5, "ci_low": 0.4, "ci_high": 0.6})


def test_the_categories_note_only_when_there_are_categories():
    # booleans: one row per outcome; a categorical outcome: one row per category (its name repeats)
    assert "categories" not in plot_probabilities(_probs(["stable", "breach"])).get_xlabel()
    assert "the categories of one outcome sum to 100%" in plot_probabilities(
        _probs(["decision", "decision", "stable"])).get_xlabel()


def test_tornado_says_when_it_shows_only_the_strongest_inputs():
    table = pd.DataFrame({"input": [f"param.p{i}" for i in range(43)], "prcc": 0.5, "ci_low": 0.4, "ci_high": 0.6})
    ax = plot_sensitivity(table, "What drives: X")
    assert len(ax.get_yticklabels()) == 15
    assert ax.get_title() == "What drives: X; the 15 strongest of 43 inputs"
    assert plot_sensitivity(table.head(10), "What drives: X").get_title() == "What drives: X"
