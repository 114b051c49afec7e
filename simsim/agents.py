"""Agents: the readable face of the state the model keeps in arrays."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

with warnings.catch_warnings():
    # Mesa's batch runner imports tqdm.auto, which warns "IProgress not found" in a Jupyter
    # kernel without ipywidgets; only that warning is silenced, and only during this import
    warnings.filterwarnings("ignore", message="IProgress not found", module="tqdm")
    import mesa
import numpy as np

if TYPE_CHECKING:
    from simsim.model import DiplomacyModel
    from simsim.scenario.schema import Actor


class StateAgent(mesa.Agent):
    """One actor of a scenario: a state, or a non-state actor such as an institution.

    The numbers describing the actor live in arrays on the model (``model.attr``,
    ``model.rel``) so a step is computed for all actors at once; the agent exposes them
    by name.

    Attributes
    ----------
    actor_id : str
        Scenario id (ISO 3166 alpha-3 where one exists).
    name : str
        Display name.
    kind : str
        ``state``, ``institution``, ``nonstate`` or ``group``.
    memberships : tuple of str
        Ids of institutions or groups the actor belongs to.
    index : int
        Row of this actor in every model array.
    """

    def __init__(self, model: DiplomacyModel, actor: Actor, index: int) -> None:
        super().__init__(model)
        self.actor_id = actor.id
        self.name = actor.name
        self.kind = actor.kind
        self.memberships = tuple(actor.memberships)
        self.behaviour = actor.behaviour
        self.index = index

    def attribute(self, name: str) -> float | np.ndarray:
        """Current value of attribute ``name`` for this actor.

        A float, or an array with one value per run when the model computes several runs.
        """
        return _scalar(self.model.attr[name][..., self.index])  # type: ignore[attr-defined]

    def relation(self, name: str, other: str) -> float | np.ndarray:
        """Current weight of relation ``name`` from this actor to actor ``other`` (float or per-run array)."""
        m = self.model
        return _scalar(m.rel[name][..., self.index, m.idx[other]])  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"StateAgent({self.actor_id!r}, {self.name!r})"


def _scalar(x: np.ndarray) -> float | np.ndarray:
    x = np.asarray(x)
    return float(x.reshape(-1)[0]) if x.size == 1 else x.copy()
