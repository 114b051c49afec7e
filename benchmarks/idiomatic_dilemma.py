"""The `dilemma` rules written as idiomatic Mesa: one ``step()`` per agent, state in agents.

This is the baseline the benchmark compares simsim against. It implements the same rules
as :mod:`simsim.mechanisms.dilemma` the way a typical Mesa model would. Each agent keeps its
own dictionaries of ties and dependence and computes its own utility in a Python loop over
the other agents. The model is run with :func:`mesa.batch_run`. Uncertain inputs are sampled
exactly as simsim samples them, so each run has the same inputs as simsim's run with the
same seed. The model's random draws are made in a different order, so the two agree in
distribution, not run by run (``bench_dilemma.py`` checks the agreement).
"""

from __future__ import annotations

import math
from functools import lru_cache

import mesa

import simsim
from simsim.model import design_of, sample_inputs


@lru_cache(maxsize=8)
def _scenario(path: str) -> simsim.Scenario:
    return simsim.load_scenario(path)


def _logistic(x: float) -> float:
    return 0.5 * (1.0 + math.tanh(0.5 * x))


class Actor(mesa.Agent):
    """Any actor: its ties, dependence and trade as dicts keyed by the other actor's id."""

    def __init__(self, model: IdiomaticDilemma, actor_id: str) -> None:
        super().__init__(model)
        self.actor_id = actor_id
        self.ties: dict[str, float] = {}
        self.dependence: dict[str, float] = {}
        self.trade: dict[str, float] = {}
        self.support = 0.0
        self.domestic = 0.0
        self.member = False
        self.visit_value = 1.0
        self.arrest_cost = 10.0


class Host(Actor):
    """A member state that may receive visits."""

    def __init__(self, model: IdiomaticDilemma, actor_id: str) -> None:
        super().__init__(model, actor_id)
        self.incoming: list[tuple[Actor, bool]] = []  # (visitor, is its first planned visit) this step
        self.decision = "no_visit"
        self.retaliation = self.finding = self.referral = False
        self.shortfall = 0.0

    def utility(self, partner: Actor) -> float:
        m, p = self.model, self.model.p
        num = den = 0.0
        for other in m.agents:  # per-agent Python loop over third parties
            if other is self or other is partner or isinstance(other, Institution):
                continue
            t = max(self.ties.get(other.actor_id, 0.0), 0.0)
            num += t * other.support
            den += t
        third = num / den if den > 1e-12 else 0.0
        rho, sev = p["retaliation_prob"], p["retaliation_severity"]
        return (p["w_obligation"] * (1.0 if self.member else 0.0) * m.credibility
                - p["w_dependence"] * self.dependence.get(partner.actor_id, 0.0) * rho * sev
                - p["w_trade"] * self.trade.get(partner.actor_id, 0.0) * rho
                - p["w_ties"] * self.ties.get(partner.actor_id, 0.0)
                + p["w_third"] * third + p["w_domestic"] * self.domestic)

    def p_comply(self, partner: Actor) -> float:
        return _logistic(self.model.p["rationality"] * self.utility(partner))

    def _change_ties(self, other: Actor, delta: float) -> None:
        v = min(1.0, max(-1.0, self.ties.get(other.actor_id, 0.0) + delta))
        self.ties[other.actor_id] = v
        other.ties[self.actor_id] = min(1.0, max(-1.0, other.ties.get(self.actor_id, 0.0) + delta))

    def step(self) -> None:
        m, p = self.model, self.model.p
        for partner, first in self.incoming:
            comply = m.rng.random() < self.p_comply(partner)
            if first:  # decision records the first visit planned to this host
                self.decision = "arrest" if comply else "no_arrest"
            m.counts["visits"] += 1
            if comply:
                m.counts["arrests"] += 1
                self._change_ties(partner, -p["partner_tie_loss"])
                if m.rng.random() < p["retaliation_prob"]:
                    m.counts["retaliations"] += 1
                    self.retaliation = True
                    self.shortfall += p["retaliation_severity"] * self.dependence.get(partner.actor_id, 0.0)
                if self.member:
                    m.credibility += p["compliance_reinforcement"] * (1.0 - m.credibility)
            else:
                self._change_ties(partner, p["visit_tie_gain"])
                if self.member:
                    m.counts["non_compliances"] += 1
                    m.credibility *= 1.0 - p["precedent_erosion"]
                    m.institution.reviews.append((m.steps + int(p["finding_delay"]), self))
            for other in m.agents:
                if other is self or other is partner or isinstance(other, Institution):
                    continue
                wrong = other.support < 0 if comply else other.support > 0
                if wrong and m.rng.random() < abs(other.support):
                    self._change_ties(other, -p["third_party_cost"])
        self.incoming = []


