"""The `bargaining` rules written as idiomatic Mesa: each actor evaluates the others in ``step()``.

The baseline ``bench_mechanisms.py`` compares simsim's vectorised model against. Same rules as
:mod:`simsim.mechanisms.bargaining` (median voter, risk exponents from security, probabilities
of success over all pairs or the pair, expected utilities, offers resolved by either offer rule,
the position tolerance, the stopping rule), written the way a Mesa user would: actors are agents
with scalar positions, every quantity is a Python loop over the other agents, a DataCollector
records every round, and :func:`mesa.batch_run` runs it. The model has no randomness of its own.
"""

from __future__ import annotations

import mesa
from _inputs import run_inputs, scenario

from simsim.mechanisms.bargaining import POSITION_TOLERANCE


class Actor(mesa.Agent):
    """One actor: capability, position, salience (0-1) and risk exponent."""

    def __init__(self, model: IdiomaticBargaining, c: float, x: float, s: float) -> None:
        super().__init__(model)
        self.c, self.x, self.s, self.r = c, x, s, 1.0
        self.next_x = x

    def d(self, a: float, b: float) -> float:
        return abs(a - b) / self.model.span

    def eu(self, i: Actor, j: Actor, r: float) -> float:
        """Expected utility of i challenging j, with exponent r (B11)."""
        m = self.model
        dij = self.d(i.x, j.x)
        p = m.prob(i, j)
        u_s = 2 - 4 * max(0.5 - 0.5 * dij, 0.0) ** r
        u_f = 2 - 4 * (0.5 + 0.5 * dij) ** r
        u_sq = 2 - 4 * 0.5 ** r
        out = j.s * (p * u_s + (1 - p) * u_f) + (1 - j.s) * u_s - m.q * u_sq
        if m.q < 1:
            dmu = self.d(i.x, m.median)
            u_b = 2 - 4 * max(0.5 - 0.25 * (dmu + dij), 0.0) ** r
            u_w = 2 - 4 * (0.5 + 0.25 * (dmu + dij)) ** r
            out -= (1 - m.q) * (m.t * u_b + (1 - m.t) * u_w)
        return out

    def step(self) -> None:
        """Classify the offers this actor receives and pick one."""
        m = self.model
        atol = POSITION_TOLERANCE * m.span
        offers = []  # (kind, new position, b, a, challenger index)
        for k, other in enumerate(m.actors):
            if other is self or abs(other.x - self.x) <= atol:
                continue
            a, b = self.eu(self, other, self.r), self.eu(other, self, self.r)
            if b <= 0:
                continue
            if a > 0:
                if b > a:
                    offers.append(("confrontation", other.x, b, a, k))
            elif -a < b:
                offers.append(("compromise", self.x + (other.x - self.x) * abs(a) / b, b, a, k))
            elif a < 0:
                offers.append(("capitulation", other.x, b, a, k))
        self.next_x = self.x
        if not offers:
            return
        tol = max(atol, 1e-12 * max(1.0, max(abs(o.x) for o in m.actors)))
        if m.replication:
            for kind in ("confrontation", "compromise", "capitulation"):
                group = [o for o in offers if o[0] == kind]
                if group:
                    break
            if kind == "compromise":
                key = [(abs(o[3]) * self.x + abs(o[2]) * m.actors[o[4]].x) / (abs(o[3]) + abs(o[2])) for o in group]
            else:
                key = [abs(o[1] - self.x) for o in group]
            least = min(key)
            self.next_x = next(o[1] for o, v in zip(group, key, strict=True) if v <= least + tol)
        else:
            least = min(abs(o[1] - self.x) for o in offers)
            tied = [o for o in offers if abs(o[1] - self.x) <= least + tol]
            self.next_x = max(tied, key=lambda o: (o[2], -o[4]))[1]


class IdiomaticBargaining(mesa.Model):
    """Idiomatic Mesa version of the bargaining rules, for :func:`mesa.batch_run`."""

    def __init__(self, scenario_path: str, rng: int | None = None) -> None:
        scn = scenario(scenario_path)
        p, attr, _, _ = run_inputs(scn, int(rng if rng is not None else 0))
        super().__init__(rng=rng)
        self.q, self.t = p["q"], p["t"]
        self.pair = p["pair_normalisation"] >= 0.5
        self.replication = p["offer_rule"] >= 0.5
        self.tolerance = p["tolerance"]
        self.actors = [Actor(self, float(attr["capability"][i]), float(attr["position"][i]),
                             float(attr["salience"][i]) / 100.0) for i in range(len(scn.actors))]
        xs = [a.x for a in self.actors]
        lo, hi = p.get("scale_min"), p.get("scale_max")
        self.span = (hi - lo) if lo == lo and hi == hi and lo is not None else ((max(xs) - min(xs)) or 1.0)
        self.median = self.median_position()
        self.converged = False
        self.datacollector = mesa.DataCollector(model_reporters={
            "forecast": self.mean_position, "final_median": "median", "converged": "converged",
            **{f"position.{a.id}": (lambda m, i=i: m.actors[i].x) for i, a in enumerate(scn.actors)}})
        self.datacollector.collect(self)

    def mean_position(self) -> float:
        w = [a.c * a.s for a in self.actors]
        return sum(wi * a.x for wi, a in zip(w, self.actors, strict=True)) / sum(w) if sum(w) > 0 else \
            sum(a.x for a in self.actors) / len(self.actors)

    def median_position(self) -> float:
        """The Condorcet winner among positions (ties: closest to the mean, then lowest)."""
        def vote(j: Actor, k: Actor) -> float:
            return sum(a.c * a.s * (abs(a.x - k.x) - abs(a.x - j.x)) / self.span for a in self.actors)
        worst = [min(vote(j, k) for k in self.actors) for j in self.actors]
        top = max(worst)
        scale = max(1.0, max(abs(vote(j, k)) for j in self.actors for k in self.actors))
        mean = self.mean_position()
        best = [j for j, w in zip(self.actors, worst, strict=True) if w >= top - 1e-12 * scale]
        return min(best, key=lambda j: (abs(j.x - mean), j.x)).x

    def support(self, i: Actor, j: Actor, r_of: bool = True) -> float:
        return sum(max(k.c * k.s * (k.d(k.x, j.x) ** k.r - k.d(k.x, i.x) ** k.r), 0.0) for k in self.actors)

    def prob(self, i: Actor, j: Actor) -> float:
        s_ij = self.support(i, j)
        if self.pair:
            total = s_ij + self.support(j, i)
            return s_ij / total if total > 0 else 0.5
        return s_ij / self._total if self._total > 0 else 0.0

    def _prepare(self) -> None:
        self._total = 2 * sum(self.support(i, j) for i in self.actors for j in self.actors)

    def step(self) -> None:
        if self.converged:
            self.datacollector.collect(self)
            return
        for a in self.actors:  # risk exponents from security, all r = 1
            a.r = 1.0
        self._prepare()
        security = [sum(a.eu(i, a, 1.0) for i in self.actors if i is not a) for a in self.actors]
        hi, lo = max(security), min(security)
        if hi - lo > 1e-12 * max(1.0, abs(hi), abs(lo)):
            for a, sec in zip(self.actors, security, strict=True):
                big_r = (2 * sec - hi - lo) / (hi - lo)
                a.r = (1 - big_r / 3) / (1 + big_r / 3)
        self._prepare()
        self.agents.do("step")
        change = max(abs(a.next_x - a.x) for a in self.actors)
        for a in self.actors:
            a.x = a.next_x
        self.median = self.median_position()
        self.converged = change <= self.tolerance * self.span
        self.datacollector.collect(self)
