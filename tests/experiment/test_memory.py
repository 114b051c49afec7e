"""Chunk sizes from a memory budget: a 1,000-actor scenario runs in chunks that fit the budget."""

from __future__ import annotations

import sys

import pytest

import simsim
from simsim.experiment import RunSettings
from simsim.experiment.runner import bytes_per_run, parse_memory
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from big_dilemma import write_big_dilemma  # noqa: E402


def test_bytes_per_run_grows_with_the_square_of_actors(tmp_path):
    small = simsim.load_scenario(write_big_dilemma(tmp_path, 100))
    big = simsim.load_scenario(write_big_dilemma(tmp_path, 300))
    # (4 relations + 12 working matrices) * n^2 doubles dominate: 16 * 8 * 300^2 bytes
    assert bytes_per_run(big) == pytest.approx(16 * 8 * 300**2, rel=0.01)
    assert 8.5 < bytes_per_run(big) / bytes_per_run(small) < 9.0  # (300 / 100)^2, less the linear terms


@pytest.mark.slow
def test_thousand_actors_complete_in_chunks_that_fit_the_budget(tmp_path):
    scn = simsim.load_scenario(write_big_dilemma(tmp_path, 1000))
    budget = "600M"
    res = simsim.run(scn, settings=RunSettings(replications=3, seed=2, jobs=1, memory=budget, timeseries=False))
    # 600 MiB / (2 * 128 MB per run) = 2 runs per chunk (the default chunk of 1,000 runs would need 128 GB)
    assert res.metadata["settings"]["chunk_size"] == parse_memory(budget) // (2 * bytes_per_run(scn)) == 2
    assert len(res.runs) == 3 and res.runs["decision.HOS"].notna().all()
