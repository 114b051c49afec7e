"""All problems of a file at once; strict types; strict: true; every value shown; range: sampled on request."""

from __future__ import annotations

import json

import numpy as np
import pytest

import simsim
from simsim.cli import main
from simsim.errors import ScenarioError
from tests.conftest import MINIMAL, SCENARIOS


def _error(path, overrides=None, **kw) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        simsim.load_scenario(path, overrides, **kw)
    return info.value


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


# ------------------------------------------------------------------ all problems at once
THREE_SCHEMA_PROBLEMS = (MINIMAL.replace("steps: 3", "steps: many")
                         .replace("replications: 50", "replicatons: 50")
                         .replace("value: 0.8, source: src}", "value: 0.8}"))
THREE_FILE_PROBLEMS = (MINIMAL.replace("{from: HOS, to: THR, value: 0.5", "{from: HOS, to: THX, value: 0.5")
                       .replace("retaliation_prob: {", "retaliaton_prob: {")
                       .replace("source: src}", "source: scr}"))


@pytest.mark.parametrize("text, expected", [
    (THREE_SCHEMA_PROBLEMS, [("steps: many", "steps"), ("replicatons", "replicatons"),
                             ("value: 0.8}", "relations.energy_dependence.edges[0]")]),
    (THREE_FILE_PROBLEMS, [("THX", "relations.ties.edges[1].to"), ("retaliaton_prob", "parameters.retaliaton_prob"),
                           ("scr}", "relations.energy_dependence.edges[0].source")]),
])
def test_every_problem_of_a_file_is_reported_each_located(text, expected, write_yaml):
    path = write_yaml(text)
    err = _error(path)
    assert len(err.problems) == len(expected), str(err)
    got = {(p.line, p.key) for p in err.problems}
    assert got == {(_line(text, marker), key) for marker, key in expected}
    msg = str(err)
    assert msg.startswith(f"{path}: 3 problems:")
    for p in err.problems:  # each on its own line, as file:line: key: message
        assert f"  {path}:{p.line}: {p.key}: {p.message}" in msg.splitlines()
    assert "more problem" not in msg


def test_cli_prints_all_problems_and_exits_2(write_yaml, capsys):
    path = write_yaml(THREE_FILE_PROBLEMS)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count(f"{path}:") == 4 and "Traceback" not in err  # the header and three problems
    assert "did you mean 'THR'" in err and "did you mean 'retaliation_prob'" in err and "did you mean 'src'" in err


# ------------------------------------------------------------------ strict types
@pytest.mark.parametrize("old, new, key, fragment", [
    ("retaliation_prob: {value: 0.5", "retaliation_prob: {value: true", "parameters.retaliation_prob.value",
     "yes/no"),
    ("dist: uniform, low: 0.2, high: 0.6", "dist: uniform, low: false, high: 0.6",
     "relations.ties.edges[0].low", "yes/no"),
    ("  ties:\n    symmetric: true\n", "  ties:\n    symmetric: true\n    default: .inf\n", "relations.ties.default",
     "finite"),
    ("  ties:\n    symmetric: true\n", "  ties:\n    symmetric: true\n    default: .nan\n", "relations.ties.default",
     "finite"),
    ("  ties:\n    symmetric: true\n", "  ties:\n    symmetric: true\n    default: yes\n", "relations.ties.default",
     "yes/no"),
    ("{step: 1, type: visit", "{step: true, type: visit", "events[0].step", "yes/no"),
    ("{step: 1, type: visit", "{step: 1.5, type: visit", "events[0].step", "whole number"),
    ("{from: HOS, to: VIS, value: 0.8", "{from: [HOS], to: VIS, value: 0.8",
     "relations.energy_dependence.edges[0].from", "valid string"),
    ("{from: HOS, to: THR, value: 0.5", "{from: {a: 1}, to: THR, value: 0.5", "relations.ties.edges[1].from",
     "valid string"),
    ("visitor: VIS, host: HOS}", "visitor: [VIS, HOS], host: HOS}", "events[0].visitor", "valid string"),
    ("    memberships: [INS]\n", "    memberships: [[INS]]\n", "actors[0].memberships[0]", "valid string"),
    ("  - id: HOS\n", "  - id: [HOS]\n", "actors[0].id", "valid string"),
])
def test_no_bool_nan_or_container_where_a_number_or_id_is_read(old, new, key, fragment, write_yaml):
    assert old in MINIMAL
    path = write_yaml(MINIMAL.replace(old, new, 1))
    err = _error(path)
    assert any(p.key == key and fragment in p.message for p in err.problems), str(err)


def test_list_as_item_id_in_extends_is_a_located_error(tmp_path):
    (tmp_path / "base.yaml").write_text(MINIMAL)
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nactors:\n  - id: [HOS]\n    name: Host\n")
    err = _error(child)
    assert all(p.file for p in err.problems) and "id" in str(err)


