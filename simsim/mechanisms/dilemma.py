"""Obligation vs ties: a member state's choice between an institution's obligation and a partner.

See :class:`DilemmaModel` for the equations and ``docs/mechanisms/dilemma.md`` for the full description.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from simsim.mechanisms.declarations.dilemma import DECISIONS, REVIEWS, DilemmaDeclaration, Visit
from simsim.model import DiplomacyModel
from simsim.registry import register_mechanism

#: the host's options, in the order of the last axis of :func:`option_utilities`
OPTIONS = ("call_off", "arrest", "no_arrest")
#: longest finding delay (steps) the expected discount sums over exactly; the lognormal's mass
#: beyond it is counted at this delay
MAX_DELAY = 1200
#: at most this many distinct delay distributions are summed by Horner's rule (see :func:`expected_discount`)
_HORNER_MAX_PAIRS = 16


def logistic(x: np.ndarray | float) -> np.ndarray:
    """The logistic function :math:`1 / (1 + e^{-x})`, computed without overflow."""
    x = np.asarray(x, dtype=float)
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def softmax(x: np.ndarray) -> np.ndarray:
    """Multinomial logit over the last axis, computed without overflow."""
    z = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def finding_delay_steps(median: np.ndarray | float, spread: np.ndarray | float, u: np.ndarray) -> np.ndarray:
    r"""Delay in steps from a non-compliance to the institution's review, for uniforms ``u``.

    :math:`d = \max(1, \mathrm{round}(M e^{s z}))`, :math:`z = \Phi^{-1}(u)`: a lognormal with
    median ``median`` (M) and log standard deviation ``spread`` (s), rounded to whole steps.
    """
    z = special.ndtri(np.clip(u, 1e-300, 1 - 1e-16))
    d = np.rint(np.asarray(median, dtype=float) * np.exp(np.asarray(spread, dtype=float) * z))
    return np.clip(d, 1, 10 * MAX_DELAY).astype(np.int64)


def expected_discount(median: np.ndarray | float, spread: np.ndarray | float,
                      discount: np.ndarray | float) -> np.ndarray:
    r""":math:`E[\beta^d]` for the rounded lognormal delay d of :func:`finding_delay_steps`.

    Exact sum over d = 1..``MAX_DELAY`` of :math:`\beta^d P(d)`, the mass beyond counted at
    ``MAX_DELAY``. Arrays broadcast (one value per run). The delay's distribution P(d) is computed
    once per distinct (median, spread); when few are distinct (the usual case: the delay is fixed
    and the discount varies by run), the sum is a polynomial in :math:`\beta` with coefficients
    P(d), evaluated for all the runs sharing it by Horner's rule.
    """
    m, s, b = np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, dtype=float)) for x in (median, spread, discount)))
    shape = m.shape
    mf, sf = m.ravel(), s.ravel()
    if mf.size and (mf == mf[0]).all() and (sf == sf[0]).all():  # the usual case: one delay distribution
        pairs, back = np.array([[mf[0], sf[0]]]), np.zeros(mf.size, dtype=np.intp)
    else:
        pairs, back = np.unique(np.stack([mf, sf], axis=1), axis=0, return_inverse=True)
        back = back.ravel()
    pm, ps = pairs[:, 0:1], pairs[:, 1:2]
    k = np.arange(1, MAX_DELAY + 1, dtype=float)
    upper = np.log(k + 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        zs = (upper - np.log(pm)) / ps
        cdf = np.where(ps > 0, special.ndtr(zs), (np.rint(pm) <= k + 0.0).astype(float))
    cdf[..., -1] = 1.0  # the tail beyond MAX_DELAY is counted at MAX_DELAY
    pmf = np.diff(cdf, axis=-1, prepend=0.0)  # (pairs, MAX_DELAY): P(d = k)
    beta = b.ravel()
    if len(pairs) > _HORNER_MAX_PAIRS:  # many delay distributions: one (runs, MAX_DELAY) sum
        return (pmf[back] * beta[:, None] ** k).sum(axis=-1).reshape(shape)
    out = np.empty(beta.shape)
    for j in range(len(pairs)):
        sel = back == j
        x = beta[sel] if len(pairs) > 1 else beta
        acc = np.zeros_like(x)
        for c in pmf[j, ::-1]:  # sum_k P(k) x^k = x (P(1) + x (P(2) + ...))
            acc *= x
            acc += c
        acc *= x
        if len(pairs) > 1:
            out[sel] = acc
        else:
            out = acc
    return out.reshape(shape)


def option_utilities(
    *,
    member: np.ndarray,
    credibility: np.ndarray | float,
    dependence: np.ndarray,
    trade: np.ndarray,
    ties: np.ndarray,
    support: np.ndarray,
    domestic: np.ndarray,
    third_mask: np.ndarray,
    discount: np.ndarray | float,
    p: dict[str, Any],
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    r"""Expected utility of each of the host's options, :math:`EU_{hp}(k)`, for all pairs at once.

    Every array may carry a leading run axis (``R`` runs side by side); shapes below are for
    one run. The options are :data:`OPTIONS`: call the visit off, arrest, host without arrest.

    Parameters
    ----------
    member : ndarray, shape (n,)
        1 where the actor is a member of the institution.
    credibility : float or ndarray, shape (R,)
        Current credibility of the norm :math:`C_t`.
    dependence, trade, ties : ndarray, shape (n, n) or (R, n, n)
        Relations ``energy_dependence``, ``trade_share`` and ``ties`` (row: host).
    support : ndarray, shape (n,) or (R, n)
        Each actor's support for enforcement :math:`s_j`.
    domestic : ndarray, shape (n,) or (R, n)
        Domestic pressure toward compliance :math:`M_h`.
    third_mask : ndarray of bool, shape (n,)
        Actors that count as third parties (not the institution).
    discount : float or ndarray, shape (R,)
        Expected discount of the institution's delayed response, :math:`E[\beta^d]` (see
        :func:`expected_discount`).
    p : dict
        Parameters: floats, or arrays of shape (R,).
    pairs : (ndarray, ndarray), optional
        Host rows and partner columns ``(h_i, p_i)`` of the only pairs wanted. The sums over
        third parties are still taken over every actor; the pair terms are computed for these
        pairs only, with the same arithmetic (the values equal those of the full result).

    Returns
    -------
    ndarray, shape (n, n, 3) or (R, n, n, 3); with ``pairs``, shape (P, 3) or (R, P, 3)
        ``EU[..., h, p, k]`` for option k of host h when p's leader visits; with ``pairs``,
        ``EU[..., i, k]`` for pair i.
    """

    def grid(x: Any) -> Any:  # a per-run scalar broadcast against (..., n, n)
        return np.asarray(x, dtype=float)[..., None, None]

    if pairs is None:  # the result is over (..., h, p)
        col = grid

        def at(x: np.ndarray) -> np.ndarray:  # (..., h, p) -> result
            return x

        def row(x: np.ndarray) -> np.ndarray:  # (..., h) -> result
            return x[..., :, None]

        def partner(x: np.ndarray) -> np.ndarray:  # (..., p) -> result
            return x[..., None, :]
        m = member[:, None]
    else:  # the result is over (..., pair)
        hs, ps = pairs

        def col(x: Any) -> Any:
            return np.asarray(x, dtype=float)[..., None]

        def at(x: np.ndarray) -> np.ndarray:
            return x[..., hs, ps]

        def row(x: np.ndarray) -> np.ndarray:
            return x[..., hs]

        def partner(x: np.ndarray) -> np.ndarray:
            return x[..., ps]
        m = member[hs]

    rho, sev, tau = col(p["retaliation_prob"]), col(p["retaliation_severity"]), col(p["trade_severity"])
    third = third_mask.astype(float)
    react_n = np.maximum(support, 0.0) * third  # P(j reacts against a non-arrest)
    react_a = np.maximum(-support, 0.0) * third  # P(j reacts against an arrest)
    # cost to host h of one reaction by j: ties h-j fall by c3 (valued by the host's regard
    # for j) and the share tau of trade with j is lost
    tie_cost = grid(p["w_third"]) * grid(p["third_party_cost"]) * np.maximum(ties, 0.0)  # (..., h, j)
    cost = tie_cost + grid(p["w_trade"]) * grid(p["trade_severity"]) * trade

    def over_thirds(w: np.ndarray) -> np.ndarray:
        """sum_j w_j cost[h, j] over third parties j other than p: shape (..., h, p)."""
        total = np.einsum("...hj,...j->...h", cost, w)
        return row(total) - at(cost) * partner(w)

    sanction_ties = tie_cost * ((support > 0) * third)[..., None, :]
    sanction_ties = row(sanction_ties.sum(axis=-1)) - at(sanction_ties)  # supporters other than p
    # the institution's response, reviewed d steps later: finding, referral given a finding,
    # sanction given a referral (which costs ties with the supporters again)
    enforcement = col(discount) * col(p["finding_prob"]) * (
        col(p["w_finding"]) + col(p["referral_prob"]) * (
            col(p["w_referral"]) + col(p["sanction_prob"]) * (col(p["w_sanction"]) + sanction_ties)))
    eu_arrest = (
        -col(p["w_ties"]) * (at(ties) + col(p["partner_tie_loss"]))
        - rho * (col(p["w_dependence"]) * sev * at(dependence) + col(p["w_trade"]) * tau * at(trade))
        - over_thirds(react_a)
    )
    eu_no_arrest = (
        col(p["w_ties"]) * col(p["visit_tie_gain"])
        - over_thirds(react_n)
        - col(p["w_domestic"]) * row(domestic)
        - m * (col(p["w_obligation"]) * col(credibility) + enforcement)
    )
    eu_call_off = np.broadcast_to(-col(p["w_ties"]) * col(p["call_off_tie_loss"]), eu_arrest.shape)
    return np.stack([eu_call_off, eu_arrest, eu_no_arrest], axis=-1)


@register_mechanism
class DilemmaModel(DilemmaDeclaration, DiplomacyModel):
    r"""Obligation vs ties: a member state's choice between an institution's obligation and a partner.

    A *host* state, member of an *institution* (e.g. the ICC), expects a visit from the leader
    of a *partner* state who is wanted by that institution. The host has three options
    (:data:`OPTIONS`): call the visit off (ask the visitor not to come, move the meeting),
    arrest, or host without arrest. Each option's expected utility sums the expected value of
    the consequences the mechanism itself simulates afterwards, plus one judgement term: the
    standing value of ties :math:`w_t A_{hp}` that an arrest counts as lost on top of the
    simulated fall :math:`\ell_a` (one step is one month in the shipped scenarios; third parties
    j are the actors other than h, p and the institution):

    .. math::

        EU(\text{call off}) &= -w_t\,\ell_c \\
        EU(\text{arrest}) &= -w_t (A_{hp} + \ell_a)
            - \rho\,(w_d\,\sigma D_{hp} + w_x\,\tau X_{hp})
            - \sum_j s^-_j\,k_{hj} \\
        EU(\text{no arrest}) &= w_t\,g - \sum_j s^+_j\,k_{hj} - w_m M_h
            - m_h \big[w_o C_t + E[\beta^d]\,\phi\,(w_f + \psi\,(w_r + \kappa\,(w_s + S_h)))\big]

    with :math:`k_{hj} = w_3\,c\,A^+_{hj} + w_x\,\tau X_{hj}` the cost of one reaction by j (ties
    fall by c, share :math:`\tau` of trade with j lost), :math:`s^\pm_j = \max(\pm s_j, 0)` the
    probability that j reacts against a non-arrest / an arrest, :math:`S_h = \sum_{j: s_j > 0}
    w_3\,c\,A^+_{hj}` the supporters' tie losses after a sanction, :math:`m_h` = 1 if h is a
    member, :math:`C_t` the norm's credibility, :math:`D, X, A` the relations
    ``energy_dependence``, ``trade_share`` and ``ties``, :math:`M_h` domestic pressure toward
    compliance, and :math:`E[\beta^d]` the expected discount of the institution's response
    delayed by d steps (d a rounded lognormal with median ``finding_delay`` and log-sd
    ``finding_delay_spread``; :math:`\beta` = ``discount``, 1 for no discounting).

    Choices are quantal responses (McKelvey & Palfrey 1995): the host picks option k with the
    multinomial logit probability :math:`P_k \propto e^{\lambda EU(k)}`. Unless the host calls
    the visit off, the visitor travels in person with probability
    :math:`1 / (1 + e^{-\lambda_v (V_p - \pi K_p)})`, :math:`\pi = P_{arrest} / (P_{arrest} +
    P_{no\,arrest})`, where :math:`V_p` is the value of attending in person (attribute
    ``visit_value``) and :math:`K_p` the cost of arrest (``arrest_cost``); otherwise the visit
    is declined (attended remotely, as at the BRICS summit in Johannesburg in August 2023).

    Consequences, drawn from the run's own uniforms:

    * call off: ties h-p fall by ``call_off_tie_loss``; no precedent.
    * arrest: ties h-p fall by ``partner_tie_loss``; the partner retaliates with probability
      :math:`\rho`, cutting :math:`\sigma D_{hp}` of the host's fuel (``energy_shortfall``) and
      :math:`\tau X_{hp}` of its trade (``trade_loss``); each third party j reacts with
      probability :math:`s^-_j` (ties h-j fall by c, trade :math:`\tau X_{hj}` lost); if h is a
      member, credibility rises, :math:`C \leftarrow C + g (1 - C)`.
    * no arrest: ties h-p rise by ``visit_tie_gain``; each j reacts with probability
      :math:`s^+_j`. A member's refusal is a non-compliance: credibility erodes for every
      member, :math:`C \leftarrow C (1 - e)`; d steps later (drawn per visit) the institution
      finds non-compliance with probability :math:`\phi` (:math:`C \leftarrow C + f (1 - C)`),
      refers it with probability :math:`\psi`, and a referral leads to sanctions with
      probability :math:`\kappa` (supporters' ties with h fall by c again). A review due after
      the last step is reported as ``pending``, never silently dropped.

    Because credibility is shared, several hosts facing visits form a network in which each
    non-compliance makes the next one more likely: the norm can hold or unravel.

    References: McKelvey, R. D. & Palfrey, T. R. (1995), Quantal response equilibria for normal
    form games, *Games and Economic Behavior* 10(1); McFadden, D. (1974), Conditional logit
    analysis of qualitative choice behavior, in *Frontiers in Econometrics*; the precedent
    dynamics follow the norm-cascade argument of Finnemore, M. & Sikkink, K. (1998),
    International norm dynamics and political change, *International Organization* 52(4).
    Full description: ``docs/mechanisms/dilemma.md``.
    """

    # -- the model: R runs side by side ----------------------------------------------------
    vectorised = True

    # uniforms per visit event and run: travel, host's choice, retaliate, finding, referral,
    # sanction, review delay, then one per actor for third-party reactions
    _U_TRAVEL, _U_CHOICE, _U_RETALIATE, _U_FIND, _U_REFER, _U_SANCTION, _U_DELAY, _U_REACT = range(8)

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
        self._review = np.zeros((R, len(self.visits)), dtype=np.int8)  # index into REVIEWS
        self.counts = {k: np.zeros(R, dtype=np.int64) for k in (
            "visits", "visits_declined", "calls_off", "arrests", "non_compliances", "refusals_by_non_members",
            "retaliations", "findings", "referrals", "sanctions")}
        self.decision = {h: np.zeros(R, dtype=np.int8) for h in self.hosts}  # index into DECISIONS
        self.flags = {k: np.zeros((R, n), dtype=bool) for k in ("retaliation", "finding", "referral")}
        self.called_off = {h: np.zeros(R, dtype=bool) for h in self.hosts}
        self.shortfall = np.zeros((R, n))
        self.trade_lost = np.zeros((R, n))
        # the rows of the hosts: the only rows of the utilities that advance and the reporters read
        self._host_rows = np.array(sorted(set(self.hosts)), dtype=np.intp)
        self._row_of = {h: i for i, h in enumerate(self._host_rows.tolist())}
        # how the arrays' host rows are read: a slice (views, not copies) when they are contiguous
        rows = self._host_rows.tolist()
        self._rows: np.ndarray | slice = self._host_rows
        if rows and rows == list(range(rows[0], rows[-1] + 1)):
            self._rows = slice(rows[0], rows[-1] + 1)
        # the host-partner pairs a step reads: every visit's, and each host's reported partner
        pairs = dict.fromkeys([(self.idx[ev.host], self.idx[ev.visitor]) for _, ev in self.visits]
                              + list(self._host_partner.items()))
        self._pair_of = {hq: i for i, hq in enumerate(pairs)}
        self._pair_rows = np.array([self._row_of[h] for h, _ in pairs], dtype=np.intp)
        self._pair_cols = np.array([q for _, q in pairs], dtype=np.intp)
        self._disc: np.ndarray | None = None
        self._cache: dict[str, np.ndarray] = {}  # propensities, emptied whenever an input changes

    def reporters(self) -> dict[str, Any]:
        """Credibility, cumulative counts, and each host's option probabilities, per step."""
        rep: dict[str, Any] = {"credibility": "credibility"}
        for k in ("visits", "arrests", "non_compliances", "findings"):
            rep[k] = [self._count, [k]]
        for h in self.hosts:
            rep[f"p_comply.{self.ids[h]}"] = [self._propensity, [h, 1]]
            rep[f"p_call_off.{self.ids[h]}"] = [self._propensity, [h, 0]]
        return rep

    def _count(self, key: str) -> np.ndarray:
        return self.counts[key].copy()

    def _propensity(self, h: int, option: int) -> np.ndarray:
        return self._host_propensities()[:, self._pair_of[(h, self._host_partner[h])], option].copy()

    def _option_probabilities(self, rows: np.ndarray | slice, pairs: bool = False) -> np.ndarray:
        """Option probabilities of the hosts in ``rows`` toward every partner: shape (R, rows, n, 3).

        With ``pairs``, only those of the pairs a step reads (``rows`` must be the hosts' rows):
        shape (R, pairs, 3). The logit is taken pair by pair, so the values are the same.
        """
        p = self.p
        if self._disc is None:  # depends on parameters only: recomputed after set_parameter
            self._disc = expected_discount(p["finding_delay"], p["finding_delay_spread"], p["discount"])
        rel = self.rel
        eu = option_utilities(
            member=self.member[rows], credibility=self.credibility,
            dependence=rel["energy_dependence"][:, rows], trade=rel["trade_share"][:, rows],
            ties=rel["ties"][:, rows], support=rel["norm_support"][:, :, self.inst],
            domestic=self.attr["domestic_compliance"][:, rows], third_mask=self.third_mask, discount=self._disc, p=p,
            pairs=(self._pair_rows, self._pair_cols) if pairs else None,
        )
        if pairs:
            return softmax(p["rationality"][:, None, None] * eu)
        return softmax(p["rationality"][:, None, None, None] * eu)

    def _host_propensities(self) -> np.ndarray:
        """:meth:`propensities` for the pairs a step reads only (pair i: ``self._pair_of``), shape (R, pairs, 3).

        The utilities are computed for the hosts' rows, the logit for the pairs.
        """
        if "hosts" not in self._cache:
            self._cache["hosts"] = self._option_probabilities(self._rows, pairs=True)
        return self._cache["hosts"]

    def propensities(self) -> np.ndarray:
        """Probability ``P[r, h, p, k]`` that host h picks option k (:data:`OPTIONS`) toward partner p, now."""
        if "all" not in self._cache:
            self._cache["all"] = self._option_probabilities(slice(None))
        return self._cache["all"]

    def invalidate(self) -> None:
        """Recompute the propensities (and the expected discount) after inputs changed in place."""
        self._disc = None
        self._cache.clear()

    def on_set_parameter(self, event: Any, mask: np.ndarray | None = None) -> None:
        """Event ``set_parameter``; propensities are recomputed."""
        super().on_set_parameter(event, mask)
        self.invalidate()

    def on_set_relation(self, event: Any, mask: np.ndarray | None = None) -> None:
        """Event ``set_relation``; propensities are recomputed."""
        super().on_set_relation(event, mask)
        self._cache.clear()

    def on_visit(self, event: Visit, mask: np.ndarray) -> None:
        """Event ``visit``: mark the runs in which the visit is planned; decided in ``advance``."""
        self._fired[:, self._visit_pos[self.event_index]] = mask

    def _shift_ties(self, runs: np.ndarray, h: int, others: np.ndarray, delta: np.ndarray) -> None:
        """Add ``delta[r]`` to ties h-j and j-h for runs ``runs`` (bool (R,)) and actors ``others`` (bool (R, n))."""
        add = np.where(others & runs[:, None], delta[:, None], 0.0)
        t = self.rel["ties"]
        t[:, h, :] += add
        t[:, :, h] += add

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
            h, vis = self.idx[ev.host], self.idx[ev.visitor]
            u = self.u[:, v]
            found = due & (u[:, self._U_FIND] < p["finding_prob"])
            referred = found & (u[:, self._U_REFER] < p["referral_prob"])
            sanctioned = referred & (u[:, self._U_SANCTION] < p["sanction_prob"])
            self._review[:, v] = np.where(due, np.where(found, 1, 2), self._review[:, v])
            self.flags["finding"][found, h] = True
            self.flags["referral"][referred, h] = True
            self.counts["findings"] += found
            self.counts["referrals"] += referred
            self.counts["sanctions"] += sanctioned
            f = p["enforcement_restoration"]
            self.credibility = np.where(found, self.credibility + f * (1.0 - self.credibility), self.credibility)
            if sanctioned.any():
                supporters = np.broadcast_to((support > 0) & self.third_mask, support.shape).copy()
                supporters[:, [h, vis]] = False
                self._shift_ties(sanctioned, h, supporters, -p["third_party_cost"])
                np.clip(t, -1.0, 1.0, out=t)
            self._cache.clear()
        # 2. this step's visits, decided simultaneously against the state at the start of the step
        todo = [(v, ev) for v, (_, ev) in enumerate(self.visits) if ev.step == step and self._fired[:, v].any()]
        if not todo:
            return
        po_all = self._host_propensities()
        comply_n = np.zeros(self.R)
        defy_n = np.zeros(self.R)
        trade = self.rel["trade_share"]
        for v, ev in todo:
            h, vis = self.idx[ev.host], self.idx[ev.visitor]
            u = self.u[:, v]
            fired = self._fired[:, v]
            po = po_all[:, self._pair_of[(h, vis)]]  # (R, 3): call off, arrest, no arrest
            choice = (u[:, self._U_CHOICE, None] >= np.cumsum(po, axis=-1)[:, :-1]).sum(axis=-1)
            call_off = fired & (choice == 0)
            hosted = po[:, 1] + po[:, 2]
            risk = np.divide(po[:, 1], hosted, out=np.zeros(self.R), where=hosted > 0)
            gain = self.attr["visit_value"][:, vis] - risk * self.attr["arrest_cost"][:, vis]
            travel = fired & ~call_off & (u[:, self._U_TRAVEL] < logistic(p["visitor_rationality"] * gain))
            comply = travel & (choice == 1)
            refuse = travel & (choice == 2)
            # only a member is bound: a member's refusal is a non-compliance and a precedent
            defy = refuse & bool(self.member[h])
            comply_member = comply & bool(self.member[h])
            retaliate = comply & (u[:, self._U_RETALIATE] < p["retaliation_prob"])
            if v == self._first_visit[h]:  # decision.h records the first visit planned to h
                self.decision[h][:] = np.where(fired, np.where(travel, np.where(comply, 2, 3), 1), 0)
                self.called_off[h][:] = call_off
            self.counts["visits"] += travel
            self.counts["visits_declined"] += fired & ~travel
            self.counts["calls_off"] += call_off
            self.counts["arrests"] += comply
            self.counts["non_compliances"] += defy
            self.counts["refusals_by_non_members"] += refuse & ~defy
            self.counts["retaliations"] += retaliate
            self.flags["retaliation"][retaliate, h] = True
            self.shortfall[:, h] += np.where(retaliate, p["retaliation_severity"]
                                             * self.rel["energy_dependence"][:, h, vis], 0.0)
            self.trade_lost[:, h] += np.where(retaliate, p["trade_severity"] * trade[:, h, vis], 0.0)
            one = np.zeros((self.R, self.n), dtype=bool)
            one[:, vis] = True
            self._shift_ties(comply, h, one, -p["partner_tie_loss"])
            self._shift_ties(refuse, h, one, np.asarray(p["visit_tie_gain"], dtype=float))
            self._shift_ties(call_off, h, one, -p["call_off_tie_loss"])
            # third parties (not the host, the partner or the institution) react with
            # probability |s_j| when they disapprove of the choice
            draws = u[:, self._U_REACT:]
            react = (draws < np.abs(support)) & self.third_mask
            react[:, h] = False
            react[:, vis] = False
            react_c = react & (support < 0) & comply[:, None]
            react_d = react & (support > 0) & refuse[:, None]
            self._shift_ties(comply, h, react_c, -p["third_party_cost"])
            self._shift_ties(refuse, h, react_d, -p["third_party_cost"])
            self.trade_lost[:, h] += p["trade_severity"] * (trade[:, h, :] * (react_c | react_d)).sum(axis=-1)
            due = step + finding_delay_steps(p["finding_delay"], p["finding_delay_spread"], u[:, self._U_DELAY])
            self._review_due[defy, v] = due[defy]
            self._review[:, v] = np.where(defy, np.where(due > self.spec.steps, 3, 0), self._review[:, v])
            comply_n += comply_member
            defy_n += defy
        np.clip(t, -1.0, 1.0, out=t)
        np.clip(self.trade_lost, 0.0, 1.0, out=self.trade_lost)
        # precedent: every decision moves the credibility shared by all members
        # (only runs with a decision change: 1 - (1 - C) is not exactly C in floating point)
        c = 1.0 - (1.0 - self.credibility) * (1.0 - p["compliance_reinforcement"]) ** comply_n
        c = c * (1.0 - p["precedent_erosion"]) ** defy_n
        self.credibility = np.where(comply_n + defy_n > 0, c, self.credibility)
        self._cache.clear()

    def outcomes(self) -> dict[str, Any]:
        """Per-run outcomes as arrays over the runs of this model."""
        out: dict[str, Any] = {k: v.copy() for k, v in self.counts.items()}
        out["reviews_pending"] = (self._review == 3).sum(axis=1).astype(np.int64)
        out["final_credibility"] = self.credibility.copy()
        out["norm_unravelled"] = self.credibility < self.p["unravel_threshold"]
        dt = self.rel["ties"] - self.ties0
        names = np.array(DECISIONS, dtype=object)
        reviews = np.array(REVIEWS, dtype=object)
        for h in self.hosts:
            hid = self.ids[h]
            out[f"decision.{hid}"] = names[self.decision[h]]
            out[f"called_off.{hid}"] = self.called_off[h].copy()
            out[f"review.{hid}"] = reviews[self._review[:, self._first_visit[h]]]
            out[f"retaliation.{hid}"] = self.flags["retaliation"][:, h].copy()
            out[f"finding.{hid}"] = self.flags["finding"][:, h].copy()
            out[f"referral.{hid}"] = self.flags["referral"][:, h].copy()
            out[f"energy_shortfall.{hid}"] = self.shortfall[:, h].copy()
            out[f"trade_loss.{hid}"] = self.trade_lost[:, h].copy()
            for j, jid in enumerate(self.ids):
                if j not in (h, self.inst):
                    out[f"ties_change.{hid}.{jid}"] = dt[:, h, j].copy()
        return out
