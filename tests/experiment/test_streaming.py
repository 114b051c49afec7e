"""Streaming to disk, resume, failing runs and replay (fast tests; the SIGKILL test is in test_resume.py)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import simsim
from simsim.errors import ResultsError, RunFailedError, SimsimError
from simsim.experiment import RunSettings
from simsim.experiment.chunks import compute_chunk
from simsim.experiment.executors import SerialExecutor
from simsim.mechanisms.dilemma import DilemmaModel
from simsim.registry import register_mechanism
from simsim.results import Results
from tests.conftest import MINIMAL

TIES = "rel.ties.HOS->VIS"
LIMIT = 0.58  # ties are uniform on [0.2, 0.6]: 5% of runs exceed it


class FragileDilemma(DilemmaModel):
    """The dilemma, except that it raises in a run whose sampled ties exceed 0.58 (test only)."""

    name = "dilemma_fragile_test"

    def advance(self) -> None:
        """Raise for the runs with high ties, else as the dilemma."""
        if (self.rel["ties"][:, 0, 1] > LIMIT).any():
            raise ValueError("ties too high for this test mechanism")
        super().advance()


@pytest.fixture(scope="module")
def scn():
    return simsim.load_scenario("icc_visits_network")


@pytest.fixture(scope="module")
def memory_results(scn):
    return simsim.run(scn, replications=230, seed=11, jobs=1)


def test_streamed_results_equal_in_memory_results(scn, memory_results, tmp_path):
    out = tmp_path / "res"
    res = simsim.run(scn, replications=230, seed=11, jobs=1, out=out, settings=RunSettings(chunk_size=40))
    parts = sorted(p.name for p in (out / "runs.parquet").iterdir())
    # 230 runs in chunks of 40: starts 0, 40, ..., 200; no temporary files left, no plan once finished
    assert parts == [f"part-{s:010d}.parquet" for s in range(0, 230, 40)]
    assert sorted(p.name for p in out.iterdir()) == ["metadata.json", "runs.parquet", "summary.json",
                                                     "timeseries.parquet"]
    assert res._runs is None  # nothing read yet
    pd.testing.assert_frame_equal(res.summary(), memory_results.summary())
    assert res._runs is None  # the summary read one column at a time
    pd.testing.assert_frame_equal(res.runs, memory_results.runs)
    pd.testing.assert_frame_equal(res.timeseries, memory_results.timeseries)
    back = Results.load(out)
    pd.testing.assert_frame_equal(back.runs, memory_results.runs)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["runs"] == 230


def test_summary_kept_while_writing_equals_the_summary_of_the_parts(scn, memory_results, tmp_path, monkeypatch):
    """The summary written with the results, from the outcome columns kept as chunks complete (also those
    worker processes wrote), is the summary of the parts read back, and of the same runs in memory."""
    expected = memory_results.summary()
    settings = RunSettings(chunk_size=40)
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        res = simsim.run(scn, replications=230, seed=11, jobs=jobs, out=out, settings=settings)
        assert res._summary is not None and res._runs is None  # summarised without reading the parts
        pd.testing.assert_frame_equal(res.summary(), expected)
        pd.testing.assert_frame_equal(Results.load(out).summary(), expected)  # from the parts
        assert json.loads((out / "summary.json").read_text())["outcomes"] == json.loads(
            json.dumps(Results.load(out).summary_record()["outcomes"]))
    # too many values to keep (as for a million runs): the summary reads the parts, with the same result
    monkeypatch.setattr("simsim.experiment.runner.SUMMARY_VALUES", 10)
    res = simsim.run(scn, replications=230, seed=11, jobs=2, out=tmp_path / "unkept", settings=settings)
    pd.testing.assert_frame_equal(res.summary(), expected)


def test_head_and_columns_read_only_what_is_asked(scn, memory_results, tmp_path):
    simsim.run(scn, replications=230, seed=11, jobs=1, out=tmp_path, settings=RunSettings(chunk_size=40))
    res = Results.load(tmp_path)
    head = res.head(55)
    pd.testing.assert_frame_equal(head.runs, memory_results.runs.iloc[:55])
    ts = memory_results.timeseries
    pd.testing.assert_frame_equal(head.timeseries, ts[ts.run < 55].reset_index(drop=True))
    pd.testing.assert_frame_equal(res.runs_columns(["seed"]), memory_results.runs[["seed"]])
    assert len(res) == 230 and res._runs is None
    # only some reporters: the same rows, those columns (with run and step); none for no reporters
    some = res.head(55, reporters=["credibility"]).timeseries
    expected = ts[ts.run < 55].reset_index(drop=True)[["run", "step", "credibility"]]
    pd.testing.assert_frame_equal(some, expected)
    assert list(memory_results.head(55, reporters=["credibility"]).timeseries.columns) == ["run", "step", "credibility"]
    assert list(res.head(55, reporters=[]).timeseries.columns) == ["run", "step"]


class Interrupting(SerialExecutor):
    """Computes ``after`` chunks, then raises KeyboardInterrupt (as a Ctrl-C would)."""

    def __init__(self, after: int) -> None:
        self.after = after

    def map(self, scenario, chunks, stop):
        for k, chunk in enumerate(chunks):
            if k == self.after:
                raise KeyboardInterrupt
            yield compute_chunk(scenario, chunk)


def test_resume_after_interrupt_equals_uninterrupted(scn, memory_results, tmp_path):
    out = tmp_path / "res"
    with pytest.raises(KeyboardInterrupt):
        simsim.run(scn, replications=230, seed=11, out=out, executor=Interrupting(3),
                   settings=RunSettings(chunk_size=40))
    assert len(list((out / "runs.parquet").glob("part-*"))) == 3
    assert (out / "plan.json").is_file() and not (out / "metadata.json").exists()
    with pytest.raises(ResultsError, match="--resume"):
        Results.load(out)
    # resume: the plan (runs, seed, chunks) comes from the folder
    res = simsim.run(scn, out=out, settings=RunSettings(resume=True, jobs=1))
    pd.testing.assert_frame_equal(res.runs, memory_results.runs)
    pd.testing.assert_frame_equal(res.timeseries, memory_results.timeseries)
    assert res.metadata["settings"]["replications"] == 230
    # chunks of 40 start at 0, 40, ..., 200: three were on disk, the other three hold 40 + 40 + 30 runs
    assert res.metadata["resumed"] == {"chunks_on_disk": 3, "chunks_computed": 3, "runs_computed": 110}
    # resuming finished results does nothing and returns them
    again = simsim.run(scn, out=out, settings=RunSettings(resume=True))
    pd.testing.assert_frame_equal(again.runs, memory_results.runs)


def test_resume_computes_a_damaged_part_again(scn, memory_results, tmp_path):
    out = tmp_path / "res"
    with pytest.raises(KeyboardInterrupt):
        simsim.run(scn, replications=230, seed=11, out=out, executor=Interrupting(3),
                   settings=RunSettings(chunk_size=40))
    part = out / "runs.parquet" / "part-0000000040.parquet"
    part.write_bytes(part.read_bytes()[:300])  # truncated, as by a full disk or a bad copy
    with pytest.warns(UserWarning, match="1 chunk.* had a damaged part"):
        res = simsim.run(scn, out=out, settings=RunSettings(resume=True, jobs=1))
    pd.testing.assert_frame_equal(res.runs, memory_results.runs)
    pd.testing.assert_frame_equal(res.timeseries, memory_results.timeseries)


@pytest.mark.parametrize("key, value", [("seed", "7"), ("replications", -3), ("chunk_size", 0), ("timeseries", 1)])
def test_resume_refuses_an_edited_plan(scn, tmp_path, key, value):
    import json

    out = tmp_path / "res"
    with pytest.raises(KeyboardInterrupt):
        simsim.run(scn, replications=100, seed=11, out=out, executor=Interrupting(1),
                   settings=RunSettings(chunk_size=40))
    plan = json.loads((out / "plan.json").read_text())
    plan[key] = value
    (out / "plan.json").write_text(json.dumps(plan))
    with pytest.raises(ResultsError, match=f"plan.json: '{key}' is"):
        simsim.run(scn, out=out, settings=RunSettings(resume=True))


def test_resume_refuses_another_scenario_or_seed(scn, tmp_path):
    out = tmp_path / "res"
    with pytest.raises(KeyboardInterrupt):
        simsim.run(scn, replications=100, seed=11, out=out, executor=Interrupting(1),
                   settings=RunSettings(chunk_size=40))
    other = simsim.load_scenario("icc_visits_network", {"parameters.rationality": 2})
    with pytest.raises(SimsimError, match="another scenario"):
        simsim.run(other, out=out, settings=RunSettings(resume=True))
    with pytest.raises(SimsimError, match="seed 12 differs"):
        simsim.run(scn, seed=12, out=out, settings=RunSettings(resume=True))
    with pytest.raises(ResultsError, match="no experiment to resume"):
        simsim.run(scn, out=tmp_path / "empty", settings=RunSettings(resume=True))


@pytest.fixture
def fragile(write_yaml):
    from simsim import registry

    registry.mechanisms()  # the built-ins first
    register_mechanism(FragileDilemma)  # only while the test runs: not a documented mechanism
    yield from _fragile(write_yaml)
    registry._MECHANISMS.pop(FragileDilemma.name, None)


def _fragile(write_yaml):
    plain = simsim.load_scenario(write_yaml(MINIMAL, "plain.yaml"))
    broken = simsim.load_scenario(write_yaml(MINIMAL.replace("model: dilemma", "model: dilemma_fragile_test"),
                                             "fragile.yaml"))
    yield plain, broken


def test_a_failing_run_is_named_with_its_seed_and_inputs(fragile, tmp_path):
    plain, broken = fragile
    ref = simsim.run(plain, replications=200, seed=4, jobs=1).runs
    bad = ref.index[ref[TIES] > LIMIT]
    assert len(bad) > 0
    first = int(bad[0])
    out = tmp_path / "res"
    with pytest.raises(RunFailedError) as info:
        simsim.run(broken, replications=200, seed=4, jobs=1, out=out, settings=RunSettings(chunk_size=25))
    err = info.value
    assert err.run_id == first
    assert err.seed == int(ref.seed[first])
    assert err.inputs[TIES] == pytest.approx(ref[TIES][first])
    assert "ties too high" in err.details and f"run {first}" in str(err)
    # the chunks before the failing one are on disk and valid
    done = sorted(int(p.name[5:15]) for p in (out / "runs.parquet").glob("part-*"))
    assert done == list(range(0, (first // 25) * 25, 25))
    for start in done:
        part = pd.read_parquet(out / "runs.parquet" / f"part-{start:010d}.parquet")
        pd.testing.assert_frame_equal(part, ref.iloc[start:start + 25].reset_index(drop=True))


def test_cli_reports_a_failing_run_with_exit_code_1(fragile, tmp_path, capsys):
    from simsim.cli import main

    _, broken = fragile
    code = main(["run", broken.origin, "-n", "200", "--seed", "4", "--jobs", "1", "--out", str(tmp_path / "o"),
                 "--no-plot"])
    err = capsys.readouterr().err
    assert code == 1
    assert "failed inside the mechanism" in err and "seed" in err and "--resume" in err


def test_rerun_reproduces_runs_of_saved_and_streamed_results(scn, memory_results, tmp_path):
    streamed = simsim.run(scn, replications=230, seed=11, out=tmp_path / "s", settings=RunSettings(chunk_size=40))
    for res in (memory_results, streamed, tmp_path / "s"):
        for run_id in (0, 97, 229):
            rep = simsim.rerun(res, run_id)
            assert rep.differences() == []
            assert rep.row["seed"] == memory_results.runs.seed[run_id]
            ts = memory_results.timeseries
            want = ts[ts.run == run_id].drop(columns="run").reset_index(drop=True)
            pd.testing.assert_frame_equal(rep.timeseries[want.columns], want)
    with pytest.raises(ResultsError, match="not in these results"):
        simsim.rerun(memory_results, 230)


def test_rerun_reproduces_latin_hypercube_runs(scn):
    res = simsim.run(scn, replications=64, seed=5, settings=RunSettings(sampling="lhs"))
    # the design's inputs depend on all 64 runs: replay must use the recorded inputs
    for run_id in (3, 40):
        rep = simsim.rerun(res, run_id)
        assert rep.differences() == []


def test_rerun_detects_a_tampered_run(memory_results):
    tampered = Results(memory_results.runs.copy(), memory_results.timeseries, memory_results.metadata)
    tampered.runs.loc[5, "final_credibility"] += 0.01
    assert simsim.rerun(tampered, 5).differences() == ["final_credibility"]


def test_cli_rerun(scn, tmp_path, capsys):
    from simsim.cli import main

    simsim.run(scn, replications=30, seed=2, out=tmp_path / "r")
    assert main(["rerun", str(tmp_path / "r"), "17"]) == 0
    assert "Identical to the stored run" in capsys.readouterr().out
    assert main(["rerun", str(tmp_path / "r"), "30"]) == 2


def test_memory_budget_sets_chunk_size():
    from simsim.experiment.runner import bytes_per_run, chunk_size_for, parse_memory

    assert parse_memory("2G") == 2 * 1024**3 and parse_memory("1.5M") == int(1.5 * 1024**2)
    for bad in ("lots", "2Q", "10"):
        with pytest.raises(SimsimError, match="memory"):
            parse_memory(bad)
    small = simsim.load_scenario("mongolia_icc_2024")
    # 8 actors, 4 relations: (4 + 12) * 64 matrix entries dominate nothing; the cap applies
    assert chunk_size_for(small, 10**6, 1, parse_memory("2G")) == 2000
    # by hand: 1 GiB / (2 * 2 jobs * bytes per run)
    per = bytes_per_run(small)
    assert chunk_size_for(small, 10**6, 2, 64 * per) == 16
    assert chunk_size_for(small, 10**6, 2, 3 * per) == 1  # never below one run


def test_results_identical_for_any_chunk_size_in_streamed_mode(scn, memory_results, tmp_path):
    a = simsim.run(scn, replications=230, seed=11, out=tmp_path / "a", settings=RunSettings(chunk_size=1000))
    b = simsim.run(scn, replications=230, seed=11, out=tmp_path / "b", settings=RunSettings(chunk_size=9))
    pd.testing.assert_frame_equal(a.runs, b.runs)
    np.testing.assert_array_equal(a.timeseries.to_numpy(), b.timeseries.to_numpy())
