"""The `alignment` rules written as idiomatic Mesa: each state weighs switching bloc in Python.

The baseline ``bench_mechanisms.py`` compares simsim's vectorised model against. Same rules as
:mod:`simsim.mechanisms.alignment` (``starts`` random start configurations per run; each step,
in every start not at a local minimum, one actor chosen uniformly among those whose switch lowers
their own frustration switches), written the way a Mesa user would: each agent holds its bloc in
every start and computes its frustration in a Python loop over the others; random numbers come
from ``self.rng`` directly; a DataCollector records every step and :func:`mesa.batch_run` runs
it. The exact enumeration of all configurations (for ``is_global``, ``global_basin``) is the
same numpy function simsim uses (``enumerate_configurations``): both implementations pay it, so
the comparison is about the descent and the bookkeeping around it.
"""

from __future__ import annotations

import mesa
from _inputs import run_inputs, scenario

from simsim.mechanisms.alignment import _enumerates, enumerate_configurations


class Nation(mesa.Agent):
    """A state: its size, propensities to the others, and its bloc in every start."""

    def __init__(self, model: IdiomaticAlignment, size: float, blocs: list[int]) -> None:
        super().__init__(model)
        self.size = size
        self.propensity: dict[int, float] = {}  # other agent's index -> p_ij
        self.blocs = blocs

    def frustration(self, k: int, bloc: int | None = None) -> float:
        """F_i in start k (with this agent in ``bloc`` if given)."""
        mine = self.blocs[k] if bloc is None else bloc
        return sum(other.size * p for j, p in self.propensity.items()
                   if (other := self.model.nations[j]).blocs[k] != mine)

    def gain(self, k: int) -> float:
        return self.frustration(k) - self.frustration(k, 1 - self.blocs[k])


class IdiomaticAlignment(mesa.Model):
    """Idiomatic Mesa version of the alignment rules, for :func:`mesa.batch_run`."""

    def __init__(self, scenario_path: str, rng: int | None = None) -> None:
        scn = scenario(scenario_path)
        p, attr, rel, _ = run_inputs(scn, int(rng if rng is not None else 0))
        super().__init__(rng=rng)
        self.m = int(p["starts"])
        n = len(scn.actors)
        size, prop = attr["size"], rel["propensity"]
        self.nations = [Nation(self, float(size[i]), [int(b) for b in self.rng.integers(0, 2, self.m)])
                        for i in range(n)]
        for i, a in enumerate(self.nations):
            a.propensity = {j: float(prop[i, j]) for j in range(n) if j != i and prop[i, j] != 0}
        self.tol = 1e-9 * (max(sum(abs(p_) * self.nations[j].size for j, p_ in a.propensity.items())
                               for a in self.nations) + 1.0)
        self.enumeration = enumerate_configurations(size, prop) if _enumerates(scn) else None
        self.settled = [False] * self.m
        self.last_step = scn.steps
        self.is_global = False
        self.global_basin = float("nan")
        self.datacollector = mesa.DataCollector(model_reporters={
            "energy": lambda m: m.energy(0), "mean_energy": lambda m: sum(map(m.energy, range(m.m))) / m.m,
            "unsettled": lambda m: 1 - sum(m.settled) / m.m,
            "is_global": "is_global", "global_basin": "global_basin"})
        self.datacollector.collect(self)

    def energy(self, k: int) -> float:
        return sum(a.size * a.frustration(k) for a in self.nations)

    def finish(self) -> None:
        """Outcomes that need the enumeration, once at the end."""
        if self.enumeration is not None:
            g = self.enumeration.global_energy + 1e-6 * (abs(self.enumeration.global_energy) + 1)
            self.is_global = self.energy(0) <= g
            self.global_basin = sum(self.energy(k) <= g for k in range(self.m)) / self.m

    def step(self) -> None:
        for k in range(self.m):
            if self.settled[k]:
                continue
            improving = [a for a in self.nations if a.gain(k) > self.tol]
            if not improving:
                self.settled[k] = True
                continue
            a = improving[int(self.rng.integers(len(improving)))]
            a.blocs[k] = 1 - a.blocs[k]
        if all(self.settled) or self.steps >= self.last_step:
            self.finish()
            self.running = False  # every start is at a local minimum: stop early
        self.datacollector.collect(self)
