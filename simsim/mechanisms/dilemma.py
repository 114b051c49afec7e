"""Obligation vs ties: a member state's choice between an institution's obligation and a partner.

See :class:`DilemmaModel` for the equations and ``docs/mechanisms/dilemma.md`` for the full description.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from simsim.model import DiplomacyModel, OutcomeSpec, Param, RelationSpec, ReporterSpec
from simsim.registry import register_mechanism
from simsim.scenario.schema import EventSpec, Scenario

DECISIONS = ("no_visit", "declined", "arrest", "no_arrest")


class Visit(EventSpec):
    """A planned visit of the leader of ``visitor`` (the partner state) to ``host``."""

    actor_fields: ClassVar[tuple[str, ...]] = ("visitor", "host")
    visitor: str
    host: str
    occasion: str | None = None


def logistic(x: np.ndarray | float) -> np.ndarray:
    """The logistic function :math:`1 / (1 + e^{-x})`, computed without overflow."""
    x = np.asarray(x, dtype=float)
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def compliance_utility(
    *,
    member: np.ndarray,
    credibility: np.ndarray | float,
    dependence: np.ndarray,
    trade: np.ndarray,
    ties: np.ndarray,
    support: np.ndarray,
    domestic: np.ndarray,
    third_mask: np.ndarray,
    p: dict[str, Any],
) -> np.ndarray:
    r"""Utility difference comply minus not comply, :math:`\Delta U_{hp}`, for all pairs at once.

    Every array may carry leading run axes (``R`` runs side by side); shapes below are for
    one run.

    Parameters
    ----------
    member : ndarray, shape (n,)
        1 where the actor is a member of the institution.
    credibility : float or ndarray, shape (R,)
        Current enforcement credibility :math:`C_t`.
    dependence, trade, ties : ndarray, shape (n, n) or (R, n, n)
        Relations ``energy_dependence``, ``trade_share`` and ``ties`` (row: host).
    support : ndarray, shape (n,) or (R, n)
        Each actor's support for enforcement :math:`s_j`.
    domestic : ndarray, shape (n,) or (R, n)
        Domestic pressure toward compliance :math:`M_h`.
    third_mask : ndarray of bool, shape (n,)
        Actors that count as third parties (not the institution).
    p : dict
        Parameters (weights ``w_*``, ``retaliation_prob``, ``retaliation_severity``): floats,
        or arrays of shape (R,).

    Returns
    -------
    ndarray, shape (n, n) or (R, n, n)
        ``dU[..., h, p]``: positive favours compliance by host h when p's leader visits.
    """

    def col(x: Any) -> Any:  # a per-run scalar broadcast against (..., n, n)
        return np.asarray(x)[..., None, None]

    rho, sev = col(p["retaliation_prob"]), col(p["retaliation_severity"])
    pos = np.maximum(ties, 0.0)
    pos *= third_mask
    # weighted mean support of third parties j != h, p: remove the partner column per pair
    s_row = support[..., None, :]
    num = np.einsum("...hj,...j->...h", pos, support)[..., None] - pos * s_row
    den = pos.sum(axis=-1)[..., None] - pos
    third = np.divide(num, den, out=np.zeros_like(num), where=den > 1e-12)
    return (
        col(p["w_obligation"]) * member[:, None] * col(credibility)
        - col(p["w_dependence"]) * dependence * rho * sev
        - col(p["w_trade"]) * trade * rho
        - col(p["w_ties"]) * ties
        + col(p["w_third"]) * third
        + col(p["w_domestic"]) * domestic[..., :, None]
    )


@register_mechanism
class DilemmaModel(DiplomacyModel):
    r"""Obligation vs ties: a member state's choice between an institution's obligation and a partner.

    A *host* state, member of an *institution* (e.g. the ICC), receives a visit from the leader
    of a *partner* state who is wanted by that institution. Honouring the obligation (arrest)
    confronts the partner; keeping ties (no arrest) confronts the institution and the third
    parties that back it. Every step (one month in the shipped scenarios) the model computes,
    for all host/partner pairs at once, the host's utility difference between complying and
    not complying:

    .. math::

        \Delta U_{hp} = w_o\, m_h\, C_t
            - w_d\, D_{hp}\, \rho\, \sigma
            - w_x\, X_{hp}\, \rho
            - w_t\, A_{hp}
            + w_3\, \frac{\sum_{j} A^+_{hj} s_j}{\sum_{j} A^+_{hj}}
            + w_m\, M_h

    with :math:`m_h` = 1 if h is a member of the institution (else 0), :math:`C_t` the norm's
    enforcement credibility, :math:`D` the energy dependence (share of the host's fuel supplied by
    p), :math:`\rho` the probability the partner retaliates against an arrest and :math:`\sigma`
    the share of supply it would cut, :math:`X` the trade share, :math:`A` the ties (affinity,
    -1..1) and :math:`A^+ = \max(A, 0)`, :math:`s_j` third party j's support for enforcement
    (relation ``norm_support`` from j to the institution, -1..1; the sum runs over j other than
    h, p and the institution), and :math:`M_h` domestic pressure toward compliance. Each weight
    ``w_*`` is a parameter; setting it to 0 switches its term off.

    Choices are quantal responses (logit; McKelvey & Palfrey 1995):

    * the host complies with probability :math:`P_{hp} = 1 / (1 + e^{-\lambda \Delta U_{hp}})`;
    * the visitor travels in person with probability
      :math:`1 / (1 + e^{-\lambda_v (V_p - P_{hp} K_p)})`, where :math:`V_p` is the value of
      attending in person (attribute ``visit_value``) and :math:`K_p` the cost of arrest
      (attribute ``arrest_cost``); otherwise the visit is declined (e.g. attendance by video, as
      at the BRICS summit in Johannesburg in August 2023).

    Consequences, drawn with the run's generator (third parties are the actors other than the
    host, the partner and the institution):

    * arrest: ties h-p fall by ``partner_tie_loss``; the partner retaliates with probability
      :math:`\rho`, cutting :math:`\sigma D_{hp}` of the host's fuel supply (``energy_shortfall``);
      third parties with :math:`s_j < 0` react with probability :math:`|s_j|`, lowering ties h-j
      by ``third_party_cost``; if h is a member, credibility rises,
      :math:`C \leftarrow C + g (1 - C)`.
    * no arrest: ties h-p rise by ``visit_tie_gain``; third parties with :math:`s_j > 0` react
      with probability :math:`s_j` (ties h-j fall by ``third_party_cost``). Only a member is
      bound, so only a member's refusal is a non-compliance: the precedent erodes
      credibility for every member, :math:`C \leftarrow C (1 - e)`; after ``finding_delay`` steps
      the institution finds non-compliance with probability :math:`\phi` (credibility partly
      restored, :math:`C \leftarrow C + f (1 - C)`), refers it with probability :math:`\psi`
      given a finding, and a referral leads to sanctions with probability :math:`\kappa`
      (supporters' ties with h fall again by ``third_party_cost``).

    Because credibility is shared, several hosts facing visits form a network in which each
    non-compliance makes the next one more likely: the norm can hold or unravel.

    References: McKelvey, R. D. & Palfrey, T. R. (1995), Quantal response equilibria for normal
    form games, *Games and Economic Behavior* 10(1); the precedent dynamics follow the
    norm-cascade argument of Finnemore, M. & Sikkink, K. (1998), International norm dynamics and
    political change, *International Organization* 52(4). Full description:
    ``docs/mechanisms/dilemma.md``.
    """

    name = "dilemma"
    citation = (
        "Quantal response: McKelvey & Palfrey (1995), Games and Economic Behavior 10(1). "
        "Norm cascades: Finnemore & Sikkink (1998), International Organization 52(4)."
    )
    parameters: ClassVar[dict[str, Param]] = {
        "w_obligation": Param(1.0, 0, None, "Weight of the legal obligation times the norm's credibility."),
        "w_dependence": Param(1.0, 0, None, "Weight of energy dependence times expected retaliation."),
        "w_trade": Param(0.0, 0, None, "Weight of trade with the partner put at risk by retaliation."),
        "w_ties": Param(1.0, 0, None, "Weight of the value of ties with the partner."),
        "w_third": Param(1.0, 0, None, "Weight of third parties' expected reactions (weighted by ties)."),
        "w_domestic": Param(1.0, 0, None, "Weight of domestic pressure toward compliance."),
        "rationality": Param(3.0, 0, None, "Logit precision lambda of the host's choice (0: coin flip)."),
        "visitor_rationality": Param(2.0, 0, None, "Logit precision of the visitor's travel decision."),
        "retaliation_prob": Param(0.5, 0, 1, "Probability the partner retaliates against an arrest."),
        "retaliation_severity": Param(0.5, 0, 1, "Share of the host's partner-supplied fuel cut by retaliation."),
        "partner_tie_loss": Param(0.5, 0, 2, "Fall in host-partner ties after an arrest."),
        "visit_tie_gain": Param(0.0, 0, 2, "Rise in host-partner ties after a visit without arrest."),
        "third_party_cost": Param(0.1, 0, 2, "Fall in host-third party ties when a third party reacts."),
        "precedent_erosion": Param(0.2, 0, 1, "Share of credibility lost per non-compliance (e)."),
        "compliance_reinforcement": Param(0.1, 0, 1, "Share of the credibility gap closed per compliance (g)."),
        "enforcement_restoration": Param(0.05, 0, 1, "Share of the credibility gap closed per finding (f)."),
        "finding_prob": Param(1.0, 0, 1, "Probability the institution finds a non-compliance (phi)."),
        "referral_prob": Param(0.5, 0, 1, "Probability of a referral given a finding (psi)."),
        "sanction_prob": Param(0.0, 0, 1, "Probability a referral leads to sanctions (kappa)."),
        "finding_delay": Param(1, 1, 120, "Steps between a non-compliance and the institution's finding.",
                               integer=True),
        "unravel_threshold": Param(0.2, 0, 1, "Credibility below which the norm counts as unravelled."),
    }
    attributes: ClassVar[dict[str, Param]] = {
        "credibility": Param(None, 0, 1, "Initial enforcement credibility of the institution's norm.",
                             kinds=("institution",)),
        "domestic_compliance": Param(0.0, -1, 1, "Net domestic pressure on a host toward compliance."),
        "visit_value": Param(1.0, 0, None, "Value to a visiting leader of attending in person (vs remotely)."),
        "arrest_cost": Param(10.0, 0, None, "Cost to a visiting leader of being arrested."),
    }
    relations: ClassVar[dict[str, RelationSpec]] = {
        "energy_dependence": RelationSpec("Share of the row actor's fuel supplied by the column actor.", low=0, high=1),
        "trade_share": RelationSpec("Share of the row actor's total trade with the column actor.", low=0, high=1),
        "ties": RelationSpec("Value the row actor places on ties with the column actor (-1..1).", low=-1, high=1),
        "norm_support": RelationSpec("Support of the row actor for enforcing the column institution's "
                                     "warrants (-1..1).", low=-1, high=1),
    }
    event_types: ClassVar[dict[str, type[EventSpec]]] = {"visit": Visit}
    main_reporters = ("credibility",)

    @classmethod
    def reporter_specs(cls, scenario: Scenario) -> list[ReporterSpec]:
        """Labels and units of the per-step reporters."""
        names = {a.id: a.name for a in scenario.actors}
        specs = [ReporterSpec("credibility", "Credibility of the norm", "credibility (0-1)"),
                 ReporterSpec("visits", "Visits made in person so far", "visits"),
                 ReporterSpec("arrests", "Arrests so far", "visits"),
                 ReporterSpec("non_compliances", "Non-compliances so far", "visits"),
                 ReporterSpec("findings", "Findings of non-compliance so far", "findings")]
        return specs + [ReporterSpec(f"p_comply.{h}", f"{names[h]}: probability of complying if visited",
                                     "probability") for h in cls._hosts(scenario)]

    # -- declarations that depend on the scenario ------------------------------------------
    @staticmethod
    def _institution(scenario: Scenario) -> str:
        return next(a.id for a in scenario.actors if a.kind == "institution")

    @staticmethod
    def _hosts(scenario: Scenario) -> list[str]:
        return list(dict.fromkeys(ev.host for ev in scenario.events if isinstance(ev, Visit)))

    @classmethod
    def check(cls, scenario: Scenario) -> None:
        """Reject scenarios without exactly one institution, or with visits or support edges that make no sense."""
        insts = [i for i, a in enumerate(scenario.actors) if a.kind == "institution"]
        if len(insts) != 1:
            raise scenario.error(("actors",), f"the dilemma mechanism needs exactly one actor of kind "
                                              f"'institution' (found {len(insts)})")
        inst = scenario.actors[insts[0]].id
        for k, ev in enumerate(scenario.events):
            if isinstance(ev, Visit):
                if ev.step < 1:
                    raise scenario.error(("events", k, "step"), "a visit is decided within a step: give step >= 1")
                if ev.visitor == ev.host:
                    raise scenario.error(("events", k), "a visitor cannot visit its own state")
                if inst in (ev.visitor, ev.host):
                    raise scenario.error(("events", k), "the institution cannot be a visitor or a host")
        support = scenario.relations.get("norm_support")
        for j, e in enumerate(support.edges if support is not None else ()):
            if e.to != inst:
                raise scenario.error(("relations", "norm_support", "edges", j, "to"),
                                     f"norm_support edges must point to the institution '{inst}'")

    @classmethod
    def outcome_specs(cls, scenario: Scenario) -> list[OutcomeSpec]:
        """Counts, credibility, and per host: decision, retaliation, finding, referral, shortfall, ties."""
        specs = [
            OutcomeSpec("visits", "number", "Visits made in person.", label="Visits made in person", unit="visits"),
            OutcomeSpec("visits_declined", "number", "Planned visits the visitor declined (attended remotely).",
                        label="Planned visits declined", unit="visits"),
            OutcomeSpec("arrests", "number", "Visits at which the host arrested the visitor.",
                        label="Arrests", unit="visits"),
            OutcomeSpec("non_compliances", "number", "Visits at which a member host did not comply.",
                        label="Non-compliances by member hosts", unit="visits"),
            OutcomeSpec("refusals_by_non_members", "number", "Visits at which a host that is not a member "
                        "did not arrest (no obligation, no precedent).",
                        label="Non-arrests by hosts that are not members", unit="visits"),
            OutcomeSpec("retaliations", "number", "Retaliations by the partner after an arrest.",
                        label="Retaliations after an arrest", unit="retaliations"),
            OutcomeSpec("findings", "number", "Findings of non-compliance by the institution.",
                        label="Findings of non-compliance", unit="findings"),
            OutcomeSpec("referrals", "number", "Referrals after a finding.", label="Referrals", unit="referrals"),
            OutcomeSpec("sanctions", "number", "Sanctions after a referral.", label="Sanctions", unit="sanctions"),
            OutcomeSpec("final_credibility", "number", "Norm credibility at the end of the run.",
                        label="Credibility of the norm at the end", unit="credibility (0-1)"),
            OutcomeSpec("norm_unravelled", "bool", "Final credibility below unravel_threshold.",
                        label="Norm unravelled (credibility below threshold)", unit=""),
        ]
        ids = scenario.ids
        names = {a.id: a.name for a in scenario.actors}
        inst = cls._institution(scenario)
        for h in cls._hosts(scenario):
            host = names[h]
            specs += [
                OutcomeSpec(f"decision.{h}", "category", f"Outcome of the first visit planned to {h}.", DECISIONS,
                            label=f"First visit planned to {host}", unit=""),
                OutcomeSpec(f"retaliation.{h}", "bool", f"The partner retaliated against {h}.",
                            label=f"{host}: the partner retaliated", unit=""),
                OutcomeSpec(f"finding.{h}", "bool", f"The institution found {h} in non-compliance.",
                            label=f"{host}: finding of non-compliance", unit=""),
                OutcomeSpec(f"referral.{h}", "bool", f"{h}'s non-compliance was referred.",
                            label=f"{host}: non-compliance referred", unit=""),
                OutcomeSpec(f"energy_shortfall.{h}", "number", f"Share of {h}'s fuel supply cut by retaliation.",
                            label=f"{host}: fuel supply cut by retaliation", unit="share of fuel supply (0-1)"),
            ]
            specs += [OutcomeSpec(f"ties_change.{h}.{j}", "number", f"Change in {h}'s ties with {j}.",
                                  label=f"{host}: change in ties with {names[j]}", unit="ties (scale -1..1)")
                      for j in ids if j not in (h, inst)]
        return specs

    # -- the model: R runs side by side ----------------------------------------------------
    vectorised = True

    # uniforms per visit event and run: travel, comply, retaliate, finding, referral, sanction,
    # then one per actor for third-party reactions
    _U_TRAVEL, _U_COMPLY, _U_RETALIATE, _U_FIND, _U_REFER, _U_SANCTION, _U_REACT = range(7)

    def setup(self) -> None:
        """Shared arrays and, per run, every uniform the run will use (drawn up front from its own generator)."""
        n, R = self.n, self.R
        inst = self._institution(self.spec)
        self.inst = self.idx[inst]
        self.member = np.array([1.0 if inst in a.memberships else 0.0 for a in self.spec.actors])
        self.credibility = self.attr["credibility"][:, self.inst].copy()
        self.third_mask = np.ones(n, dtype=bool)
        self.third_mask[self.inst] = False
        self.ties0 = self.rel["ties"].copy()
        self.hosts = [self.idx[h] for h in self._hosts(self.spec)]
        self.visits = [(k, ev) for k, ev in enumerate(self.spec.events) if isinstance(ev, Visit)]
        self._visit_pos = {k: i for i, (k, _) in enumerate(self.visits)}
        # the first visit planned to each host: earliest step, then order in the file
        self._first_visit: dict[int, int] = {}
        for v in sorted(range(len(self.visits)), key=lambda i: (self.visits[i][1].step, i)):
            self._first_visit.setdefault(self.idx[self.visits[v][1].host], v)
        # the partner each host's propensity is reported against: its first planned visitor
        self._host_partner: dict[int, int] = {}
        for _, ev in self.visits:
            self._host_partner.setdefault(self.idx[ev.host], self.idx[ev.visitor])
        # every random number a run uses, read up front from the run's own stream 'visits'
        width = self._U_REACT + n
        self.u = self.uniforms("visits", (len(self.visits), width))  # (R, V, width)
        self._fired = np.zeros((R, len(self.visits)), dtype=bool)
        self._review_due = np.full((R, len(self.visits)), -1, dtype=np.int64)
        self.counts = {k: np.zeros(R, dtype=np.int64) for k in (
            "visits", "visits_declined", "arrests", "non_compliances", "refusals_by_non_members",
            "retaliations", "findings", "referrals", "sanctions")}
        self.decision = {h: np.zeros(R, dtype=np.int8) for h in self.hosts}  # index into DECISIONS
        self.flags = {k: np.zeros((R, n), dtype=bool) for k in ("retaliation", "finding", "referral")}
        self.shortfall = np.zeros((R, n))
        self.p_comply = np.zeros((R, n, n))
        self._dirty = True

    def reporters(self) -> dict[str, Any]:
        """Credibility, cumulative counts, and each host's propensity to comply, per step."""
        rep: dict[str, Any] = {"credibility": "credibility"}
        for k in ("visits", "arrests", "non_compliances", "findings"):
            rep[k] = [self._count, [k]]
        for h in self.hosts:
            rep[f"p_comply.{self.ids[h]}"] = [self._propensity, [h]]
        return rep

    def _count(self, key: str) -> np.ndarray:
        return self.counts[key].copy()

    def _propensity(self, h: int) -> np.ndarray:
        return self.propensities()[:, h, self._host_partner[h]].copy()

    def propensities(self) -> np.ndarray:
        """Compliance probability ``P[r, h, p]`` of every host h toward every partner p, now."""
        if self._dirty:
            support = self.rel["norm_support"][:, :, self.inst]
            du = compliance_utility(
                member=self.member, credibility=self.credibility,
                dependence=self.rel["energy_dependence"], trade=self.rel["trade_share"],
                ties=self.rel["ties"], support=support, domestic=self.attr["domestic_compliance"],
                third_mask=self.third_mask, p=self.p,
            )
            self.p_comply = logistic(self.p["rationality"][:, None, None] * du)
            self._dirty = False
        return self.p_comply

    def on_set_parameter(self, event: Any, mask: np.ndarray | None = None) -> None:
        """Event ``set_parameter``; propensities are recomputed."""
        super().on_set_parameter(event, mask)
        self._dirty = True

    def on_set_relation(self, event: Any, mask: np.ndarray | None = None) -> None:
        """Event ``set_relation``; propensities are recomputed."""
        super().on_set_relation(event, mask)
        self._dirty = True

    def on_visit(self, event: Visit, mask: np.ndarray) -> None:
        """Event ``visit``: mark the runs in which the visit is planned; decided in ``advance``."""
        self._fired[:, self._visit_pos[self.event_index]] = mask

    def _shift_ties(self, runs: np.ndarray, h: int, others: np.ndarray, delta: np.ndarray) -> None:
        """Add ``delta[r]`` to ties h-j and j-h for runs ``runs`` (bool (R,)) and actors ``others`` (bool (R, n))."""
        sel = others & runs[:, None]
        t = self.rel["ties"]
        t[:, h, :] += np.where(sel, delta[:, None], 0.0)
        t[:, :, h] += np.where(sel, delta[:, None], 0.0)

    def advance(self) -> None:
        """Institution reviews due now, then this step's visits, for all runs at once."""
        step = self.steps
        p = self.p
        t = self.rel["ties"]
        support = self.rel["norm_support"][:, :, self.inst]
        # 1. the institution's reviews of earlier non-compliance, in event order
        for v, (_, ev) in enumerate(self.visits):
            due = self._review_due[:, v] == step
            if not due.any():
                continue
            h = self.idx[ev.host]
            u = self.u[:, v]
            found = due & (u[:, self._U_FIND] < p["finding_prob"])
            referred = found & (u[:, self._U_REFER] < p["referral_prob"])
            sanctioned = referred & (u[:, self._U_SANCTION] < p["sanction_prob"])
            self.flags["finding"][found, h] = True
            self.flags["referral"][referred, h] = True
            self.counts["findings"] += found
            self.counts["referrals"] += referred
            self.counts["sanctions"] += sanctioned
            f = p["enforcement_restoration"]
            self.credibility = np.where(found, self.credibility + f * (1.0 - self.credibility), self.credibility)
            if sanctioned.any():
                supporters = np.broadcast_to((support > 0) & self.third_mask, support.shape).copy()
                supporters[:, h] = False
                self._shift_ties(sanctioned, h, supporters, -p["third_party_cost"])
                np.clip(t, -1.0, 1.0, out=t)
            self._dirty = True
        # 2. this step's visits, decided simultaneously against the state at the start of the step
        todo = [(v, ev) for v, (_, ev) in enumerate(self.visits) if ev.step == step and self._fired[:, v].any()]
        if not todo:
            return
        pc_all = self.propensities()
        comply_n = np.zeros(self.R)
        defy_n = np.zeros(self.R)
        for v, ev in todo:
            h, vis = self.idx[ev.host], self.idx[ev.visitor]
            u = self.u[:, v]
            fired = self._fired[:, v]
            pc = pc_all[:, h, vis]
            gain = self.attr["visit_value"][:, vis] - pc * self.attr["arrest_cost"][:, vis]
            travel = fired & (u[:, self._U_TRAVEL] < logistic(p["visitor_rationality"] * gain))
            comply = travel & (u[:, self._U_COMPLY] < pc)
            refuse = travel & ~comply
            # only a member is bound: a member's refusal is a non-compliance and a precedent
            defy = refuse & bool(self.member[h])
            comply_member = comply & bool(self.member[h])
            retaliate = comply & (u[:, self._U_RETALIATE] < p["retaliation_prob"])
            if v == self._first_visit[h]:  # decision.h records the first visit planned to h
                self.decision[h][:] = np.where(fired, np.where(travel, np.where(comply, 2, 3), 1), 0)
            self.counts["visits"] += travel
            self.counts["visits_declined"] += fired & ~travel
            self.counts["arrests"] += comply
            self.counts["non_compliances"] += defy
            self.counts["refusals_by_non_members"] += refuse & ~defy
            self.counts["retaliations"] += retaliate
            self.flags["retaliation"][retaliate, h] = True
            cut = p["retaliation_severity"] * self.rel["energy_dependence"][:, h, vis]
            self.shortfall[:, h] += np.where(retaliate, cut, 0.0)
            one = np.zeros((self.R, self.n), dtype=bool)
            one[:, vis] = True
            self._shift_ties(comply, h, one, -p["partner_tie_loss"])
            self._shift_ties(refuse, h, one, np.asarray(p["visit_tie_gain"], dtype=float))
            # third parties (not the host, the partner or the institution) react with
            # probability |s_j| when they disapprove of the choice
            draws = u[:, self._U_REACT:]
            react = (draws < np.abs(support)) & self.third_mask
            react[:, h] = False
            react[:, vis] = False
            react_c = react & (support < 0)
            react_d = react & (support > 0)
            self._shift_ties(comply, h, react_c, -p["third_party_cost"])
            self._shift_ties(refuse, h, react_d, -p["third_party_cost"])
            self._review_due[defy, v] = step + p["finding_delay"][defy].astype(np.int64)
            comply_n += comply_member
            defy_n += defy
        np.clip(t, -1.0, 1.0, out=t)
        # precedent: every decision moves the credibility shared by all members
        # (only runs with a decision change: 1 - (1 - C) is not exactly C in floating point)
        c = 1.0 - (1.0 - self.credibility) * (1.0 - p["compliance_reinforcement"]) ** comply_n
        c = c * (1.0 - p["precedent_erosion"]) ** defy_n
        self.credibility = np.where(comply_n + defy_n > 0, c, self.credibility)
        self._dirty = True

    def outcomes(self) -> dict[str, Any]:
        """Per-run outcomes as arrays over the runs of this model."""
        out: dict[str, Any] = {k: v.copy() for k, v in self.counts.items()}
        out["final_credibility"] = self.credibility.copy()
        out["norm_unravelled"] = self.credibility < self.p["unravel_threshold"]
        dt = self.rel["ties"] - self.ties0
        names = np.array(DECISIONS, dtype=object)
        for h in self.hosts:
            hid = self.ids[h]
            out[f"decision.{hid}"] = names[self.decision[h]]
            out[f"retaliation.{hid}"] = self.flags["retaliation"][:, h].copy()
            out[f"finding.{hid}"] = self.flags["finding"][:, h].copy()
            out[f"referral.{hid}"] = self.flags["referral"][:, h].copy()
            out[f"energy_shortfall.{hid}"] = self.shortfall[:, h].copy()
            for j, jid in enumerate(self.ids):
                if j not in (h, self.inst):
                    out[f"ties_change.{hid}.{jid}"] = dt[:, h, j].copy()
        return out
