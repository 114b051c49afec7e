"""The `dilemma` rules written as idiomatic Mesa: one ``step()`` per agent, state in agents.

This is the baseline the benchmark compares simsim against. It implements the same rules
as :mod:`simsim.mechanisms.dilemma` (three options for the host chosen by a multinomial logit
over their expected utilities, the visitor's travel decision, the consequences, the
institution's review after a lognormal delay, the shared credibility) the way a typical Mesa
model would: each agent keeps its own dictionaries of ties, dependence and trade, computes its
own utilities in a Python loop over the other agents, and draws its random numbers with
``model.rng`` when it needs them. The model records the same per-step reporters as simsim
with a :class:`mesa.DataCollector` and is run with :func:`mesa.batch_run`.

Uncertain inputs are sampled exactly as simsim samples them (:func:`simsim.model.sample_inputs`),
so each run has the same inputs as simsim's run with the same seed and the same initial option
probabilities, run by run. The model's own random draws come from Mesa's generator in a
different order, so the two agree in distribution, not run by run (checked by
``tests/test_bench_agreement.py`` and printed by ``bench_dilemma.py``).
"""

from __future__ import annotations

import math

import mesa
import numpy as np
from _inputs import run_inputs, scenario
from scipy import stats

OPTIONS = ("call_off", "arrest", "no_arrest")


def _logistic(x: float) -> float:
    return 0.5 * (1.0 + math.tanh(0.5 * x))


def _expected_discount(median: float, spread: float, beta: float, longest: int = 1200) -> float:
    """E[beta**d] for d = max(1, round(lognormal(log median, spread))), the tail counted at ``longest``."""
    if beta == 1.0:
        return 1.0
    k = np.arange(1, longest + 1)
    if spread > 0:
        cdf = stats.norm.cdf((np.log(k + 0.5) - math.log(median)) / spread)
    else:
        cdf = (round(median) <= k).astype(float)
    cdf[-1] = 1.0
    return float((np.diff(cdf, prepend=0.0) * beta ** k.astype(float)).sum())


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

    def change_ties(self, other: Actor, delta: float) -> None:
        """Both directions of the tie move by ``delta`` (clipped to -1..1 at the end of the step)."""
        self.ties[other.actor_id] = self.ties.get(other.actor_id, 0.0) + delta
        other.ties[self.actor_id] = other.ties.get(self.actor_id, 0.0) + delta

    def clip_ties(self) -> None:
        for k, v in self.ties.items():
            self.ties[k] = min(1.0, max(-1.0, v))


class Partner(Actor):
    """A state whose leader is wanted: decides whether to travel given the risk of arrest."""

    def travels(self, p_arrest_if_hosted: float) -> bool:
        m = self.model
        gain = self.visit_value - p_arrest_if_hosted * self.arrest_cost
        return bool(m.rng.random() < _logistic(m.p["visitor_rationality"] * gain))


