"""What a mechanism declares: the specs of its inputs and outputs, and the :class:`Declaration` base.

Checking a scenario needs only a mechanism's declarations (its parameters, attributes,
relations, event types, ``check`` and ``outcome_specs``), not the model that runs it. They live
here and in the light modules of :mod:`simsim.mechanisms.declarations`, which import neither Mesa
nor pandas, so that ``simsim validate`` and ``simsim describe`` start fast. A mechanism's model
class inherits its declaration: ``class DilemmaModel(DilemmaDeclaration, DiplomacyModel)``, so the
declaration has one source of truth. The names are re-exported by :mod:`simsim.model`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal

from simsim.scenario.schema import EventSpec

if TYPE_CHECKING:
    from simsim.scenario.schema import Actor, Scenario

OutcomeKind = Literal["number", "bool", "category"]


@dataclass(frozen=True)
class Param:
    """Declaration of a numeric input a mechanism reads (a parameter or an actor attribute).

    Parameters
    ----------
    default
        Value used when the scenario does not give one; ``None`` makes it required.
    low, high
        Allowed bounds; a scenario whose value (or distribution support) leaves them is rejected.
    doc
        One line: what it means, in which units.
    integer
        Whether the value must be a whole number.
    kinds
        For attributes: the actor kinds that must have it (``None``: all).
    """

    default: float | None
    low: float | None = None
    high: float | None = None
    doc: str = ""
    integer: bool = False
    kinds: tuple[str, ...] | None = None

    def applies_to(self, actor: Actor) -> bool:
        """Whether ``actor`` must carry this attribute."""
        return self.kinds is None or actor.kind in self.kinds


@dataclass(frozen=True)
class RelationSpec:
    """Declaration of a relation a mechanism reads."""

    doc: str = ""
    required: bool = False
    symmetric: bool = False
    low: float | None = None
    high: float | None = None
    integer: bool = False


@dataclass(frozen=True)
class OutcomeSpec:
    """Declaration of a per-run outcome.

    ``kind`` is ``number`` (summarised by mean, sd, quantiles), ``bool`` (probability with
    a Wilson interval) or ``category`` (probability of each of ``categories``).

    ``label`` is what a reader sees in figures and tables instead of ``name`` (a short phrase
    that names the actors, e.g. "Mongolia: change in ties with China"). ``unit`` is the unit of
    a number outcome as written on an axis ("warheads", "share of fuel supply (0-1)",
    "months"). The empty string ``""`` is allowed only for a dimensionless count whose label
    says what is counted ("number of local minima") or for a ``bool`` or ``category`` outcome,
    which figures show as probabilities over runs. ``None`` means not declared: figures then
    fall back to the name, and ``tests/test_plotting.py`` rejects it for shipped mechanisms.
    """

    name: str
    kind: OutcomeKind
    doc: str = ""
    categories: tuple[str, ...] = field(default_factory=tuple)
    label: str = ""
    unit: str | None = None


@dataclass(frozen=True)
class ReporterSpec:
    """Declaration of a per-step reporter (a column of ``Results.timeseries``).

    ``label`` and ``unit`` follow the same rules as in :class:`OutcomeSpec`; fan charts use
    them for titles and y-axes. Mechanisms declare them in :meth:`Declaration.reporter_specs`.
    """

    name: str
    label: str = ""
    unit: str | None = None
    doc: str = ""


class Declaration:
    """What a mechanism reads from a scenario and what it reports; no state, no Mesa.

    A mechanism's declaration is a subclass that sets the class attributes below and overrides
    the class methods; its model class inherits it (see :class:`~simsim.model.DiplomacyModel`).
    The loader checks scenarios against declarations only (:func:`simsim.registry.get_declaration`).

    Attributes
    ----------
    name : str
        Registry name (``model:`` in a scenario).
    citation : str
        Where the mechanism's rules come from.
    parameters, attributes : dict of str to Param
        Scenario-wide parameters and per-actor attributes it reads.
    relations : dict of str to RelationSpec
        Relations (actors x actors) it reads.
    event_types : dict of str to EventSpec subclass
        Its own event types (besides ``set_parameter`` and ``set_relation``).
    main_reporters : tuple of str
        The reporters shown first.
    open_relations, open_attributes : bool
        Whether a scenario may give relations / attributes the mechanism does not declare
        (e.g. relations named in ``settings:``); otherwise an unknown name is an error.
    uses_settings : bool
        Whether it reads a scenario's free-form ``settings:`` (otherwise giving them is an error).
    """

    name: ClassVar[str] = ""
    citation: ClassVar[str] = ""
    parameters: ClassVar[dict[str, Param]] = {}
    attributes: ClassVar[dict[str, Param]] = {}
    relations: ClassVar[dict[str, RelationSpec]] = {}
    event_types: ClassVar[dict[str, type[EventSpec]]] = {}
    main_reporters: ClassVar[tuple[str, ...]] = ()
    open_relations: ClassVar[bool] = False
    open_attributes: ClassVar[bool] = False
    uses_settings: ClassVar[bool] = False

    @classmethod
    def outcome_specs(cls, scenario: Scenario) -> list[OutcomeSpec]:
        """The per-run outcomes this mechanism reports for ``scenario``."""
        return []

    @classmethod
    def reporter_specs(cls, scenario: Scenario) -> list[ReporterSpec]:
        """Labels and units of the per-step reporters this mechanism records for ``scenario``."""
        return []

    @classmethod
    def check(cls, scenario: Scenario) -> None:
        """Mechanism-specific validation; raise ``scenario.error(path, message)``."""


__all__ = ["Declaration", "OutcomeKind", "OutcomeSpec", "Param", "RelationSpec", "ReporterSpec"]
