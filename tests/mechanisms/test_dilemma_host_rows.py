"""The dilemma computes option probabilities only for the hosts' rows; they equal the full matrix's rows bit for bit.

``advance`` and the reporters read only the rows of the hosts (the actors that receive visits);
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
    assert len(m._rows) < m.n  # fewer rows than actors: the saving is real
    for _ in range(scn.steps // 2):  # the state after ties, credibility and reviews have moved
        rows = m._host_propensities()
        assert np.array_equal(rows, m.propensities()[:, m._rows])
        m.step()
    m.invalidate()
    assert np.array_equal(m._host_propensities(), m.propensities()[:, m._rows])