class Host(Actor):
    """A state that receives visits: chooses to call off, arrest or host without arrest."""

    def __init__(self, model: IdiomaticDilemma, actor_id: str) -> None:
        super().__init__(model, actor_id)
        self.incoming: list[tuple[int, Partner]] = []  # (visit index, visitor) planned this step
        self.choices: list[tuple[int, Partner, int, bool]] = []  # (visit, visitor, option, travelled)
        self.decision = "no_visit"
        self.called_off = False
        self.review = "none"
        self.retaliation = self.finding = self.referral = False
        self.shortfall = 0.0
        self.trade_lost = 0.0

    def utilities(self, partner: Actor) -> list[float]:
        """Expected utility of each option (call off, arrest, no arrest) toward ``partner``."""
        m, p = self.model, self.model.p
        tau, c3 = p["trade_severity"], p["third_party_cost"]
        against_arrest = against_refusal = supporters = 0.0
        for other in m.agents:  # per-agent Python loop over third parties
            if other is self or other is partner or isinstance(other, Institution):
                continue
            lost_ties = p["w_third"] * c3 * max(self.ties.get(other.actor_id, 0.0), 0.0)
            cost = lost_ties + p["w_trade"] * tau * self.trade.get(other.actor_id, 0.0)
            if other.support > 0:
                against_refusal += other.support * cost
                supporters += lost_ties
            elif other.support < 0:
                against_arrest += -other.support * cost
        enforcement = m.discount * p["finding_prob"] * (
            p["w_finding"] + p["referral_prob"] * (
                p["w_referral"] + p["sanction_prob"] * (p["w_sanction"] + supporters)))
        call_off = -p["w_ties"] * p["call_off_tie_loss"]
        arrest = (-p["w_ties"] * (self.ties.get(partner.actor_id, 0.0) + p["partner_tie_loss"])
                  - p["retaliation_prob"] * (p["w_dependence"] * p["retaliation_severity"]
                                             * self.dependence.get(partner.actor_id, 0.0)
                                             + p["w_trade"] * tau * self.trade.get(partner.actor_id, 0.0))
                  - against_arrest)
        no_arrest = (p["w_ties"] * p["visit_tie_gain"] - against_refusal - p["w_domestic"] * self.domestic
                     - (p["w_obligation"] * m.credibility + enforcement if self.member else 0.0))
        return [call_off, arrest, no_arrest]

    def option_probabilities(self, partner: Actor) -> list[float]:
        """Multinomial logit over the options' utilities."""
        lam = self.model.p["rationality"]
        eu = self.utilities(partner)
        top = max(eu)
        e = [math.exp(lam * (x - top)) for x in eu]
        s = sum(e)
        return [x / s for x in e]

    def decide(self) -> None:
        """Choose an option for each visit planned this step; the visitor then decides whether to come."""
        m = self.model
        for v, partner in self.incoming:
            probs = self.option_probabilities(partner)
            option = int(m.rng.choice(3, p=probs))
            hosted = probs[1] + probs[2]
            travelled = option != 0 and partner.travels(probs[1] / hosted if hosted > 0 else 0.0)
            self.choices.append((v, partner, option, travelled))
        self.incoming = []

    def step(self) -> None:
        """Carry out this step's choices: ties, retaliation, third parties' reactions, non-compliance."""
        m, p = self.model, self.model.p
        for v, partner, option, travelled in self.choices:
            first = m.first_visit[self.actor_id] == v
            if first:
                self.called_off = option == 0
                self.decision = "declined" if not travelled else "arrest" if option == 1 else "no_arrest"
            if not travelled:
                m.counts["visits_declined"] += 1
                if option == 0:
                    m.counts["calls_off"] += 1
                    self.change_ties(partner, -p["call_off_tie_loss"])
                continue
            m.counts["visits"] += 1
            arrest = option == 1
            if arrest:
                m.counts["arrests"] += 1
                self.change_ties(partner, -p["partner_tie_loss"])
                if m.rng.random() < p["retaliation_prob"]:
                    m.counts["retaliations"] += 1
                    self.retaliation = True
                    self.shortfall += p["retaliation_severity"] * self.dependence.get(partner.actor_id, 0.0)
                    self.trade_lost += p["trade_severity"] * self.trade.get(partner.actor_id, 0.0)
                if self.member:
                    m.compliances += 1
            else:
                self.change_ties(partner, p["visit_tie_gain"])
                if self.member:
                    m.counts["non_compliances"] += 1
                    m.defiances += 1
                    due = m.steps + max(1, min(round(m.rng.lognormal(math.log(p["finding_delay"]),
                                                                     p["finding_delay_spread"])), 12000))
                    if due <= m.max_steps:
                        m.institution.reviews.append((due, v, self, partner))
                    if first:
                        self.review = "pending" if due > m.max_steps else "none"
                    if due > m.max_steps:
                        m.reviews_pending += 1
                else:
                    m.counts["refusals_by_non_members"] += 1
            for other in m.agents:  # third parties who disapprove react with probability |support|
                if other is self or other is partner or isinstance(other, Institution):
                    continue
                wrong = other.support < 0 if arrest else other.support > 0
                if wrong and m.rng.random() < abs(other.support):
                    self.change_ties(other, -p["third_party_cost"])
                    self.trade_lost += p["trade_severity"] * self.trade.get(other.actor_id, 0.0)
        self.trade_lost = min(1.0, max(0.0, self.trade_lost))
        self.choices = []


