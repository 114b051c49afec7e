"""A generated dilemma scenario with many actors, for memory and scaling measurements (not a real case).

One institution, one visiting state, one host that receives a visit, and ``n - 3`` other states
with ties to the host and a support for enforcement. Every value is an assumption of this
synthetic benchmark; the ties of the host with the visitor and the initial credibility are
uncertain, so runs differ.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def big_dilemma_yaml(n_actors: int, steps: int = 3, seed: int = 0) -> str:
    """YAML text of a dilemma scenario with ``n_actors`` actors (at least 4)."""
    if n_actors < 4:
        raise ValueError("need at least 4 actors")
    rng = np.random.default_rng(seed)
    others = [f"S{i:04d}" for i in range(n_actors - 3)]
    lines = [
        f"name: big_dilemma_{n_actors}",
        f"description: Synthetic dilemma with {n_actors} actors for memory measurements (all values assumed).",
        "model: dilemma",
        f"steps: {steps}",
        "replications: 10",
        "actors:",
        "  - {id: INS, name: Institution, kind: institution, attributes: "
        "{credibility: {dist: uniform, low: 0.3, high: 0.7, assumption: true}}}",
        "  - {id: HOS, name: Host, memberships: [INS]}",
        "  - {id: VIS, name: Visitor}",
    ]
    lines += [f"  - {{id: {s}, name: State {s}, memberships: [INS]}}" for s in others]
    lines += ["relations:", "  energy_dependence:", "    edges:",
              "      - {from: HOS, to: VIS, value: 0.5, assumption: true}",
              "  ties:", "    symmetric: true", "    edges:",
              "      - {from: HOS, to: VIS, dist: uniform, low: 0.1, high: 0.7, assumption: true}"]
    lines += [f"      - {{from: HOS, to: {s}, value: {v:.3f}, assumption: true}}"
              for s, v in zip(others, rng.uniform(-0.5, 0.8, len(others)), strict=True)]
    lines += ["  norm_support:", "    edges:"]
    lines += [f"      - {{from: {s}, to: INS, value: {v:.3f}, assumption: true}}"
              for s, v in zip(others, rng.uniform(-0.6, 0.9, len(others)), strict=True)]
    lines += ["events:", "  - {step: 1, type: visit, visitor: VIS, host: HOS}"]
    return "\n".join(lines) + "\n"


def write_big_dilemma(folder: str | Path, n_actors: int, steps: int = 3) -> Path:
    """Write the scenario to ``folder/big_dilemma_N.yaml`` and return its path."""
    path = Path(folder) / f"big_dilemma_{n_actors}.yaml"
    path.write_text(big_dilemma_yaml(n_actors, steps))
    return path
