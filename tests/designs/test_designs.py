"""Experiment designs: sweeps with common random numbers, Sobol and Morris against closed forms."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

import simsim
from simsim import registry
from simsim.cli import main
from simsim.designs import morris, rerun_inputs, sobol, sweep
from simsim.designs.analysis import morris_effects, sobol_indices, sweep_table
from simsim.inputs import design_of
from simsim.model import DiplomacyModel, OutcomeSpec, Param
from simsim.scenario.loader import scenario_from_data
from simsim.scenario.yamlio import load_yaml_text


class LinearModel(DiplomacyModel):
    """Test mechanism: ``y = a x1 + b x2 (+ noise)``, ``hit = 1 if u < x1``; x1, x2 uniform inputs."""

    name = "test_linear"
    citation = "test only"
    vectorised = True
    parameters: ClassVar[dict[str, Param]] = {
        "a": Param(1.0, None, None, "weight of x1"), "b": Param(2.0, None, None, "weight of x2"),
        "x1": Param(0.5, 0, 1, "input 1"), "x2": Param(0.5, 0, 1, "input 2"),
        "noise": Param(0.0, 0, None, "sd of added noise"),
    }

    @classmethod
    def outcome_specs(cls, scenario: Any) -> list[OutcomeSpec]:
        return [OutcomeSpec("y", "number", "a x1 + b x2"), OutcomeSpec("hit", "bool", "u < x1")]

    def setup(self) -> None:
        self.u = self.uniforms("draw", 2)

    def reporters(self) -> dict[str, Any]:
        return {"x1": self._x1}

    def _x1(self) -> np.ndarray:
        return np.asarray(self.p["x1"], dtype=float).copy()

    def advance(self) -> None:
        pass

    def outcomes(self) -> dict[str, Any]:
        from scipy.special import ndtri

        p = self.p
        y = p["a"] * p["x1"] + p["b"] * p["x2"] + p["noise"] * ndtri(self.u[:, 1])
        return {"y": y, "hit": self.u[:, 0] < p["x1"]}


LINEAR = """\
name: linear
description: A linear test model.
model: test_linear
steps: 1
actors: [{id: AAA, name: A}]
parameters:
  a: {value: 1, assumption: true}
  b: {value: 2, assumption: true}
  x1: {dist: uniform, low: 0, high: 1, assumption: true}
  x2: {dist: uniform, low: 0, high: 1, assumption: true}