class Institution(Actor):
    """The institution: reviews each non-compliance when it falls due."""

    def __init__(self, model: IdiomaticDilemma, actor_id: str) -> None:
        super().__init__(model, actor_id)
        self.reviews: list[tuple[int, int, Host, Actor]] = []  # (due step, visit, host, visitor)

    def step(self) -> None:
        m, p = self.model, self.model.p
        due = sorted((r for r in self.reviews if r[0] == m.steps), key=lambda r: r[1])
        self.reviews = [r for r in self.reviews if r[0] != m.steps]
        sanctioned = False
        for _, v, host, visitor in due:
            found = m.rng.random() < p["finding_prob"]
            if m.first_visit[host.actor_id] == v:
                host.review = "found" if found else "not_found"
            if not found:
                continue
            host.finding = True
            m.counts["findings"] += 1
            m.credibility += p["enforcement_restoration"] * (1.0 - m.credibility)
            if m.rng.random() < p["referral_prob"]:
                host.referral = True
                m.counts["referrals"] += 1
                if m.rng.random() < p["sanction_prob"]:
                    m.counts["sanctions"] += 1
                    sanctioned = True
                    for other in m.agents:
                        if (other is not host and other is not visitor and not isinstance(other, Institution)
                                and other.support > 0):
                            host.change_ties(other, -p["third_party_cost"])
            if sanctioned:
                m.clip_all_ties()


