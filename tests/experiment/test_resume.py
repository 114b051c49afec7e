"""A run killed with SIGKILL (process and workers) mid-way, then resumed, equals the uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import simsim
from simsim.results import Results

pytestmark = pytest.mark.slow

N, SEED, CHUNK = 2000, 21, 100


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "simsim.cli", *args]


def _parts(out: Path) -> int:
    d = out / "runs.parquet"
    return len(list(d.glob("part-*.parquet"))) if d.is_dir() else 0


@pytest.fixture(scope="module")
def uninterrupted() -> simsim.Results:
    """The reference: the same runs computed in one go, in this process."""
    return simsim.run("icc_visits_network", replications=10 * N, seed=SEED, jobs=1)


def test_sigkill_then_resume_equals_uninterrupted(tmp_path, uninterrupted):
    out = tmp_path / "res"
    n = 10 * N  # enough chunks that the run is still going when the first parts appear
    cmd = _cli("run", "icc_visits_network", "-n", str(n), "--seed", str(SEED), "--chunk-size", str(CHUNK),
               "--jobs", "2", "--out", str(out), "--no-plot", "--quiet")
    # its own session, so that the kill reaches the main process and its workers at once
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _parts(out) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed: raise N"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = _parts(out)
    assert 3 <= done < n // CHUNK
    assert not (out / "metadata.json").exists()

    resumed = subprocess.run(_cli("run", "icc_visits_network", "--resume", str(out), "--no-plot", "--quiet"),
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    res = Results.load(out)
    pd.testing.assert_frame_equal(res.runs, uninterrupted.runs)
    pd.testing.assert_frame_equal(res.timeseries, uninterrupted.timeseries)
    assert res.metadata["settings"]["chunk_size"] == CHUNK


def test_killed_worker_keeps_completed_chunks_then_resume(tmp_path, uninterrupted):
    out = tmp_path / "res"
    n = 10 * N  # enough chunks that the workers are still busy when the first parts appear
    cmd = _cli("run", "icc_visits_network", "-n", str(n), "--seed", str(SEED), "--chunk-size", str(CHUNK),
               "--jobs", "2", "--out", str(out), "--no-plot", "--quiet")
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    children: list[str] = []
    while proc.poll() is None and time.monotonic() < deadline and not (_parts(out) >= 2 and children):
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before a worker could be killed"
    assert children, "no worker processes"
    os.kill(int(children[0]), signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    # a run failure (exit 1), not bad input; it says what happened and how to finish
    assert proc.returncode == 1, err
    assert "a worker process died" in err and "--resume" in err
    resumed = subprocess.run(_cli("run", "icc_visits_network", "--resume", str(out), "--no-plot", "--quiet"),
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    pd.testing.assert_frame_equal(Results.load(out).runs, uninterrupted.runs)


def test_workers_exit_when_the_main_process_is_killed(tmp_path):
    # the main process killed outright (as by the out-of-memory killer) cannot stop its workers:
    # they must notice and exit, not wait for chunks forever
    out = tmp_path / "res"
    cmd = _cli("run", "icc_visits_network", "-n", str(10 * N), "--seed", str(SEED), "--chunk-size", str(CHUNK),
               "--jobs", "2", "--out", str(out), "--no-plot", "--quiet")
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    children: list[str] = []
    while proc.poll() is None and time.monotonic() < deadline and not (_parts(out) >= 2 and len(children) == 2):
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        time.sleep(0.02)
    assert proc.poll() is None and len(children) == 2, "the run ended before its main process could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gone = time.monotonic() + 10
    alive = children
    while alive and time.monotonic() < gone:
        time.sleep(0.1)
        alive = [c for c in children if Path(f"/proc/{c}").exists()
                 and "zombie" not in Path(f"/proc/{c}/status").read_text().lower()]
    try:
        assert not alive, f"workers {alive} outlived their main process"
    finally:
        for c in alive:
            os.kill(int(c), signal.SIGKILL)
