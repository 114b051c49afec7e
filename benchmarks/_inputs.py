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
from simsim.model import design_of, sample_inputs


@lru_cache(maxsize=8)
def scenario(path: str) -> simsim.Scenario:
    """The scenario at ``path`` (loaded once per process)."""
    return simsim.load_scenario(path)


def run_inputs(scn: simsim.Scenario, seed: int) -> tuple[dict[str, float], dict[str, np.ndarray],
                                                          dict[str, np.ndarray], list[dict[str, Any]]]:
    """Parameters, attributes (n,), relations (n, n) and behaviour parameters of run ``seed``."""
    inputs = sample_inputs(scn, int(seed))
    d = design_of(scn)
    p = dict(d.params)
    attr = {k: v.copy() for k, v in d.attr.items()}
    rel = {k: v.copy() for k, v in d.rel.items()}
    bparams = [dict(b) for b in d.behaviour_params]
    for u in d.uncertain:
        v = inputs[u.column]
        kind = u.target[0]
        if kind == "param":
            p[u.target[1]] = v
        elif kind == "attr":
            attr[u.target[1]][u.target[2]] = v
        elif kind == "bparam":
            bparams[u.target[2]][u.target[1]] = v
        else:
            _, name, i, j = u.target
            rel[name][i, j] = v
            if d.rel_symmetric[name]:
                rel[name][j, i] = v
    return p, attr, rel, bparams
