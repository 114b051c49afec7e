"""Scenario loading: shipped scenarios validate; every kind of bad input gets one clear error."""

from __future__ import annotations

import re

import pytest

import simsim
from simsim.errors import ScenarioError
from simsim.registry import shipped_scenarios
from tests.conftest import MINIMAL, SCENARIOS


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_every_shipped_scenario_validates(name):
    scn = simsim.load_scenario(shipped_scenarios()[name])
    assert scn.name == name
    assert scn.model in simsim.mechanism_names()


@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_every_shipped_assumption_has_a_range(name):
    """FACTS.md: a judgement is marked `assumption` and given a range, not a point."""
    from simsim.model import design_of

    scn = simsim.load_scenario(shipped_scenarios()[name])
    quantities = list(scn.parameters.items())
    for a in scn.actors:
        quantities += [(f"{a.id}.{k}", q) for k, q in a.attributes.items()]
        quantities += [(f"{a.id}.{k}", q) for k, q in a.behaviour_params.items()]
    for rname, rel in scn.relations.items():
        quantities += [(f"{rname}.{e.key}", e) for e in rel.edges]
    for label, q in quantities:
        if q.assumption and q.source is None:
            assert q.uncertain or q.range is not None, f"{name}: assumption {label} has no range"
    assert design_of(scn) is not None


def test_shipped_scenario_by_name():
    assert simsim.load_scenario("mongolia_icc_2024").name == "mongolia_icc_2024"


def test_minimal_loads(minimal_path):
    scn = simsim.load_scenario(minimal_path)
    assert scn.ids == ["HOS", "VIS", "INS", "THR"]
    assert scn.relations["ties"].symmetric


def _error(path, overrides=None) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        simsim.load_scenario(path, overrides)
    return info.value


def _line_of(text: str, needle: str) -> int:
    for i, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


