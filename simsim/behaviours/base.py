"""Common interface of behaviours: vectorised decision rules for iterated two-move games.

A *behaviour* is the rule a state follows in the ``games`` mechanism. Each round, every pair of
states plays one simultaneous round of a 2x2 game with moves *cooperate* (``False``, C) and
*confront* (``True``, D). A pair has two *slots*, one per side; a slot sees the history of its own
pair only (its own and its partner's moves, payoffs and counts), never what happens in other pairs.

Behaviours decide for many slots at once: :meth:`Behaviour.decide` receives a :class:`PairHistory`
holding arrays over *all* slots and an index array ``sel`` of the slots that follow this
behaviour, and returns one move per selected slot. This keeps the per-round cost one numpy call
per behaviour in use, not one Python call per pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np

__all__ = ["COOPERATE", "CONFRONT", "Behaviour", "BehaviourParam", "PairHistory"]

COOPERATE: bool = False
"""Move value of *cooperate* (C)."""
CONFRONT: bool = True
"""Move value of *confront* (D, "defect" in the prisoner's dilemma literature)."""


@dataclass(frozen=True)
class BehaviourParam:
    """A numeric parameter of a behaviour, given per state.

    Parameters
    ----------
    default : float
        Value used when the scenario does not set it.
    low, high : float
        Inclusive bounds; a scenario value outside them is an input error.
    doc : str
        One-line description (shown in docs and errors).
    """

    default: float
    low: float
    high: float
    doc: str


@dataclass
class PairHistory:
    """What each slot (one side of one pair) knows before a round: the history of its pair.

    All arrays have one entry per slot. Slot ``2*p`` is the first state of pair ``p`` and slot
    ``2*p + 1`` the second; the partner of slot ``s`` is ``s ^ 1``.

    Attributes
    ----------
    round : int
        Number of rounds already played by every pair (0 before the first move).
    my_last, their_last : numpy.ndarray of bool
        Last executed move of the slot and of its partner (``True`` = confront). Meaningless
        (all ``False``) when ``round == 0``.
    my_payoff_last : numpy.ndarray of float
        Payoff the slot received in the last round (0 before the first round).
    their_confronts : numpy.ndarray of int
        Number of rounds in which the partner confronted so far.
    payoff : numpy.ndarray of float, shape (slots, 2, 2)
        The slot's own payoffs ``payoff[s, my_move, their_move]`` (index 0 = cooperate).
    params : Mapping[str, numpy.ndarray]
        Behaviour parameters per slot (e.g. ``forgiveness``), taken from the slot's state.
    """

    round: int
    my_last: np.ndarray
    their_last: np.ndarray
    my_payoff_last: np.ndarray
    their_confronts: np.ndarray
    payoff: np.ndarray
    params: Mapping[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def empty(
        cls,
        payoff: np.ndarray,
        params: Mapping[str, np.ndarray] | None = None,
    ) -> PairHistory:
        """History before the first round for slots with the given payoff matrices.

        Parameters
        ----------
        payoff : numpy.ndarray, shape (slots, 2, 2)
            Each slot's payoffs ``[my_move, their_move]``.
        params : Mapping[str, numpy.ndarray], optional
            Per-slot behaviour parameters.

        Returns
        -------
        PairHistory
        """
        payoff = np.asarray(payoff, dtype=float)
        n = payoff.shape[0]
        return cls(
            round=0,
            my_last=np.zeros(n, dtype=bool),
            their_last=np.zeros(n, dtype=bool),
            my_payoff_last=np.zeros(n),
            their_confronts=np.zeros(n, dtype=np.int64),
            payoff=payoff,
            params=dict(params or {}),
        )

    def record(self, moves: np.ndarray, partner: np.ndarray) -> np.ndarray:
        """Record one round of executed moves and return each slot's payoff.

        Parameters
        ----------
        moves : numpy.ndarray of bool, shape (slots,)
            Executed moves (after any execution noise).
        partner : numpy.ndarray of int, shape (slots,)
            Partner slot of each slot.

        Returns
        -------
        numpy.ndarray of float, shape (slots,)
            Payoff of each slot this round, ``payoff[s, moves[s], moves[partner[s]]]``.
        """
        theirs = moves[partner]
        pay = self.payoff[np.arange(moves.shape[0]), moves.astype(np.intp), theirs.astype(np.intp)]
        self.my_last = moves.copy()
        self.their_last = theirs
        self.my_payoff_last = pay
        self.their_confronts = self.their_confronts + theirs
        self.round += 1
        return pay

    def param(self, name: str, sel: np.ndarray, default: float) -> np.ndarray:
        """Per-slot values of a behaviour parameter for the selected slots.

        Parameters
        ----------
        name : str
            Parameter name.
        sel : numpy.ndarray of int
            Selected slots.
        default : float
            Value when the parameter is not supplied at all.

        Returns
        -------
        numpy.ndarray of float, shape (len(sel),)
        """
        values = self.params.get(name)
        if values is None:
            return np.full(sel.shape[0], float(default))
        return np.asarray(values, dtype=float)[sel]


class Behaviour:
    """Base class of behaviours (vectorised decision rules over slots).

    Subclasses set the class attributes below, state their rule and its origin in the docstring,
    and implement :meth:`decide`. Behaviours hold no per-pair state: everything they need is in
    the :class:`PairHistory`, so one instance serves every slot that uses it and pickles trivially.

    Attributes
    ----------
    name : str
        Registry name used in YAML (snake_case).
    origin : str
        Citation of the rule's origin.
    metadata : Mapping[str, Any]
        ``stochastic`` (bool: uses random numbers even without execution noise),
        ``memory_depth`` (int, or ``float('inf')`` for rules using the whole pair history),
        ``nice`` (bool: never the first to confront, absent noise), ``first_move``
        (``"cooperate"``, ``"confront"`` or ``"random"``).
    parameters : Mapping[str, BehaviourParam]
        Per-state numeric parameters the rule reads from ``history.params``.
    """

    name: ClassVar[str] = ""
    origin: ClassVar[str] = ""
    metadata: ClassVar[Mapping[str, Any]] = MappingProxyType({})
    parameters: ClassVar[Mapping[str, BehaviourParam]] = MappingProxyType({})

    def decide(self, history: PairHistory, sel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Moves of the selected slots for the coming round.

        Parameters
        ----------
        history : PairHistory
            History of every slot's pair.
        sel : numpy.ndarray of int
            Slots that follow this behaviour.
        rng : numpy.random.Generator
            The run's generator (the only source of randomness).

        Returns
        -------
        numpy.ndarray of bool, shape (len(sel),)
            ``True`` to confront, ``False`` to cooperate.
        """
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))