class Institution(Actor):
    """The institution: reviews non-compliance after a delay."""

    def __init__(self, model: IdiomaticDilemma, actor_id: str) -> None:
        super().__init__(model, actor_id)
        self.reviews: list[tuple[int, Host]] = []

    def step(self) -> None:
        m, p = self.model, self.model.p
        due = [h for s, h in self.reviews if s <= m.steps]
        self.reviews = [(s, h) for s, h in self.reviews if s > m.steps]
        for host in due:
            if m.rng.random() < p["finding_prob"]:
                host.finding = True
                m.counts["findings"] += 1
                m.credibility += p["enforcement_restoration"] * (1.0 - m.credibility)
                if m.rng.random() < p["referral_prob"]:
                    host.referral = True
                    m.counts["referrals"] += 1
                    if m.rng.random() < p["sanction_prob"]:
                        m.counts["sanctions"] += 1
                        for other in m.agents:
                            if other is not host and not isinstance(other, Institution) and other.support > 0:
                                host._change_ties(other, -p["third_party_cost"])


class Partner(Actor):
    """A state whose leader is wanted: decides whether to travel to each planned visit."""

    def __init__(self, model: IdiomaticDilemma, actor_id: str) -> None:
        super().__init__(model, actor_id)
        self.planned: list[tuple[Host, bool]] = []

    def step(self) -> None:
        m = self.model
        for host, first in self.planned:
            gain = self.visit_value - host.p_comply(self) * self.arrest_cost
            if m.rng.random() < _logistic(m.p["visitor_rationality"] * gain):
                host.incoming.append((self, first))
            else:
                m.counts["visits_declined"] += 1
                if first:
                    host.decision = "declined"
        self.planned = []


class IdiomaticDilemma(mesa.Model):
    """Idiomatic Mesa version of the dilemma rules, for :func:`mesa.batch_run`."""

    def __init__(self, scenario_path: str, rng: int | None = None) -> None:
        scn = _scenario(scenario_path)
        # the run's inputs as simsim samples them (so the two are compared run by run), then
        # a plain generator for the model's own draws
        inputs = sample_inputs(scn, int(rng if rng is not None else 0))
        super().__init__(rng=rng)
        d = design_of(scn)
        self.p = dict(d.params)
        attr = {k: v.copy() for k, v in d.attr.items()}
        rel = {k: v.copy() for k, v in d.rel.items()}
        for u in d.uncertain:
            v = inputs[u.column]
            if u.target[0] == "param":
                self.p[u.target[1]] = v
            elif u.target[0] == "attr":
                attr[u.target[1]][u.target[2]] = v
            else:
                _, name, i, j = u.target
                rel[name][i, j] = v
                if d.rel_symmetric[name]:
                    rel[name][j, i] = v
        visits = [ev for ev in scn.events if ev.type == "visit"]
        hosts = {ev.host for ev in visits}
        partners = {ev.visitor for ev in visits}
        self.by_id: dict[str, Actor] = {}
        inst_id = next(a.id for a in scn.actors if a.kind == "institution")
        for i, a in enumerate(scn.actors):
            cls = Institution if a.kind == "institution" else Host if a.id in hosts else \
                Partner if a.id in partners else Actor
            ag = cls(self, a.id)
            ag.member = inst_id in a.memberships
            ag.domestic = float(attr["domestic_compliance"][i])
            ag.visit_value = float(attr["visit_value"][i])
            ag.arrest_cost = float(attr["arrest_cost"][i])
            self.by_id[a.id] = ag
        ids = d.ids
        for i, a in enumerate(ids):
            ag = self.by_id[a]
            ag.support = float(rel["norm_support"][i, ids.index(inst_id)])
            for j, b in enumerate(ids):
                if i != j:
                    ag.ties[b] = float(rel["ties"][i, j])
                    ag.dependence[b] = float(rel["energy_dependence"][i, j])
                    ag.trade[b] = float(rel["trade_share"][i, j])
        self.institution = self.by_id[inst_id]
        self.credibility = float(attr["credibility"][ids.index(inst_id)])
        self.visits = visits
        self.counts = dict.fromkeys(("visits", "visits_declined", "arrests", "non_compliances", "retaliations",
                                     "findings", "referrals", "sanctions"), 0)
        self.first_host = self.by_id[visits[0].host] if visits else None
        self.first_visit: dict[str, object] = {}
        for ev in sorted(visits, key=lambda e: e.step):  # stable: file order within a step
            self.first_visit.setdefault(ev.host, ev)
        self.p_comply_initial = self.p_comply_first_host()
        self.datacollector = mesa.DataCollector(model_reporters={
            "credibility": "credibility", "non_compliances": self.count_non_compliances,
            "p_comply_first_host": self.p_comply_first_host,
            "decision_first_host": self.decision_first_host,
            "final_credibility": "credibility", "p_comply_initial": "p_comply_initial"})
        self.datacollector.collect(self)

    def count_non_compliances(self) -> int:
        return self.counts["non_compliances"]

    def p_comply_first_host(self) -> float:
        visit = self.visits[0]
        return self.by_id[visit.host].p_comply(self.by_id[visit.visitor])

    def decision_first_host(self) -> str:
        return self.first_host.decision

    def step(self) -> None:
        for ev in self.visits:
            if ev.step == self.steps and (ev.probability >= 1.0 or self.rng.random() < ev.probability):
                self.by_id[ev.visitor].planned.append((self.by_id[ev.host], ev is self.first_visit[ev.host]))
        self.agents_by_type[Institution].do("step")
        if Partner in self.agents_by_type:
            self.agents_by_type[Partner].do("step")
        if Host in self.agents_by_type:
            self.agents_by_type[Host].shuffle_do("step")
        self.datacollector.collect(self)
