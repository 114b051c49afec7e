"""The `arms_race` rules written as idiomatic Mesa: one ``step()`` per state, state in agents.

The baseline ``bench_mechanisms.py`` compares simsim's vectorised model against. Same rules as
:mod:`simsim.mechanisms.arms_race` (Richardson dynamics with Euler-Maruyama noise, Poisson
crises on linked pairs, treaty ceilings, doctrine events, breach bookkeeping), written the way a
Mesa user would: each state computes its own next arsenal from the others' current arsenals in a
Python loop, random numbers come from ``self.rng`` directly (``normal``, ``poisson``,
``integers``), a DataCollector records every step, and :func:`mesa.batch_run` runs it.
"""

from __future__ import annotations

import math

import mesa
import numpy as np
from _inputs import run_inputs, scenario


class State(mesa.Agent):
    """One state: its arsenal and Richardson coefficients."""

    def __init__(self, model: IdiomaticArmsRace, actor_id: str, arsenal: float, fatigue: float,
                 grievance: float, counted_share: float) -> None:
        super().__init__(model)
        self.actor_id = actor_id
        self.arsenal = arsenal
        self.fatigue = fatigue
        self.grievance = grievance
        self.counted_share = counted_share
        self.fear: dict[str, float] = {}  # fear of each other state's arsenal
        self.next_arsenal = arsenal

    def step(self) -> None:
        """Euler-Maruyama step from the arsenals at the start of the step."""
        m = self.model
        drive = -self.fatigue * self.arsenal + self.grievance
        for other in m.states:
            if other is not self:
                drive += self.fear.get(other.actor_id, 0.0) * m.previous[other.actor_id]
        dt = m.p["dt"]
        new = self.arsenal + dt * drive
        if m.p["noise"] > 0:
            new += m.p["noise"] * math.sqrt(dt) * self.arsenal * m.rng.normal()
        self.next_arsenal = max(0.0, new)


class IdiomaticArmsRace(mesa.Model):
    """Idiomatic Mesa version of the arms-race rules, for :func:`mesa.batch_run`."""

    def __init__(self, scenario_path: str, rng: int | None = None) -> None:
        scn = scenario(scenario_path)
        self.p, attr, rel, _ = run_inputs(scn, int(rng if rng is not None else 0))
        super().__init__(rng=rng)
        self.states: list[State] = []
        for i, a in enumerate(scn.actors):
            st = State(self, a.id, float(attr["arsenal"][i]), float(attr["fatigue"][i]),
                       float(attr["grievance"][i]), float(attr["counted_share"][i]))
            for j, b in enumerate(scn.actors):
                if i != j and rel["fear"][i, j] != 0:
                    st.fear[b.id] = float(rel["fear"][i, j])
            self.states.append(st)
        self.by_id = {s.actor_id: s for s in self.states}
        self.events = list(enumerate(scn.events))
        self.values: dict[tuple[int, str], float] = {}
        for k, ev in self.events:  # uncertain event inputs, drawn directly
            for f in ("limit", "compliance", "fear_scale", "fear", "fatigue", "grievance"):
                q = getattr(ev, f, None)
                if q is not None and hasattr(q, "sample"):
                    self.values[(k, f)] = q.sample(self.rng)
        self.ceilings: list[dict] = []
        self.crises = 0
        self.breach_step = math.nan
        self.breach_size = 0.0
        self.after_expiry_step = math.nan
        self.previous: dict[str, float] = {}
        self.last_step = scn.steps
        self.stable = False
        self._fire(0)
        self.datacollector = mesa.DataCollector(model_reporters={
            **{f"arsenal.{s.actor_id}": (lambda m, s=s: s.arsenal) for s in self.states},
            "total": lambda m: sum(s.arsenal for s in m.states),
            "crises": "crises", "breach_step": "breach_step", "stable": "stable",
            "above_limit_after_expiry_step": "after_expiry_step",
        })
        self.datacollector.collect(self)

    def _fire(self, step: int) -> None:
        for k, ev in self.events:
            if ev.step != step or (ev.probability < 1.0 and not self.rng.random() < ev.probability):
                continue
            if ev.type == "ceiling":
                self.ceilings.append({"actors": [self.by_id[a] for a in ev.actors], "limit": self.values[(k, "limit")],
                                      "compliance": self.values.get((k, "compliance")),
                                      "end": math.inf if ev.end is None else ev.end})
            elif ev.type == "doctrine":
                st = self.by_id[ev.actor]
                towards = ev.towards or [s.actor_id for s in self.states if s is not st]
                for b in towards:
                    if b == st.actor_id:
                        continue
                    if (k, "fear") in self.values:
                        st.fear[b] = self.values[(k, "fear")]
                    if (k, "fear_scale") in self.values:
                        st.fear[b] = st.fear.get(b, 0.0) * self.values[(k, "fear_scale")]
                if (k, "fatigue") in self.values:
                    st.fatigue = self.values[(k, "fatigue")]
                if (k, "grievance") in self.values:
                    st.grievance = self.values[(k, "grievance")]

    def step(self) -> None:
        t = self.steps
        self._fire(t)
        self.previous = {s.actor_id: s.arsenal for s in self.states}
        self.agents.do("step")
        for s in self.states:
            s.arsenal = s.next_arsenal
        rate = self.p["shock_rate"] * self.p["dt"]
        if rate > 0:
            k = int(self.rng.poisson(rate))
            linked = [(a, b) for i, a in enumerate(self.states) for b in self.states[i + 1:]
                      if a.fear.get(b.actor_id, 0.0) + b.fear.get(a.actor_id, 0.0) > 0]
            if not linked:
                linked = [(a, b) for i, a in enumerate(self.states) for b in self.states[i + 1:]]
            for _ in range(k):
                a, b = linked[int(self.rng.integers(len(linked)))]
                a.arsenal *= 1.0 + self.p["shock_size"]
                b.arsenal *= 1.0 + self.p["shock_size"]
            self.crises += k
        for c in self.ceilings:
            if t < c["end"]:
                comp = self.p["compliance"] if c["compliance"] is None else c["compliance"]
                for s in c["actors"]:
                    if s.counted_share > 0:
                        s.arsenal -= comp * max(0.0, s.arsenal - c["limit"] / s.counted_share)
        for c in self.ceilings:
            worst = max(s.counted_share * s.arsenal - c["limit"] for s in c["actors"])
            if t < c["end"]:
                if worst > 1e-9 * max(1.0, c["limit"]):
                    if math.isnan(self.breach_step):
                        self.breach_step = float(t)
                    self.breach_size = max(self.breach_size, worst)
            elif math.isnan(self.after_expiry_step) and worst > 0:
                self.after_expiry_step = float(t)
        if t == self.last_step:
            fear = np.array([[a.fear.get(b.actor_id, 0.0) for b in self.states] for a in self.states])
            system = fear - np.diag([s.fatigue for s in self.states])
            self.stable = bool(np.max(np.linalg.eigvals(system).real) < 0)
        self.datacollector.collect(self)
