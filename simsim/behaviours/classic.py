"""Deterministic behaviours from Axelrod's tournaments and the literature around them.

Every rule here uses no random numbers: with no execution noise, a match between two of them is
fully determined, which is what lets tests check exact match scores (e.g. tit-for-tat against
always-confront over 200 rounds with R=3, T=5, S=0, P=1 scores 199 against 204).
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from simsim.behaviours.base import Behaviour, PairHistory
from simsim.registry import register_behaviour

__all__ = [
    "AlwaysConfront",
    "AlwaysCooperate",
    "GrimTrigger",
    "SuspiciousTitForTat",
    "TitForTat",
    "WinStayLoseShift",
]


@register_behaviour
class AlwaysCooperate(Behaviour):
    """Cooperate in every round, whatever the partner does.

    Origin: the unconditional cooperator ("ALL C"), a standard reference rule in Axelrod (1984),
    *The Evolution of Cooperation*, and in the ``axelrod`` library (``Cooperator``).
    """

    name = "always_cooperate"
    origin = "Axelrod, R. (1984). The Evolution of Cooperation. Basic Books."
    metadata = MappingProxyType(
        {"stochastic": False, "memory_depth": 0, "nice": True, "first_move": "cooperate"}
    )

    def decide(self, history: PairHistory, sel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Cooperate for every selected slot."""
        return np.zeros(sel.shape[0], dtype=bool)


@register_behaviour
class AlwaysConfront(Behaviour):
    """Confront in every round, whatever the partner does.

    Origin: the unconditional defector ("ALL D"), the reference rule that Axelrod (1980) compares
    entries against; the dominant-strategy choice of the one-shot prisoner's dilemma.
    """

    name = "always_confront"
    origin = (
        "Axelrod, R. (1980). Effective choice in the prisoner's dilemma. "
        "Journal of Conflict Resolution 24(1): 3-25."
    )
    metadata = MappingProxyType(
        {"stochastic": False, "memory_depth": 0, "nice": False, "first_move": "confront"}
    )

    def decide(self, history: PairHistory, sel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Confront for every selected slot."""
        return np.ones(sel.shape[0], dtype=bool)


@register_behaviour
class TitForTat(Behaviour):
    """Cooperate in the first round, then play the partner's previous move.

    Origin: submitted by Anatol Rapoport to Axelrod's first computer tournament, where it obtained
    the highest average score (Axelrod 1980); analysed at length in Axelrod (1984).
    """

    name = "tit_for_tat"
    origin = (
        "Rapoport's entry in Axelrod, R. (1980). Effective choice in the prisoner's dilemma. "
        "Journal of Conflict Resolution 24(1): 3-25."
    )
    metadata = MappingProxyType(
        {"stochastic": False, "memory_depth": 1, "nice": True, "first_move": "cooperate"}
    )

    def decide(self, history: PairHistory, sel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """C in round 1, else the partner's last move."""
        if history.round == 0:
            return np.zeros(sel.shape[0], dtype=bool)
        return history.their_last[sel].copy()


@register_behaviour
class SuspiciousTitForTat(Behaviour):
    """Confront in the first round, then play the partner's previous move.

    Origin: "suspicious tit for tat" in Boyd, R. & Lorberbaum, J. P. (1987), No pure strategy is
    evolutionarily stable in the repeated prisoner's dilemma game, *Nature* 327: 58-59. Against
    tit-for-tat it locks into alternation: (D, C), (C, D), (D, C), ...
    """

    name = "suspicious_tit_for_tat"
    origin = (
        "Boyd, R. & Lorberbaum, J. P. (1987). No pure strategy is evolutionarily stable in the "
        "repeated prisoner's dilemma game. Nature 327: 58-59."
    )
    metadata = MappingProxyType(
        {"stochastic": False, "memory_depth": 1, "nice": False, "first_move": "confront"}
    )

    def decide(self, history: PairHistory, sel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """D in round 1, else the partner's last move."""
        if history.round == 0:
            return np.ones(sel.shape[0], dtype=bool)
        return history.their_last[sel].copy()


@register_behaviour
class GrimTrigger(Behaviour):
    """Cooperate until the partner confronts once, then confront in every later round.

    Origin: the trigger strategy of Friedman, J. W. (1971), A non-cooperative equilibrium for
    supergames, *Review of Economic Studies* 38(1): 1-12; entered in Axelrod's first tournament
    as "Friedman" (Axelrod 1980). The rule reads the whole pair history (any confrontation by the
    partner so far), so it also applies after a state switches to it by imitation.
    """

    name = "grim_trigger"
    origin = (
        "Friedman, J. W. (1971). A non-cooperative equilibrium for supergames. "
        "Review of Economic Studies 38(1): 1-12."
    )
    metadata = MappingProxyType(
        {"stochastic": False, "memory_depth": float("inf"), "nice": True, "first_move": "cooperate"}
    )

    def decide(self, history: PairHistory, sel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """D once the partner has ever confronted, else C."""
        return history.their_confronts[sel] > 0


@register_behaviour
class WinStayLoseShift(Behaviour):
    """Cooperate first; then repeat the last move after a "win", switch after a "loss".

    A win is an outcome in which the partner cooperated (payoff R or T in the prisoner's
    dilemma), a loss one in which it confronted (S or P). Equivalently: cooperate if and only if
    both sides made the same move in the previous round (the memory-one rule (1, 0, 0, 1), "Pavlov").
    The rule is stated on moves, not payoff levels, so it means the same in every game.

    Origin: Nowak, M. & Sigmund, K. (1993), A strategy of win-stay, lose-shift that outperforms
    tit-for-tat in the Prisoner's Dilemma game, *Nature* 364: 56-58.
    """

    name = "win_stay_lose_shift"
    origin = (
        "Nowak, M. & Sigmund, K. (1993). A strategy of win-stay, lose-shift that outperforms "
        "tit-for-tat in the Prisoner's Dilemma game. Nature 364: 56-58."
    )
    metadata = MappingProxyType(
        {"stochastic": False, "memory_depth": 1, "nice": True, "first_move": "cooperate"}
    )

    def decide(self, history: PairHistory, sel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """C in round 1, else C iff both made the same move last round."""
        if history.round == 0:
            return np.zeros(sel.shape[0], dtype=bool)
        return history.my_last[sel] != history.their_last[sel]
