"""Shared by the idiomatic Mesa baselines: a run's inputs, sampled exactly as simsim samples them.

Each baseline receives the run seed simsim records, so it has the same inputs as simsim's run
with that seed; its own random draws are made with ``self.rng`` (Mesa's generator seeded from the
run seed), in the order its agents happen to need them, so the two agree in distribution, not run
by run.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

import simsim
from simsim.inputs import place_inputs, sample_inputs


@lru_cache(maxsize=8)
def scenario(path: str) -> simsim.Scenario:
    """The scenario at ``path`` (loaded once per process)."""
    return simsim.load_scenario(path)


def run_inputs(scn: simsim.Scenario, seed: int) -> tuple[dict[str, float], dict[str, np.ndarray],
                                                          dict[str, np.ndarray], list[dict[str, Any]]]:
    """Parameters, attributes (n,), relations (n, n) and behaviour parameters of run ``seed``."""
    return place_inputs(scn, sample_inputs(scn, int(seed)))
