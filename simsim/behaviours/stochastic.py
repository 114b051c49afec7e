"""Behaviours that draw random numbers: generous tit-for-tat, random, quantal response.

Each rule draws exactly one uniform number per selected slot per round (whatever the history),
from the run's generator, so a run's random stream does not depend on which branch a pair is in.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from simsim.behaviours.base import Behaviour, BehaviourParam, PairHistory
from simsim.registry import register_behaviour

__all__ = ["GenerousTitForTat", "QuantalResponse", "RandomBehaviour"]


@register_behaviour
class GenerousTitForTat(Behaviour):
    """Tit-for-tat that forgives: after a confrontation, cooperate anyway with probability g.

    Rule: cooperate in the first round; afterwards, if the partner cooperated in the last round,
    cooperate; if it confronted, cooperate with probability ``forgiveness`` (g) and confront
    otherwise.

    Origin: Nowak, M. A. & Sigmund, K. (1992), Tit for tat in heterogeneous populations,
    *Nature* 355: 250-253. Their evolutionarily favoured level of generosity is
    g = min(1 - (T - R)/(R - S), (R - P)/(T - P)), which is 1/3 for T=5, R=3, P=1, S=0: the
    default here.
    """

    name = "generous_tit_for_tat"
    origin = (
        "Nowak, M. A. & Sigmund, K. (1992). Tit for tat in heterogeneous populations. "
        "Nature 355: 250-253."
    )
    metadata = MappingProxyType(
        {"stochastic": True, "memory_depth": 1, "nice": True, "first_move": "cooperate"}
    )
    parameters = MappingProxyType(
        {
            "forgiveness": BehaviourParam(
                default=1.0 / 3.0,
                low=0.0,
                high=1.0,
                doc="Probability of cooperating after the partner confronted (generous_tit_for_tat).",
            )
        }
    )

    def decide(self, history: PairHistory, sel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """C in round 1; after a partner's D, C with probability ``forgiveness``."""
        u = rng.random(sel.shape[0])
        if history.round == 0:
            return np.zeros(sel.shape[0], dtype=bool)
        g = history.param("forgiveness", sel, self.parameters["forgiveness"].default)
        return history.their_last[sel] & (u >= g)


@register_behaviour
class RandomBehaviour(Behaviour):
    """Cooperate with a fixed probability p in every round, independently of the history.

    Origin: the RANDOM rule Axelrod added to his first tournament, which cooperated with
    probability 1/2 (Axelrod 1980); ``cooperation_probability`` generalises it.
    """

    name = "random"
    origin = (
        "Axelrod, R. (1980). Effective choice in the prisoner's dilemma. "
        "Journal of Conflict Resolution 24(1): 3-25 (the RANDOM entry)."
    )
    metadata = MappingProxyType(
        {"stochastic": True, "memory_depth": 0, "nice": False, "first_move": "random"}
    )
    parameters = MappingProxyType(
        {
            "cooperation_probability": BehaviourParam(
                default=0.5,
                low=0.0,
                high=1.0,
                doc="Probability of cooperating in each round (random).",
            )
        }
    )

    def decide(self, history: PairHistory, sel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """C with probability ``cooperation_probability``."""
        u = rng.random(sel.shape[0])
        p = history.param(
            "cooperation_probability", sel, self.parameters["cooperation_probability"].default
        )
        return u >= p


@register_behaviour
class QuantalResponse(Behaviour):
    r"""Logit (quantal) response to the expected payoffs under beliefs about the partner's play.

    The slot believes its partner cooperates with probability

    .. math:: q_t = \frac{w\,q_0 + n_C(t)}{w + t},

    where :math:`n_C(t)` is the number of the partner's cooperations in the :math:`t` rounds
    played so far, :math:`q_0` the prior (``prior_cooperation``) and :math:`w` its weight in
    rounds (``prior_weight``); this is fictitious play with a Beta prior. Expected payoffs are
    :math:`E_m = q_t\,u(m, C) + (1 - q_t)\,u(m, D)` with the slot's own payoff matrix ``u``, and
    the slot confronts with the logit probability

    .. math:: \Pr(D) = \frac{1}{1 + \exp(-\lambda\,(E_D - E_C))},

    with rationality :math:`\lambda \ge 0` (``rationality``): :math:`\lambda = 0` is a fair coin,
    :math:`\lambda \to \infty` the best response to the belief.

    Origin: the logit quantal response of McKelvey, R. D. & Palfrey, T. R. (1995), Quantal
    response equilibria for normal form games, *Games and Economic Behavior* 10(1): 6-38, applied
    to empirical beliefs as in stochastic fictitious play (Fudenberg, D. & Levine, D. K. (1998),
    *The Theory of Learning in Games*, MIT Press).
    """

    name = "quantal_response"
    origin = (
        "McKelvey, R. D. & Palfrey, T. R. (1995). Quantal response equilibria for normal form "
        "games. Games and Economic Behavior 10(1): 6-38."
    )
    metadata = MappingProxyType(
        {"stochastic": True, "memory_depth": float("inf"), "nice": False, "first_move": "random"}
    )
    parameters = MappingProxyType(
        {
            "rationality": BehaviourParam(
                default=1.0,
                low=0.0,
                high=1e3,
                doc="Logit precision lambda in payoff units^-1 (quantal_response).",
            ),
            "prior_cooperation": BehaviourParam(
                default=0.5,
                low=0.0,
                high=1.0,
                doc="Prior belief that the partner cooperates (quantal_response).",
            ),
            "prior_weight": BehaviourParam(
                default=1.0,
                low=0.0,
                high=1e6,
                doc="Weight of the prior belief, in rounds of observation (quantal_response).",
            ),
        }
    )

    def decide(self, history: PairHistory, sel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """D with the logit probability of the expected-payoff difference."""
        u = rng.random(sel.shape[0])
        ps = self.parameters
        lam = history.param("rationality", sel, ps["rationality"].default)
        q0 = history.param("prior_cooperation", sel, ps["prior_cooperation"].default)
        w = history.param("prior_weight", sel, ps["prior_weight"].default)
        t = history.round
        coops = t - history.their_confronts[sel]
        denom = w + t
        q = np.where(denom > 0, (w * q0 + coops) / np.maximum(denom, 1e-300), q0)
        pay = history.payoff[sel]
        e_c = q * pay[:, 0, 0] + (1.0 - q) * pay[:, 0, 1]
        e_d = q * pay[:, 1, 0] + (1.0 - q) * pay[:, 1, 1]
        p_confront = quantal_probability(lam * (e_d - e_c))
        return u < p_confront


def quantal_probability(x: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-x))``, computed without overflow.

    Parameters
    ----------
    x : numpy.ndarray
        Scaled payoff differences ``lambda * (E_D - E_C)``.

    Returns
    -------
    numpy.ndarray
        Probabilities in [0, 1].
    """
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))
