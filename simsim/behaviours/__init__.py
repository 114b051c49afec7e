"""Behaviours: decision rules states follow in the ``games`` mechanism, one module per family.

- :mod:`simsim.behaviours.classic` -- deterministic rules (always cooperate / confront,
  tit-for-tat, suspicious tit-for-tat, grim trigger, win-stay-lose-shift).
- :mod:`simsim.behaviours.stochastic` -- rules that draw random numbers (generous tit-for-tat,
  random, quantal response).

Every behaviour is a :class:`~simsim.behaviours.base.Behaviour` subclass with a registry
``name``, an ``origin`` citation, ``metadata`` and ``parameters``; it decides for all the pairs
that use it in one vectorised call.
"""

from __future__ import annotations

from simsim.behaviours.base import (
    CONFRONT,
    COOPERATE,
    Behaviour,
    BehaviourParam,
    PairHistory,
)
from simsim.behaviours.classic import (
    AlwaysConfront,
    AlwaysCooperate,
    GrimTrigger,
    SuspiciousTitForTat,
    TitForTat,
    WinStayLoseShift,
)
from simsim.behaviours.stochastic import GenerousTitForTat, QuantalResponse, RandomBehaviour

BUILTIN_BEHAVIOURS: tuple[type[Behaviour], ...] = (
    AlwaysCooperate,
    AlwaysConfront,
    TitForTat,
    SuspiciousTitForTat,
    GenerousTitForTat,
    GrimTrigger,
    WinStayLoseShift,
    RandomBehaviour,
    QuantalResponse,
)
"""Every built-in behaviour class, in a fixed order (the order used in reports)."""

__all__ = [
    "BUILTIN_BEHAVIOURS",
    "CONFRONT",
    "COOPERATE",
    "AlwaysConfront",
    "AlwaysCooperate",
    "Behaviour",
    "BehaviourParam",
    "GenerousTitForTat",
    "GrimTrigger",
    "PairHistory",
    "QuantalResponse",
    "RandomBehaviour",
    "SuspiciousTitForTat",
    "TitForTat",
    "WinStayLoseShift",
]
