"""Misuse of the Python API: SimsimError with a clear message before anything runs."""

from __future__ import annotations

import pytest

import simsim
from simsim.errors import ScenarioError, SimsimError
from simsim.experiment import RunSettings

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def scn():
    return simsim.load_scenario("nuclear_arms_race")


@pytest.mark.parametrize("kwargs, fragment", [
    ({"replications": 2.5}, "replications must be a whole number"),
    ({"replications": "10"}, "replications must be a whole number"),
    ({"replications": True}, "replications must be a whole number"),
    ({"replications": 0}, "at least 1"),
    ({"seed": -1}, "seed must be at least 0"),
    ({"seed": 1.0}, "seed must be a whole number"),
    ({"seed": "7"}, "seed must be a whole number"),
    ({"seed": 2**200}, "below 2**128"),
    ({"jobs": 0}, "jobs must be at least 1"),
    ({"jobs": "2"}, "jobs must be a whole number"),
    ({"settings": {"seed": 1}}, "settings must be a simsim.RunSettings"),
    ({"settings": RunSettings(sampling="lhz")}, "did you mean 'lhs'"),
    ({"settings": RunSettings(sampling=None)}, "unknown sampling"),
    ({"settings": RunSettings(timeseries="no")}, "settings.timeseries"),
    ({"settings": RunSettings(chunk_size=0)}, "chunk_size"),
    ({"settings": RunSettings(start_method="threads")}, "start_method"),
    ({"settings": RunSettings(progress="yes")}, "settings.progress"),
    ({"replications": 10**10}, "memory"),
])
def test_run_misuse_is_a_simsim_error(scn, kwargs, fragment, monkeypatch):
    import simsim.experiment.chunks as chunks

    def boom(*a, **k):  # nothing may run before the arguments are checked
        raise AssertionError("a run started")

    monkeypatch.setattr(chunks, "_compute", boom)  # every chunk of every executor is computed here
    with pytest.raises(SimsimError, match=fragment.replace("*", r"\*").replace("(", r"\(")):
        simsim.run(scn, **kwargs)


@pytest.mark.parametrize("bad", [3, None, ["nuclear_arms_race"], b"nuclear_arms_race"])
def test_run_with_a_non_scenario(bad):
    with pytest.raises(SimsimError):
        simsim.run(bad, replications=2, seed=1)


def test_memory_estimate_is_a_lower_bound_of_the_tables(scn):
    """The estimate counts at least the runs table that a real run produces (8 bytes per cell)."""
    from simsim.experiment.checks import memory_estimate

    res = simsim.run(scn, replications=200, seed=1)
    est = memory_estimate(scn, 200, timeseries=True)
    cells = res.runs.select_dtypes("number").size
    assert est["runs"] >= 8 * cells * 0.5 and est["timeseries"] > 0


def test_check_memory_refuses_with_advice(scn):
    from simsim.experiment.checks import check_memory

    with pytest.raises(SimsimError, match=r"fewer runs \(-n\) or no timeseries"):
        check_memory(scn, 10**6, True, available=10**6)
    check_memory(scn, 10, True, available=10**9)  # fits: no error


def test_huge_actor_count_is_refused_at_load(tmp_path, monkeypatch):
    """4 actors and the dilemma's 4 relations: 4 dense 4 x 4 matrices of 8 bytes = 512 bytes."""
    import simsim.experiment.checks as checks
    from tests.conftest import MINIMAL

    path = tmp_path / "x.yaml"
    path.write_text(MINIMAL)
    monkeypatch.setattr(checks, "available_memory", lambda: 511)
    with pytest.raises(ScenarioError, match="4 actors need"):
        simsim.load_scenario(path)
    monkeypatch.setattr(checks, "available_memory", lambda: 512)
    assert simsim.load_scenario(path).name == "tiny"


def test_run_one_inputs_are_checked():
    scn = simsim.load_scenario("nuclear_arms_race")
    res = simsim.run(scn, replications=3, seed=2)
    row = res.runs.iloc[1].to_dict()
    replay, _ = simsim.run_one(scn, int(row["seed"]), run_id=1, inputs=row)  # a whole row is accepted
    cols = [c for c in row if c.startswith(("param.", "attr.", "rel."))]
    bad = dict(row)
    bad[cols[0] + "x"] = bad.pop(cols[0])
    with pytest.raises(SimsimError, match="did you mean"):
        simsim.run_one(scn, int(row["seed"]), inputs=bad)
    with pytest.raises(SimsimError, match="finite number"):
        simsim.run_one(scn, int(row["seed"]), inputs=dict(row, **{cols[0]: float("nan")}))


@pytest.mark.parametrize("override, fragment", [
    ({"settings.behaviour": ["x"]}, "expected a name"),
    ({"settings.game": {"a": 1}}, "expected a name"),
    ({"settings.network": ["x"]}, "expected a name"),
    ({"settings.pairs": [{"between": [["MNG"], "CHN"], "game": "chicken", "assumption": True}]}, "expected a name"),
    ({"actors.MNG.behaviour_params.rationalty": {"value": 1.0, "assumption": True}}, "no parameter 'rationalty'"),
    ({"actors.MNG.behaviour_params.rationality": {"value": -1.0, "assumption": True}}, "must lie in"),
    ({"actors.MNG.behaviour_params.rationality": True}, "rationality"),
])
def test_bad_behaviour_settings_are_scenario_errors_before_running(override, fragment):
    with pytest.raises(ScenarioError, match=fragment):
        simsim.load_scenario("iterated_cooperation", override)