BAD_CASES = {
    # name: (replace this, with that, expected key path, message fragment, line marker)
    "yaml_syntax": ("steps: 3", "steps: [3", None, "YAML syntax error", None),
    "unknown_key_did_you_mean": ("replications: 50", "replicatons: 50", "replicatons",
                                 "did you mean 'replications'", "replicatons"),
    "wrong_type": ("steps: 3", "steps: many", "steps", "valid integer", "steps: many"),
    "probability_out_of_range": ("retaliation_prob: {value: 0.5", "retaliation_prob: {value: 1.4",
                                 "parameters.retaliation_prob", "<= 1", "retaliation_prob"),
    "unknown_actor_in_edge": ("{from: HOS, to: THR, value: 0.5", "{from: HOS, to: THX, value: 0.5",
                              "relations.ties.edges[1].to", "unknown actor 'THX' (did you mean 'THR'?)", "THX"),
    "duplicate_ids": ("  - id: THR\n", "  - id: VIS\n    name: Again\n  - id: THR\n", "actors[3].id",
                      "duplicate actor id 'VIS'", None),
    "no_provenance": ("{from: HOS, to: VIS, value: 0.8, source: src}", "{from: HOS, to: VIS, value: 0.8}",
                      "relations.energy_dependence.edges[0]", "source", "value: 0.8}"),
    "unknown_source": ("source: src}", "source: scr}", "relations.energy_dependence.edges[0].source",
                       "unknown source 'scr' (did you mean 'src'?)", "scr}"),
    "unknown_mechanism": ("model: dilemma", "model: dilema", "model", "did you mean 'dilemma'", "dilema"),
    "unknown_parameter": ("retaliation_prob: {", "retaliaton_prob: {", "parameters.retaliaton_prob",
                          "did you mean 'retaliation_prob'", "retaliaton_prob"),
    "event_unknown_actor": ("visitor: VIS, host: HOS}", "visitor: VIZ, host: HOS}", "events[0].visitor",
                            "unknown actor 'VIZ'", "VIZ"),
    "event_after_last_step": ("{step: 1, type: visit", "{step: 9, type: visit", "events[0].step",
                              "after the last step", "step: 9"),
    "unknown_event_type": ("type: visit", "type: vist", "events[0].type", "did you mean 'visit'", "vist"),
    "distribution_missing_parameter": ("dist: uniform, low: 0.2, high: 0.6", "dist: uniform, low: 0.2",
                                       "relations.ties.edges[0]", "needs high", "dist: uniform"),
    "unknown_relation": ("  energy_dependence:\n", "  energy_dependance:\n", "relations.energy_dependance",
                         "did you mean 'energy_dependence'", "energy_dependance"),
    "unknown_attribute": ("credibility: {value: 0.5", "credibilty: {value: 0.5", "actors[2].attributes.credibilty",
                          "did you mean 'credibility'", "credibilty"),
    "nan_value": ("{from: HOS, to: VIS, value: 0.8,", "{from: HOS, to: VIS, value: .nan,",
                  "relations.energy_dependence.edges[0].value", "finite number", ".nan"),
    "bare_number": ("retaliation_prob: {value: 0.5, assumption: true}", "retaliation_prob: 0.5",
                    "parameters.retaliation_prob", "needs its provenance", "retaliation_prob: 0.5"),
    "reversed_range": ("credibility: {value: 0.5, assumption: true}",
                       "credibility: {value: 0.5, assumption: true, range: [0.8, 0.4]}",
                       "actors[2].attributes.credibility", "reversed", "range: [0.8"),
    "boolean_steps": ("steps: 3", "steps: true", "steps", "valid integer", "steps: true"),
    "relation_value_out_of_range": ("{from: HOS, to: VIS, value: 0.8,", "{from: HOS, to: VIS, value: 1.8,",
                                    "relations.energy_dependence.edges[0]", "<= 1", "value: 1.8"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_names_file_line_and_key(case, write_yaml):
    old, new, key, fragment, marker = BAD_CASES[case]
    assert old in MINIMAL, case
    text = MINIMAL.replace(old, new, 1)
    path = write_yaml(text, f"{case}.yaml")
    err = _error(path)
    msg = str(err)
    assert err.file == str(path)
    assert fragment in msg, msg
    assert "\n" not in msg
    if key is not None:
        assert err.key == key, msg
    if marker is not None:
        assert err.line == _line_of(text, marker), msg
    assert msg.startswith(f"{path}:{err.line}: ") if err.line else msg.startswith(str(path))


def test_missing_file(tmp_path):
    err = _error(tmp_path / "nope.yaml")
    assert "file not found" in str(err)


def test_extends_missing_file(write_yaml):
    path = write_yaml("extends: base.yaml\nname: child\n", "child.yaml")
    err = _error(path)
    assert err.key == "extends" and "base.yaml" in err.message and err.line == 1


def test_extends_cycle(write_yaml):
    write_yaml("extends: b.yaml\nname: a\n", "a.yaml")
    path = write_yaml("extends: a.yaml\nname: b\n", "b.yaml")
    err = _error(path)
    assert "cycle" in err.message and "a.yaml" in err.message


def test_error_in_base_file_points_at_base(write_yaml):
    write_yaml(MINIMAL.replace("steps: 3", "steps: lots"), "base.yaml")
    child = write_yaml("extends: base.yaml\nname: child\n", "child.yaml")
    err = _error(child)
    assert err.file.endswith("base.yaml") and err.key == "steps" and err.line == 4


def test_extends_changes_only_what_it_names():
    base = simsim.load_scenario(SCENARIOS / "mongolia_icc_2024.yaml")
    cf = simsim.load_scenario(SCENARIOS / "mongolia_icc_2024_half_dependence.yaml")
    b = base.model_dump()
    c = cf.model_dump()
    changed = {k for k in b if b[k] != c[k]}
    # the counterfactual drops `observed:` (what happened is not an observation of the counterfactual)
    assert changed == {"name", "title", "description", "relations", "observed"}
    assert c["observed"] == {} and b["observed"]["decision.MNG"] == "no_arrest"
    assert b["relations"]["ties"] == c["relations"]["ties"]
    e_b = base.relations["energy_dependence"].edges[0]
    e_c = cf.relations["energy_dependence"].edges[0]
    assert (e_c.low, e_c.high) == pytest.approx((e_b.low / 2, e_b.high / 2))
    assert cf.relations["energy_dependence"].edges[1] == base.relations["energy_dependence"].edges[1]


def test_override_sets_values_and_marks_them_assumptions(minimal_path):
    scn = simsim.load_scenario(minimal_path, ["steps=5", "relations.energy_dependence.edges.HOS->VIS=0.4",
                                              "parameters.rationality=0"])
    assert scn.steps == 5
    e = scn.relations["energy_dependence"].edges[0]
    assert (e.from_, e.to, e.value, e.source, e.assumption) == ("HOS", "VIS", 0.4, None, True)
    assert scn.parameters["rationality"].value == 0
    same = simsim.load_scenario(minimal_path, {"steps": 5})
    assert same.steps == 5


@pytest.mark.parametrize("expr, fragment", [
    ("steps", "path.to.key=value"),
    ("actors.XXX.name=Y", "no item 'XXX'"),
    ("parameters.retaliation_prob=2", "<= 1"),
    ("steps=0", "greater than or equal to 1"),
])
def test_bad_overrides(minimal_path, expr, fragment):
    err = _error(minimal_path, [expr])
    assert fragment in str(err)


def test_yaml_is_read_with_a_safe_loader(write_yaml):
    path = write_yaml(MINIMAL.replace("name: tiny", "name: !!python/object/apply:os.system ['echo hi']"))
    err = _error(path)
    assert "YAML" in err.message and err.line == 1


def test_duplicate_yaml_key(write_yaml):
    path = write_yaml(MINIMAL.replace("steps: 3\n", "steps: 3\nsteps: 4\n"))
    err = _error(path)
    assert "duplicate key 'steps'" in err.message and err.line == 5


def test_content_hash_ignores_formatting(write_yaml):
    a = simsim.load_scenario(write_yaml(MINIMAL, "a.yaml"))
    b = simsim.load_scenario(write_yaml("# a comment\n" + MINIMAL.replace("steps: 3", "steps:   3"), "b.yaml"))
    c = simsim.load_scenario(write_yaml(MINIMAL.replace("steps: 3", "steps: 4"), "c.yaml"))
    assert a.content_hash == b.content_hash != c.content_hash
    assert re.fullmatch(r"[0-9a-f]{64}", a.content_hash)


def test_json_schema_lists_top_level_keys():
    schema = simsim.Scenario.model_json_schema(by_alias=True)
    for key in ("name", "model", "actors", "relations", "parameters", "events", "sources", "extends"):
        assert key in schema["properties"]
    assert set(schema["required"]) >= {"name", "description", "model", "actors"}


def test_set_relation_event_is_bounded(write_yaml):
    path = write_yaml(MINIMAL.replace(
        "events:\n", "events:\n  - {step: 2, type: set_relation, relation: ties, from: HOS, to: THR, value: 3}\n"))
    err = _error(path)
    assert err.key == "events[0].value" and "[-1, 1]" in err.message


def test_extends_replaces_event_lists_and_merges_edges(write_yaml):
    event = "  - {step: 2, type: set_relation, relation: ties, from: HOS, to: THR, value: 0.1}\n"
    base = MINIMAL.replace("events:\n", "events:\n" + event)
    write_yaml(base, "base.yaml")
    child = write_yaml("extends: base.yaml\nname: child\nevents:\n"
                       "  - {step: 1, type: visit, visitor: VIS, host: HOS}\n"
                       "relations:\n  ties:\n    edges:\n      - {from: HOS, to: THR, value: 0.2, assumption: true}\n",
                       "child.yaml")
    scn = simsim.load_scenario(child)
    assert [e.type for e in scn.events] == ["visit"]
    edges = {e.key: e for e in scn.relations["ties"].edges}
    assert edges["HOS->THR"].value == 0.2 and "HOS->VIS" in edges


@pytest.mark.parametrize("old, new, fragment", [
    ("  ties:\n    symmetric: true\n", "  ties:\n    symmetric: true\n    default: 7\n", "must lie in [-1, 1]"),
    ("events:\n", "events:\n  - {step: 2, type: set_parameter, parameter: finding_delay, value: 0.5}\n",
     "must lie in [1, 120]"),
    ("events:\n", "events:\n  - {step: 2, type: set_relation, relation: ties, from: HOS, to: HOS, value: 0.1}\n",
     "to itself"),
    ("retaliation_prob: {value: 0.5, assumption: true}", "retaliation_prob: {dist: beta, a: 2, b: 2, low: 2, "
     "assumption: true}", "must be below high"),
])
def test_more_bad_values(write_yaml, old, new, fragment):
    assert old in MINIMAL
    err = _error(write_yaml(MINIMAL.replace(old, new, 1)))
    assert fragment in err.message


def test_extends_cannot_be_overridden(minimal_path):
    err = _error(minimal_path, ["extends=other.yaml"])
    assert "cannot be overridden" in err.message


def test_yaml_merge_keys(write_yaml):
    """`<<: *anchor` merges a mapping; an explicit key overrides a merged one (not a duplicate)."""
    src = "{id: src, title: A source, no_link_reason: a test fixture"
    text = MINIMAL.replace(f"  - {src}}}", f"  - &s {src}, year: 2020}}\n  - {{<<: *s, id: src2, year: 2021}}")
    scn = simsim.load_scenario(write_yaml(text))
    assert [(x.id, x.title, x.year) for x in scn.sources] == [("src", "A source", 2020), ("src2", "A source", 2021)]


def test_an_error_made_by_an_override_points_at_the_override():
    err = _error("mongolia_icc_2024", ["parameters.rationality.low=7"])
    assert err.file == "--set parameters.rationality.low=7" and err.key == "parameters.rationality"