# ------------------------------------------------------------------ strict: true and every value shown
def test_strict_requires_every_parameter(write_yaml):
    from simsim.registry import get_mechanism

    path = write_yaml(MINIMAL.replace("steps: 3", "steps: 3\nstrict: true"))
    err = _error(path)
    missing = sorted(set(get_mechanism("dilemma").parameters) - {"retaliation_prob"})
    (p,) = err.problems
    assert p.key == "parameters" and "strict" in p.message
    assert sorted(p.message.split("missing: ")[1].split(", ")) == missing


def test_strict_must_be_a_bool(write_yaml):
    err = _error(write_yaml(MINIMAL.replace("steps: 3", "steps: 3\nstrict: 1")))
    assert err.problems[0].key == "strict"


SHIPPED_STRICT = ["axelrod_tournament_1980", "brics_alignment", "ec_emissions_1994", "icc_compliance_bargaining",
                  "iterated_cooperation", "landscape_syria_2016", "nuclear_arms_race",
                  "nuclear_arms_race_new_start_extended"]


@pytest.mark.parametrize("name", SHIPPED_STRICT)
def test_shipped_scenarios_are_strict(name):
    from simsim.scenario.values import used_values

    scn = simsim.load_scenario(SCENARIOS / f"{name}.yaml")
    assert scn.strict
    assert not [v.name for v in used_values(scn) if v.name.startswith("param.") and v.origin == "default"]


def test_used_values_mark_defaults_and_match_what_runs(write_yaml):
    """Every default listed is the value the model holds (read back from a built model)."""
    from simsim.model import design_of
    from simsim.registry import get_mechanism
    from simsim.scenario.values import used_values

    scn = simsim.load_scenario(write_yaml(MINIMAL))
    values = {v.name: v for v in used_values(scn)}
    mech = get_mechanism("dilemma")
    design = design_of(scn)
    for name in mech.parameters:
        v = values[f"param.{name}"]
        if name == "retaliation_prob":
            assert v.origin == "given" and v.provenance == "assumption"
        else:
            assert v.origin == "default" and float(v.value) == pytest.approx(design.params[name], rel=1e-5)
    assert values["attr.INS.credibility"].origin == "given"
    assert values["rel.ties.default"].value == "0" and values["rel.ties.HOS->VIS"].value == "uniform(0.2, 0.6)"
    assert values["rel.trade_share.default"].origin == "default"  # a relation the file does not give


def test_describe_and_metadata_show_defaults(write_yaml, tmp_path, capsys):
    path = write_yaml(MINIMAL)
    assert main(["describe", str(path)]) == 0
    out = capsys.readouterr().out
    assert "param.referral_prob" in out and "default" in out
    res = simsim.run(simsim.load_scenario(path), replications=5, seed=1)
    res.save(tmp_path / "r")
    meta = json.loads((tmp_path / "r" / "metadata.json").read_text())
    by_name = {v["name"]: v for v in meta["values"]}
    assert by_name["param.referral_prob"]["origin"] == "default"
    assert by_name["param.retaliation_prob"]["origin"] == "given"


# ------------------------------------------------------------------ range: sampled on request
def test_range_is_documentation_by_default_and_sampled_with_ranges(write_yaml):
    text = MINIMAL.replace("retaliation_prob: {value: 0.5, assumption: true}",
                           "retaliation_prob: {value: 0.5, assumption: true, range: [0.2, 0.9]}")
    path = write_yaml(text)
    fixed = simsim.run(simsim.load_scenario(path), replications=200, seed=3)
    assert "param.retaliation_prob" not in fixed.runs
    varied = simsim.run(simsim.load_scenario(path, ranges=True), replications=200, seed=3)
    x = varied.runs["param.retaliation_prob"].to_numpy()
    assert x.min() >= 0.2 and x.max() <= 0.9
    # uniform on [0.2, 0.9]: mean 0.55, sd 0.7/sqrt(12) = 0.202; 200 draws put the mean within 0.05
    assert abs(x.mean() - 0.55) < 0.05 and abs(x.std() - 0.7 / np.sqrt(12)) < 0.03


def test_integer_range_becomes_whole_numbers():
    # bargaining's offer_rule is a whole-number parameter: its range is sampled as whole numbers
    scn = simsim.load_scenario("ec_emissions_1994", {"parameters.offer_rule": {
        "value": 1, "assumption": True, "range": [0, 1]}}, ranges=True)
    q = scn.parameters["offer_rule"]
    assert q.dist == "choice" and list(q.values) == [0, 1]


def test_degenerate_range_stays_fixed(write_yaml):
    text = MINIMAL.replace("retaliation_prob: {value: 0.5, assumption: true}",
                           "retaliation_prob: {value: 0.5, assumption: true, range: [0.5, 0.5]}")
    assert not simsim.load_scenario(write_yaml(text), ranges=True).parameters["retaliation_prob"].uncertain


@pytest.mark.parametrize("name", SHIPPED_STRICT + ["mongolia_icc_2024", "icc_visits_network"])
def test_every_shipped_scenario_loads_with_ranges(name):
    scn = simsim.load_scenario(SCENARIOS / f"{name}.yaml", ranges=True)
    assert scn.name == name
