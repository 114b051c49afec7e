"""Figures a reader understands without the code: labels and units, displays, data preparation."""

from __future__ import annotations

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
