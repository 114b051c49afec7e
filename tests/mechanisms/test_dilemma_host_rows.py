"""The dilemma computes option probabilities only for the pairs it reads; they equal the full matrix's bit for bit.

``advance`` and the reporters read only host-partner pairs (each visit's, each host's reported partner);
computing the full actors x actors matrix every step would be wasted work. The rows must be the
same numbers, not merely close: results (and tests/golden) are compared exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import simsim
from simsim.mechanisms.dilemma import DilemmaModel

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["mongolia_icc_2024", "icc_visits_network"])
def test_host_rows_equal_the_full_matrix(name: str) -> None:
    scn = simsim.load_scenario(REPO / "scenarios" / f"{name}.yaml")
    m = DilemmaModel(scn, run_seeds=list(range(64)))
    hosts, partners = m._host_rows[m._pair_rows], m._pair_cols
    assert len(partners) < len(m._host_rows) * m.n  # fewer pairs than the hosts' rows hold: the saving is real
    for _ in range(scn.steps // 2):  # the state after ties, credibility and reviews have moved
        assert np.array_equal(m._host_propensities(), m.propensities()[:, hosts, partners])
        m.step()
    m.invalidate()
    assert np.array_equal(m._host_propensities(), m.propensities()[:, hosts, partners])
