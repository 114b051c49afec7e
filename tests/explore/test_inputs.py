"""The explorer's controls: which inputs, which ranges, and overrides that land where they say."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import simsim
from simsim.cli import build_parser
from simsim.explore.inputs import command_line, controls, format_value, nice_step, overrides
from simsim.model import design_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def mongolia():
    return simsim.load_scenario("mongolia_icc_2024")


@pytest.fixture(scope="module")
def raw():
    # the YAML as written, read without simsim: the expected controls and ranges come from here.
    # The flagship extends the ICC record's shared base: its parameters are the base's, replaced
    # by the flagship's own, and the base's institution's attributes join the flagship's actor.
    own = yaml.safe_load((ROOT / "scenarios" / "mongolia_icc_2024.yaml").read_text())
    base = yaml.safe_load((ROOT / "scenarios" / "icc_record" / "_base.yaml").read_text())
    assert own["extends"].endswith("_base.yaml") and "extends" not in base
    own["parameters"] = {**base.get("parameters", {}), **own.get("parameters", {})}
    base_actors = {a["id"]: a for a in base.get("actors", [])}
    for a in own["actors"]:
        if a["id"] in base_actors:
            a["attributes"] = {**base_actors[a["id"]].get("attributes", {}), **a.get("attributes", {})}
    assert not set(base.get("relations", {})), "the base gives no relations (else merge them here)"
    return own


def test_one_control_per_parameter_and_uncertain_input(mongolia, raw):
    cs = controls(mongolia)
    n_attr = sum("dist" in q for a in raw["actors"] for q in a.get("attributes", {}).values())
    n_edges = sum("dist" in e for r in raw["relations"].values() for e in r["edges"])
    assert [sum(c.group == g for c in cs) for g in ("Parameters", "Actor attributes", "Relations")] == [
        len(raw["parameters"]), n_attr, n_edges]
    assert len({c.column for c in cs}) == len(cs)
    # every uncertain input of the scenario has a control
    assert {u.column for u in design_of(mongolia).uncertain} <= {c.column for c in cs}


def test_ranges_come_from_the_scenario(mongolia, raw):
    by = {c.column: c for c in controls(mongolia)}
    p = raw["parameters"]
    w, q = by["param.w_dependence"], p["w_dependence"]  # uniform: its support, starting at the mean
    assert q["dist"] == "uniform"
    assert (w.low, w.high, w.start, w.uncertain) == (q["low"], q["high"], (q["low"] + q["high"]) / 2, True)
    u, q = by["param.unravel_threshold"], p["unravel_threshold"]  # a fixed value with range:
    assert (u.low, u.high, u.start, u.uncertain) == (*q["range"], q["value"], False)
    f, q = by["param.finding_delay"], p["finding_delay"]  # a fixed value without range: a field only
    assert "range" not in q and not f.has_slider and f.start == q["value"]
    b, q = by["param.finding_prob"], p["finding_prob"]  # beta on [0, 1], mean a / (a + b), on the grid
    assert q["dist"] == "beta"
    assert (b.low, b.high) == (0.0, 1.0) and b.start == pytest.approx(q["a"] / (q["a"] + q["b"]), abs=b.step / 2)
    e = by["rel.energy_dependence.MNG->RUS"]
    edge = next(x for x in raw["relations"]["energy_dependence"]["edges"] if (x["from"], x["to"]) == ("MNG", "RUS"))
    assert (e.low, e.high, e.path) == (edge["low"], edge["high"], "relations.energy_dependence.edges.MNG->RUS")
    assert by["attr.RUS.arrest_cost"].path == "actors.RUS.attributes.arrest_cost"


def test_every_slider_end_is_a_valid_value_that_lands_on_its_input(mongolia):
    cs = [c for c in controls(mongolia) if c.has_slider]
    for end in ("low", "high"):
        values = {c.column: c.format(getattr(c, end)) for c in cs}
        scn = simsim.load_scenario("mongolia_icc_2024", overrides(cs, values))
        d = design_of(scn)
        assert d.uncertain == []  # every input is now fixed...
        ids = scn.ids
        for c in cs:  # ...at the slider's value, in the right place
            kind, *rest = c.column.split(".")
            if kind == "param":
                got = d.params[rest[0]]
            elif kind == "attr":
                got = d.attr[rest[1]][ids.index(rest[0])]
            else:
                a, b = rest[1].split("->")
                got = d.rel[rest[0]][ids.index(a), ids.index(b)]
            assert got == pytest.approx(float(values[c.column]), abs=1e-12), c.column


def test_steps_and_formatting():
    assert nice_step(2, 5) == 0.01  # 300 positions
    assert nice_step(0.85, 0.97) == 0.001  # 120 positions
    assert nice_step(0, 1000) == 10
    assert nice_step(1, 9, integer=True) == 1
    assert format_value(2.0000000001, 0.01) == "2"
    assert format_value(0.33333, 0.01) == "0.33"
    assert format_value(-0.0001, 0.01) == "0"
    assert format_value(1234.5, 10) == "1234"  # banker's rounding is not at play: round() to 0 decimals


def test_command_line_reproduces_the_inputs():
    cmd = command_line("my scenario.yaml", 300, 5, ["parameters.w_dependence=2", "relations.ties.edges.MNG->RUS=0.5"])
    args = build_parser().parse_args(shlex.split(cmd)[1:])
    assert (args.scenario, args.replications, args.seed) == ("my scenario.yaml", 300, 5)
    assert args.overrides == ["parameters.w_dependence=2", "relations.ties.edges.MNG->RUS=0.5"]


def test_the_explorer_is_a_leaf():
    # nothing in simsim imports simsim.explore except the explore command
    offenders = []
    for p in (ROOT / "simsim").rglob("*.py"):
        rel = p.relative_to(ROOT).as_posix()
        if rel.startswith("simsim/explore/") or rel == "simsim/commands/explore.py":
            continue
        if "simsim.explore" in p.read_text() or "from simsim import explore" in p.read_text():
            offenders.append(rel)
    assert offenders == []


@pytest.mark.slow
def test_the_cli_does_not_import_the_page():
    # building the CLI parser (every `simsim` command) imports neither Solara nor the page
    code = ("import sys, simsim.cli; simsim.cli.build_parser(); "
            "print(sorted(m for m in ('solara', 'simsim.explore.app', 'mesa.visualization') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
