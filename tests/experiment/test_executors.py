"""Executors: local processes and a Dask cluster give the same results as one process, chunk by chunk."""

from __future__ import annotations

import pandas as pd
import pytest

import simsim
from simsim.errors import SimsimError
from simsim.experiment import RunSettings, executors
from simsim.experiment.executors import ProcessExecutor, SerialExecutor, make_executor
from simsim.experiment.store import PartStore


@pytest.fixture(scope="module")
def scn():
    return simsim.load_scenario("icc_visits_network")


@pytest.fixture(scope="module")
def serial(scn):
    return simsim.run(scn, replications=300, seed=8, jobs=1)


def test_make_executor_choices():
    assert isinstance(make_executor(None, 1), SerialExecutor)
    assert isinstance(make_executor(None, 3), ProcessExecutor) and make_executor(None, 3).jobs == 3
    with pytest.raises(SimsimError, match="unknown executor"):
        make_executor(42, 2)


def test_process_executor_streams_equal_results(scn, serial, tmp_path):
    res = simsim.run(scn, replications=300, seed=8, out=tmp_path,
                     settings=RunSettings(jobs=2, chunk_size=37, executor=ProcessExecutor(2)))
    assert res.metadata["settings"]["executor"] == "2 processes"
    pd.testing.assert_frame_equal(res.runs, serial.runs)
    pd.testing.assert_frame_equal(res.timeseries, serial.timeseries)


def test_scheduler_address_is_checked(scn):
    pytest.importorskip("distributed")
    with pytest.raises(SimsimError, match="expected 'local' or an address"):
        simsim.run(scn, replications=10, seed=1, executor="localhost:8786")


@pytest.mark.slow
def test_dask_local_cluster_equals_local_processes(scn, serial, tmp_path):
    distributed = pytest.importorskip("distributed")
    # a LocalCluster with two single-threaded worker processes on loopback
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        written_here = []
        original = PartStore.write_chunk

        def counting(self, *args, **kwargs):
            written_here.append(args[0])
            return original(self, *args, **kwargs)

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(PartStore, "write_chunk", counting)
            res = simsim.run(scn, replications=300, seed=8, out=tmp_path / "tcp",
                             executor=cluster.scheduler_address, settings=RunSettings(chunk_size=37))
            # the workers see the folder (same machine): they wrote all 9 chunks, this process none
            assert written_here == []
            assert "Dask cluster tcp://127.0.0.1" in res.metadata["settings"]["executor"]
            pd.testing.assert_frame_equal(res.runs, serial.runs)
            pd.testing.assert_frame_equal(res.timeseries, serial.timeseries)
            # workers that cannot see the folder (another machine) send the parts back to be written here
            mp.setattr(executors, "_workers_see", lambda client, folder: False)
            far = simsim.run(scn, replications=300, seed=8, out=tmp_path / "far",
                             executor=cluster.scheduler_address, settings=RunSettings(chunk_size=37))
            assert sorted(written_here) == list(range(0, 300, 37))
            pd.testing.assert_frame_equal(far.runs, serial.runs)
            pd.testing.assert_frame_equal(far.timeseries, serial.timeseries)
        # a Client object works too (in memory this time)
        mem = simsim.run(scn, replications=300, seed=8, executor=client, settings=RunSettings(chunk_size=100))
        pd.testing.assert_frame_equal(mem.runs, serial.runs)



class _FakeClient:
    """Stands in for a dask Client: ``run`` calls the function once per 'worker'."""

    def __init__(self, sees: list[bool]):
        self.sees = sees

    def run(self, fn, path):
        # a worker on this machine calls fn; one elsewhere sees no such file
        return {f"tcp://w{i}": (fn(path) if here else fn(path + ".elsewhere")) for i, here in enumerate(self.sees)}


def test_workers_see_the_results_folder_only_if_every_one_does(tmp_path):
    assert executors._workers_see(_FakeClient([True, True]), str(tmp_path))
    assert not executors._workers_see(_FakeClient([True, False]), str(tmp_path))
    assert not executors._workers_see(_FakeClient([True]), str(tmp_path / "missing"))  # cannot write the probe
    assert list(tmp_path.iterdir()) == []  # the probe is removed


class _Unreachable(SerialExecutor):
    """An executor whose cluster cannot be reached: ``open`` fails, as an unreachable scheduler does."""

    def open(self):
        raise SimsimError("cannot reach the cluster")


@pytest.mark.parametrize("executor", ["foo", "tcp://127.0.0.1", _Unreachable()])
def test_a_bad_or_unreachable_executor_leaves_earlier_results_in_the_folder(scn, tmp_path, executor):
    if isinstance(executor, str):
        pytest.importorskip("distributed")
    out = tmp_path / "res"
    simsim.run(scn, replications=20, seed=1, out=out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    with pytest.raises(SimsimError, match="expected 'local'|needs a port|cannot reach"):
        simsim.run(scn, replications=20, seed=2, out=out, executor=executor)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert simsim.Results.load(out).seed == 1


@pytest.mark.slow
def test_the_local_cluster_workers_keep_glibcs_adaptive_malloc():
    import os

    distributed = pytest.importorskip("distributed")
    # Dask's default sets MALLOC_TRIM_THRESHOLD_ in each worker (which halves the flagship's speed
    # there); the cluster simsim starts does not
    with executors.local_cluster(1) as cluster, distributed.Client(cluster) as client:
        assert set(client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_").values()) == {None}
    saved = dict(os.environ)  # Dask's nanny also sets its variables in this process: put them back
    try:
        with distributed.LocalCluster(n_workers=1, threads_per_worker=1, host="127.0.0.1",
                                      dashboard_address=None) as cl, distributed.Client(cl) as client:
            assert set(client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_").values()) == {"65536"}
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_a_lost_dask_cluster_is_a_one_line_simsim_error(scn, monkeypatch):
    pytest.importorskip("distributed")
    from concurrent.futures import CancelledError

    class Client:  # what DaskExecutor.map asks of a client before it submits
        def nthreads(self):
            return {"tcp://w0": 1}

        def scatter(self, data, broadcast):
            return data

    def lost(*args, **kwargs):  # as distributed raises when the scheduler goes away mid-run
        raise CancelledError("4 Futures cancelled:\nReasons:\nMessage: Client lost the connection to the scheduler.")
        yield

    ex = executors.DaskExecutor("tcp://127.0.0.1:8786")
    monkeypatch.setattr(executors.DaskExecutor, "_client", lambda self: (Client(), lambda: None))
    monkeypatch.setattr(executors, "_bounded", lost)
    with pytest.raises(SimsimError, match=r"lost the Dask cluster tcp://127.0.0.1:8786 \(CancelledError: "
                                          r"Client lost the connection to the scheduler.\)"):
        list(ex.map(scn, iter(()), lambda: False))