class IdiomaticDilemma(mesa.Model):
    """Idiomatic Mesa version of the dilemma rules, for :func:`mesa.batch_run`."""

    def __init__(self, scenario_path: str, rng: int | None = None) -> None:
        scn = scenario(scenario_path)
        # the run's inputs as simsim samples them (so the two are compared run by run), then
        # Mesa's own generator for the model's draws
        self.p, attr, rel, _ = run_inputs(scn, int(rng if rng is not None else 0))
        super().__init__(rng=rng)
        self.max_steps = scn.steps
        visits = [ev for ev in scn.events if ev.type == "visit"]
        hosts = list(dict.fromkeys(ev.host for ev in visits))
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
        ids = scn.ids
        for i, a in enumerate(ids):
            ag = self.by_id[a]
            ag.support = float(rel["norm_support"][i, ids.index(inst_id)])
            for j, b in enumerate(ids):
                if i != j:
                    ag.ties[b] = float(rel["ties"][i, j])
                    ag.dependence[b] = float(rel["energy_dependence"][i, j])
                    ag.trade[b] = float(rel["trade_share"][i, j])
        self.ties0 = {a: dict(ag.ties) for a, ag in self.by_id.items()}
        self.institution = self.by_id[inst_id]
        self.credibility = float(attr["credibility"][ids.index(inst_id)])
        self.discount = _expected_discount(self.p["finding_delay"], self.p["finding_delay_spread"], self.p["discount"])
        self.visits = visits
        self.counts = dict.fromkeys(("visits", "visits_declined", "calls_off", "arrests", "non_compliances",
                                     "refusals_by_non_members", "retaliations", "findings", "referrals",
                                     "sanctions"), 0)
        self.reviews_pending = 0
        self.compliances = self.defiances = 0
        # the first visit planned to each host (earliest step, then file order), and the
        # partner its propensities are reported against
        self.first_visit: dict[str, int] = {}
        for v in sorted(range(len(visits)), key=lambda k: (visits[k].step, k)):
            self.first_visit.setdefault(visits[v].host, v)
        self.host_partner: dict[str, str] = {}
        for ev in visits:
            self.host_partner.setdefault(ev.host, ev.visitor)
        reporters: dict[str, object] = {"credibility": "credibility"}
        for k in ("visits", "arrests", "non_compliances", "findings"):
            reporters[k] = lambda m, k=k: m.counts[k]
        for h in hosts:
            reporters[f"p_comply.{h}"] = lambda m, h=h: m.propensity(h, 1)
            reporters[f"p_call_off.{h}"] = lambda m, h=h: m.propensity(h, 0)
        reporters["outcomes"] = "outcomes"  # None until the last step
        reporters["p_comply_initial"] = "p_comply_initial"  # each host's P(arrest) at step 0, by host
        reporters["p_call_off_initial"] = "p_call_off_initial"
        self.outcomes: dict[str, object] | None = None
        self._probs: dict[str, list[float]] = {}  # option probabilities of each host, at this collection
        self.p_comply_initial = {h: self.propensity(h, 1) for h in hosts}
        self.p_call_off_initial = {h: self.propensity(h, 0) for h in hosts}
        self.hosts = hosts
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.datacollector.collect(self)

    def propensity(self, host: str, option: int) -> float:
        """Probability that ``host`` picks ``option`` toward its first planned visitor, now."""
        if host not in self._probs:
            self._probs[host] = self.by_id[host].option_probabilities(self.by_id[self.host_partner[host]])
        return self._probs[host][option]

    def clip_all_ties(self) -> None:
        for ag in self.agents:
            ag.clip_ties()

    def step(self) -> None:
        for v, ev in enumerate(self.visits):
            if ev.step == self.steps and (ev.probability >= 1.0 or self.rng.random() < ev.probability):
                self.by_id[ev.host].incoming.append((v, self.by_id[ev.visitor]))
        self.agents_by_type[Institution].do("step")
        if Host in self.agents_by_type:
            hosts = self.agents_by_type[Host]
            self.compliances = self.defiances = 0
            hosts.do("decide")  # all choices against the state at the start of the step
            hosts.shuffle_do("step")
            if self.compliances or self.defiances:  # precedent: each decision moves the shared credibility
                g, e = self.p["compliance_reinforcement"], self.p["precedent_erosion"]
                self.credibility = (1.0 - (1.0 - self.credibility) * (1.0 - g) ** self.compliances) \
                    * (1.0 - e) ** self.defiances
            self.clip_all_ties()
        if self.steps >= self.max_steps:
            self.running = False
            self.collect_outcomes()
        self._probs = {}
        self.datacollector.collect(self)

    def collect_outcomes(self) -> None:
        """Per-run outcomes, as simsim names them, in ``self.outcomes`` (the reporter ``outcomes``)."""
        out: dict[str, object] = dict(self.counts)
        out["reviews_pending"] = self.reviews_pending
        out["final_credibility"] = self.credibility
        out["norm_unravelled"] = self.credibility < self.p["unravel_threshold"]
        inst = self.institution.actor_id
        for h in self.hosts:
            host = self.by_id[h]
            out[f"decision.{h}"] = host.decision
            out[f"called_off.{h}"] = host.called_off
            out[f"review.{h}"] = host.review
            out[f"retaliation.{h}"] = host.retaliation
            out[f"finding.{h}"] = host.finding
            out[f"referral.{h}"] = host.referral
            out[f"energy_shortfall.{h}"] = host.shortfall
            out[f"trade_loss.{h}"] = host.trade_lost
            for j in self.by_id:
                if j not in (h, inst):
                    out[f"ties_change.{h}.{j}"] = host.ties[j] - self.ties0[h][j]
        self.outcomes = out