"""


@pytest.fixture
def linear():
    registry._load_builtins()
    registry._MECHANISMS[LinearModel.name] = LinearModel
    try:
        yield scenario_from_data(load_yaml_text(LINEAR, "linear.yaml"), "linear.yaml")
    finally:
        registry._MECHANISMS.pop(LinearModel.name, None)


def test_sobol_indices_match_the_closed_form(linear):
    # y = x1 + 2 x2 with independent U(0,1): Var = (1 + 4)/12, so S1 = ST = 1/5 and 4/5, exactly
    res = sobol(linear, base_samples=1024, seed=5)
    assert len(res.runs) == 1024 * (2 + 2)
    table = sobol_indices(res, "y").set_index("input")
    for name, exact in (("param.x1", 0.2), ("param.x2", 0.8)):
        for col in ("S1", "ST"):
            assert abs(table.loc[name, col] - exact) < 0.03, (name, col, table.loc[name, col])


def test_sobol_on_replicated_rows_apportions_the_probability(linear):
    # P(hit | x1) = x1 (x2 plays no part): the mean of each row's runs estimates x1, so x1 takes
    # the whole variance of the row means (up to the binomial noise of 20 runs per row)
    res = sobol(linear, base_samples=256, replications=20, seed=2)
    table = sobol_indices(res, "hit").set_index("input")
    assert table.loc["param.x1", "ST"] > 0.75
    assert table.loc["param.x2", "S1"] < 0.1


def test_morris_effects_are_exact_for_a_linear_model(linear):
    # grid step 4/(2*3) = 2/3 of the grid; quantile step (2/3)(1 - 1/4) = 1/2: y moves by a/2 and
    # SALib divides by the grid step, so every elementary effect of x_i is a (1 - 1/4) = 0.75 a
    res = morris(linear, trajectories=12, levels=4, seed=1)
    table = morris_effects(res, "y").set_index("input")
    assert table.loc["param.x1", "mu_star"] == pytest.approx(0.75, abs=1e-9)
    assert table.loc["param.x2", "mu_star"] == pytest.approx(1.5, abs=1e-9)
    assert table.loc["param.x1", "sigma"] == pytest.approx(0.0, abs=1e-9)


def test_design_sizes_are_checked(linear):
    with pytest.raises(simsim.SimsimError, match="power of 2"):
        sobol(linear, base_samples=100, seed=1)
    with pytest.raises(simsim.SimsimError, match="multiple of 4"):
        simsim.run(linear, replications=10, seed=1, settings=simsim.RunSettings(sampling="sobol"))


def test_sweep_uses_common_random_numbers_and_reruns_exactly(linear):
    res = sweep(linear, {"parameters.a": [0, 1, 3]}, replications=50, seed=9)
    runs = res.runs
    assert list(runs["point"].unique()) == [0, 1, 2] and len(runs) == 150
    # the same seeds and the same draws of every input at every point
    by_point = [g.reset_index(drop=True) for _, g in runs.groupby("point")]
    for g in by_point[1:]:
        pd.testing.assert_series_equal(g["seed"], by_point[0]["seed"])
        pd.testing.assert_frame_equal(g[["param.x1", "param.x2"]], by_point[0][["param.x1", "param.x2"]])
    # so y differs between points by (a' - a) x1 exactly: no sampling noise in the difference
    diff = by_point[2]["y"] - by_point[1]["y"]
    np.testing.assert_allclose(diff, 2 * by_point[0]["param.x1"], rtol=1e-12)
    table = sweep_table(res, "y")
    # mean of y at a: a E[x1] + 2 E[x2] over these draws, by hand from the runs
    expect = [(a * by_point[0]["param.x1"] + 2 * by_point[0]["param.x2"]).mean() for a in (0, 1, 3)]
    np.testing.assert_allclose(table["estimate"], expect, rtol=1e-12)
    # any run is reproduced from the results
    for run_id in (0, 77, 149):
        scn, seed, inputs = rerun_inputs(res, run_id, linear)
        row, _ = simsim.run_one(scn, seed, inputs=inputs)
        assert row["y"] == pytest.approx(float(runs.loc[runs["run"] == run_id, "y"].iloc[0]), rel=1e-12)


def test_sweep_of_the_flagship_moves_no_arrest_with_dependence(tmp_path, capsys):
    path = tmp_path / "sweep.yaml"
    path.write_text("extends: mongolia_icc_2024\nname: mongolia_sweep\nexperiment:\n  design: sweep\n"
                    "  replications: 150\n  factors:\n"
                    "    relations.energy_dependence.edges.MNG->RUS: {values: [0.1, 0.9]}\n")
    out = tmp_path / "res"
    assert main(["run", str(path), "--seed", "3", "--out", str(out), "--no-plot", "--quiet"]) == 0
    assert main(["design", str(out), "--category", "no_arrest"]) == 0
    text = capsys.readouterr().out
    assert "at each point of the sweep" in text and (out / "design.png").read_bytes()[:4] == b"\x89PNG"
    res = simsim.Results.load(out)
    t = sweep_table(res, "decision.MNG", "no_arrest")
    # more dependence on the partner's fuel makes not arresting more likely (the dilemma's
    # documented direction), and with common random numbers the gap is clear at 150 runs
    assert t["estimate"].iloc[1] > t["estimate"].iloc[0]
    assert json.loads((out / "metadata.json").read_text())["design"]["kind"] == "sweep"
    capsys.readouterr()
    assert main(["design", str(out), "--outcome", "decison.MNG"]) == 2
    assert "did you mean 'decision.MNG'" in capsys.readouterr().err
    assert main(["design", str(out), "--category", "arest"]) == 2


def test_bad_sweep_factor_is_a_located_error(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("extends: mongolia_icc_2024\nname: bad\nexperiment:\n  design: sweep\n  factors:\n"
                    "    parameters.retaliation_prob: {values: [0.5, 1.5]}\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:6" in err and "experiment.factors" in err and "1.5" in err
    with pytest.raises(simsim.ScenarioError, match="'factors' belong to design 'sweep'"):
        simsim.load_scenario("mongolia_icc_2024", {"experiment": {"design": "lhs",
                                                                  "factors": {"steps": {"values": [1]}}}})


def test_sweep_streams_and_resumes_to_the_uninterrupted_result(linear, tmp_path, monkeypatch):
    from simsim.experiment import executors

    factors = {"parameters.a": [0, 1, 2, 3]}
    whole = sweep(linear, factors, replications=40, seed=4, settings=simsim.RunSettings(out=tmp_path / "whole"))
    # interrupt the same sweep (in chunks of 15 runs) during its fifth chunk, as Ctrl-C would, then resume it
    real, calls = executors.compute_chunk, []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(executors, "compute_chunk", interrupted)
    part = tmp_path / "part"
    with pytest.raises(KeyboardInterrupt):
        sweep(linear, factors, replications=40, seed=4, settings=simsim.RunSettings(out=part, chunk_size=15))
    # 3 chunks per point (15 + 15 + 10 runs): point 0 whole, and the first chunk of point 1
    parts = sorted(f.name for f in (part / "runs.parquet").glob("part-*.parquet"))
    assert parts == [f"part-{s:010d}.parquet" for s in (0, 15, 30, 40)] and not (part / "metadata.json").exists()
    monkeypatch.setattr(executors, "compute_chunk", real)
    resumed = sweep(linear, factors, replications=40, settings=simsim.RunSettings(out=part, resume=True))
    pd.testing.assert_frame_equal(resumed.runs, whole.runs)
    pd.testing.assert_frame_equal(resumed.timeseries, whole.timeseries)
    # resuming a finished sweep computes nothing and gives its results, as for a plain run
    again = sweep(linear, factors, replications=40, settings=simsim.RunSettings(out=part, resume=True))
    pd.testing.assert_frame_equal(again.runs, whole.runs)


def test_rerun_reproduces_runs_of_a_streamed_sweep_and_a_sobol_design(linear, tmp_path):
    res = sweep(linear, {"parameters.b": [1, 5]}, replications=10, seed=2,
                settings=simsim.RunSettings(out=tmp_path / "s"))
    for run_id in (3, 17):
        assert simsim.rerun(tmp_path / "s", run_id).differences() == []
    sob = sobol(linear, base_samples=4, seed=3, settings=simsim.RunSettings(out=tmp_path / "o"))
    assert sob.metadata["design"]["kind"] == "sobol"
    assert simsim.rerun(tmp_path / "o", 9).differences() == []
    assert len(res) == 20


def test_simsim_run_of_a_sobol_design_prints_its_design_and_exits_0(tmp_path, capsys):
    # 90 runs = 2 base samples x (43 inputs + 2): the smallest Sobol design of the flagship
    out = tmp_path / "sob"
    assert main(["run", "mongolia_icc_2024", "--sampling", "sobol", "-n", "90", "--seed", "1",
                 "--out", str(out), "--no-plot"]) == 0
    assert "This experiment is a Sobol design" in capsys.readouterr().out


@pytest.mark.parametrize("factors, replications, message", [
    ({"parameters.a": [1, 2]}, 0, "at least 1"),             # not 'the default number of runs'
    ({"parameters.a": [1, 2]}, 2.5, "whole number"),          # not rounded down
    ({"parameters.a": "12"}, 3, "list of values"),            # not the values 1 and 2
    ({"parameters.a": 3}, 3, "list of values"),
    ({"parameters.a": [1, 1]}, 3, "distinct"),                # as the YAML section says
    ({"parameters.a": {"low": 3, "high": 1, "levels": 2}}, 3, "below high"),
    ({"parameters.a": {"lo": 1}}, 3, "did you mean 'low'"),
    ({}, 3, "at least one factor"),
])
def test_sweep_from_python_checks_its_factors_as_the_yaml_does(linear, factors, replications, message):
    with pytest.raises(simsim.SimsimError, match=message):
        sweep(linear, factors, replications=replications, seed=1)


def test_a_sweep_on_two_processes_equals_one_process_and_records_its_jobs(linear):
    from simsim.experiment.executors import ProcessExecutor

    factors = {"parameters.a": [0, 2], "parameters.b": [1, 3]}
    one = sweep(linear, factors, replications=30, seed=6)
    two = sweep(linear, factors, replications=30, seed=6,
                settings=simsim.RunSettings(chunk_size=7, executor=ProcessExecutor(2)))
    pd.testing.assert_frame_equal(two.runs, one.runs)
    pd.testing.assert_frame_equal(two.timeseries, one.timeseries)
    assert one.metadata["settings"]["jobs"] == 1 and two.metadata["settings"]["jobs"] == 2
    # common random numbers: every point has the same 30 seeds, in the same order
    assert (two.runs.groupby("point")["seed"].apply(list).map(tuple).nunique()) == 1


def test_simsim_run_follows_the_scenarios_experiment_section():
    # the shipped sweep scenario: simsim.run runs its sweep (15 points), not plain replications
    scn = simsim.load_scenario("mongolia_icc_2024_sweep")
    res = simsim.run(scn, replications=4, seed=3)
    points = len(scn.experiment.factors["relations.energy_dependence.edges.MNG->RUS"].points())
    assert res.metadata["design"]["kind"] == "sweep" and len(res) == 4 * len(res.metadata["design"]["points"])
    assert res.runs["point"].nunique() == len(res.metadata["design"]["points"]) and points > 1


def test_validate_says_what_the_experiment_section_will_run(capsys):
    assert main(["validate", "mongolia_icc_2024_sweep"]) == 0
    # 5 values x 3 levels = 15 points, 500 runs each (scenarios/mongolia_icc_2024_sweep.yaml)
    out = capsys.readouterr().out
    assert "a sweep of 15 points x 500 runs = 7,500 runs" in out
    # both swept edges (MNG->RUS dependence and ties) are uniform in the flagship: fixed at each point
    n = len(design_of(simsim.load_scenario("mongolia_icc_2024_sweep")).uncertain)
    assert f"{n} uncertain inputs" in out and f"2 of the uncertain inputs are swept: {n - 2} stay uncertain" in out


def test_the_runs_of_a_sobol_design_record_their_row(linear):
    # 4 base samples x (2 inputs + 2) = 16 rows, 3 runs each: run i is on row i // 3
    res = sobol(linear, base_samples=4, replications=3, seed=5)
    assert len(res) == 48 and list(res.runs.columns[:2]) == ["run", "row"]
    assert (res.runs["row"] == res.runs["run"] // 3).all()
    # the runs of a row share its inputs
    assert (res.runs.groupby("row")["param.x1"].nunique() == 1).all()


@pytest.mark.parametrize("call, message", [
    (lambda scn: sobol(scn, base_samples=1), "base_samples: Input should be greater than or equal to 2"),
    (lambda scn: sobol(scn, base_samples=4, replications=0), "replications"),
    (lambda scn: morris(scn, trajectories=1), "trajectories"),
])
def test_sobol_and_morris_from_python_refuse_bad_sizes_with_simsim_errors(linear, call, message):
    with pytest.raises(simsim.SimsimError, match=message):
        call(linear)


def test_a_sweep_started_with_n_resumes_without_it(linear, tmp_path, monkeypatch):
    from simsim.designs import _with_experiment, run_experiment
    from simsim.experiment import executors
    from simsim.scenario.schema import Experiment

    # the file says 5 runs per point; the run was started with 12 (-n 12)
    swp = _with_experiment(linear, Experiment.model_validate(
        {"design": "sweep", "replications": 5, "factors": {"parameters.a": {"values": [0, 1, 2]}}}))
    whole = run_experiment(swp, 12, seed=3)
    real, calls = executors.compute_chunk, []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(executors, "compute_chunk", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(swp, 12, seed=3, settings=simsim.RunSettings(out=tmp_path / "r", chunk_size=6))
    monkeypatch.setattr(executors, "compute_chunk", real)
    # resumed as the CLI's hint says, without -n: the plan's 12 per point win over the file's 5
    resumed = run_experiment(swp, settings=simsim.RunSettings(out=tmp_path / "r", resume=True))
    pd.testing.assert_frame_equal(resumed.runs, whole.runs)
    assert len(resumed) == 36


def test_python_refuses_what_the_cli_refuses(linear):
    from simsim.designs import _with_experiment
    from simsim.scenario.schema import Experiment

    sob = _with_experiment(linear, Experiment.model_validate({"design": "sobol", "base_samples": 4}))
    # its size is 4 x (2 inputs + 2) = 16 runs: another number is refused, as -n is on the command line
    with pytest.raises(simsim.SimsimError, match="sets the size of its sobol design"):
        simsim.run(sob, replications=100, seed=1)
    assert len(simsim.run(sob, replications=16, seed=1)) == 16
    # a sampling that would drop the section's design is refused
    swp = _with_experiment(linear, Experiment.model_validate({"design": "sweep",
                                                              "factors": {"parameters.a": {"values": [0, 1]}}}))
    with pytest.raises(simsim.SimsimError, match="sampling 'lhs' conflicts with the experiment: section"):
        simsim.run(swp, replications=10, seed=1, settings=simsim.RunSettings(sampling="lhs"))
