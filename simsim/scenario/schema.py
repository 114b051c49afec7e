"""The scenario schema: what a YAML scenario file may contain.

The models here are frozen and strict (unknown keys are errors with a did-you-mean).
Checks that need the whole file (ids that must exist, a mechanism's parameters) are in
:mod:`simsim.scenario.loader`, which also turns validation errors into one message
naming the file, line and key.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field, PrivateAttr, field_validator, model_validator

from simsim.errors import ScenarioError
from simsim.scenario.base import Number, StrictModel, Whole
from simsim.scenario.quantity import Quantity

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"


class Source(StrictModel):
    """A reference that numbers in the scenario cite by ``id``.

    A source says where it can be checked: a ``url``, a ``document`` identifier (an ICC or UN
    document number, a press-release number, a DOI or an ISBN), or both; ``accessed`` is the
    date the URL was read. When neither a URL nor a document identifier exists, or none could
    be confirmed, ``no_link_reason`` says so. Every source shipped with simsim has one of the
    three (``tests/scenario/test_sources.py``).
    """

    id: str = Field(pattern=ID_PATTERN)
    title: str
    url: str | None = None
    document: str | None = Field(None, description="Document number, press-release number, DOI or ISBN.")
    accessed: datetime.date | None = Field(None, description="Date the URL was read (YYYY-MM-DD).")
    no_link_reason: str | None = Field(None, description="Why the source has neither a URL nor a document number.")
    year: Whole | None = None
    publisher: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _says_where_to_check(self) -> Source:
        if not self.checkable:
            raise ValueError(f"source '{self.id}' does not say where it can be checked: give a 'url', a 'document' "
                             "(a document or press-release number, a DOI or an ISBN) or, when neither exists, "
                             "'no_link_reason' saying why")
        return self

    @property
    def checkable(self) -> bool:
        """True if the source gives a URL, a document identifier or a reason why it has neither."""
        return bool((self.url or "").strip() or (self.document or "").strip() or (self.no_link_reason or "").strip())


class Actor(StrictModel):
    """A state or non-state actor (an institution, an armed group)."""

    id: str = Field(pattern=ID_PATTERN, description="ISO 3166 alpha-3 where one exists.")
    name: str
    kind: Literal["state", "institution", "nonstate", "group"] = "state"
    memberships: tuple[str, ...] = ()
    attributes: dict[str, Quantity] = Field(default_factory=dict)
    behaviour: str | None = Field(None, description="Decision rule (mechanisms that use behaviours).")
    behaviour_params: dict[str, Quantity] = Field(default_factory=dict)
    note: str | None = None


class Edge(Quantity):
    """One weighted edge of a relation: a quantity with its two ends."""

    from_: str = Field(alias="from")
    to: str

    @property
    def key(self) -> str:
        """Edge label used in column names: ``FROM->TO``."""
        return f"{self.from_}->{self.to}"


class Relation(StrictModel):
    """A named, directed, weighted matrix between actors, declared as edges."""

    description: str | None = None
    symmetric: bool = Field(False, description="If true, each edge sets both directions.")
    default: Number = Field(0.0, description="Value of every pair not listed.")
    edges: tuple[Edge, ...] = ()


class EventSpec(StrictModel):
    """A dated intervention in a run; mechanisms subclass it for their own event types.

    An event fires at the start of step ``step`` (1-based) with probability ``probability``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    actor_fields: ClassVar[tuple[str, ...]] = ()

    step: Whole = Field(ge=0)
    type: str
    probability: Number = Field(1.0, ge=0.0, le=1.0)
    note: str | None = None


class GenericEvent(EventSpec):
    """An event before its type is known: any extra keys are kept for the typed validation."""

    model_config = ConfigDict(extra="allow", frozen=True)

    @model_validator(mode="wrap")
    @classmethod
    def _unknown_keys(cls, data: Any, handler: Any) -> Any:  # extras are checked by the typed event later
        return handler(data)


class SetParameter(EventSpec):
    """Set a mechanism parameter to a new value from this step on (e.g. a doctrine change)."""

    parameter: str
    value: Number


class SetRelation(EventSpec):
    """Set one edge of a relation (both directions if the relation is symmetric)."""

    actor_fields: ClassVar[tuple[str, ...]] = ("from_", "to")
    relation: str
    from_: str = Field(alias="from")
    to: str
    value: Number


class Factor(StrictModel):
    """One swept factor of an experiment: explicit ``values``, or ``levels`` evenly spaced in [low, high]."""

    # finite numbers only (no yes/no value, NaN or infinity); an empty list is refused by _shape,
    # not by a length constraint, which would add a second problem when the items are invalid
    values: tuple[Number, ...] | None = Field(None, description="The values to sweep.")
    low: Number | None = None
    high: Number | None = None
    levels: int | None = Field(None, ge=2, le=10_000, strict=True)

    @model_validator(mode="after")
    def _shape(self) -> Factor:
        grid = (self.low, self.high, self.levels)
        if self.values is not None:
            if any(v is not None for v in grid):
                raise ValueError("give either 'values' or 'low', 'high' and 'levels', not both")
            if not self.values:
                raise ValueError("a factor's values must not be empty")
            if len(set(self.values)) != len(self.values):
                raise ValueError("a factor's values must be distinct")
        elif any(v is None for v in grid):
            raise ValueError("a factor needs 'values: [...]' or 'low', 'high' and 'levels'")
        elif not self.low < self.high:  # type: ignore[operator]
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        return self

    def points(self) -> list[float]:
        """The factor's values, in order."""
        if self.values is not None:
            return [float(v) for v in self.values]
        import numpy as np

        return [float(v) for v in np.linspace(self.low, self.high, self.levels)]  # type: ignore[arg-type]


class Experiment(StrictModel):
    """How a scenario is run as an experiment (see ``docs/experiments.md``).

    ``random`` and ``lhs``: ``replications`` runs, inputs sampled independently or as a Latin
    hypercube. ``sweep``: every combination of the ``factors`` (full factorial; each a dotted
    path as in ``--set``), ``replications`` runs per point, the same seeds at every point
    (common random numbers). ``sobol``: Saltelli's design for Sobol indices over the uncertain
    inputs, ``base_samples`` x (k + 2) design rows. ``morris``: ``trajectories`` x (k + 1) rows
    on a grid of ``levels`` levels, for Morris elementary effects. For these two, ``replications``
    (default 1) is the number of runs per design row: the indices then apportion the variance of
    the mean outcome of a row (for a probability: the probability), not the noise of single runs.
    """

    design: Literal["random", "lhs", "sweep", "sobol", "morris"] = "random"
    replications: int | None = Field(None, ge=1, le=10_000_000, strict=True,
                                     description="Runs (per point of a sweep, per row of a sobol or morris design).")
    factors: dict[str, Factor] = Field(default_factory=dict, description="Swept factors: path -> values.")
    base_samples: int | None = Field(None, ge=2, le=1_000_000, strict=True, description="Sobol: N.")
    trajectories: int | None = Field(None, ge=2, le=1_000_000, strict=True, description="Morris: trajectories.")
    levels: int = Field(4, ge=2, le=100, strict=True, description="Morris: grid levels.")

    @model_validator(mode="after")
    def _fields_of_design(self) -> Experiment:
        d = self.design
        if d == "sweep" and not self.factors:
            raise ValueError("a sweep needs 'factors' (path: {values: [...]})")
        if d != "sweep" and self.factors:
            raise ValueError(f"'factors' belong to design 'sweep', not '{d}'")
        if d == "sobol" and self.base_samples is None:
            raise ValueError("design 'sobol' needs 'base_samples' (N; the design runs N x (inputs + 2) times)")
        if d != "sobol" and self.base_samples is not None:
            raise ValueError(f"'base_samples' belongs to design 'sobol', not '{d}'")
        if d == "morris" and self.trajectories is None:
            raise ValueError("design 'morris' needs 'trajectories' (the design runs trajectories x (inputs + 1) times)")
        if d != "morris" and self.trajectories is not None:
            raise ValueError(f"'trajectories' belongs to design 'morris', not '{d}'")
        return self


class Scenario(StrictModel):
    """A validated, immutable description of one case. Build it with :func:`simsim.load_scenario`."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    title: str | None = None
    description: str
    model: str = Field(description="Mechanism name (see `simsim list`).")
    steps: int = Field(1, ge=1, le=1_000_000, strict=True)
    replications: int = Field(1000, ge=1, le=10_000_000, strict=True)
    seed: int | None = Field(None, ge=0, strict=True)
    actors: tuple[Actor, ...] = Field(min_length=1)
    relations: dict[str, Relation] = Field(default_factory=dict)
    parameters: dict[str, Quantity] = Field(default_factory=dict)
    settings: dict[str, Any] = Field(
        default_factory=dict,
        description="Mechanism-specific structured settings (e.g. the games of `games`), "
        "validated by the mechanism's check.",
    )
    events: tuple[GenericEvent, ...] = ()
    outcomes: tuple[str, ...] = Field((), description="Main outcomes, shown first and plotted.")
    observed: dict[str, Any] = Field(
        default_factory=dict,
        description="What actually happened, for cases from the record: outcome name -> observed value "
        "(a category of a category outcome, true/false for a bool, a number for a number outcome). "
        "Used by prior predictive checks and calibration; it does not change a run.",
    )
    sources: tuple[Source, ...] = ()
    extends: str | None = Field(None, description="Base scenario this one changes (path relative to this file).")
    strict: bool = Field(False, strict=True, description="Require every parameter of the mechanism to be given "
                         "(no value silently taken from the mechanism's defaults).")
    experiment: Experiment | None = Field(None, description="How to run it: a design (sweep, sobol, morris...).")

    _origin: str | None = PrivateAttr(None)
    _raw: Any = PrivateAttr(None)
    _hash: str | None = PrivateAttr(None)
    _design: Any = PrivateAttr(None)
    _overrides: tuple[str, ...] = PrivateAttr(())

    @field_validator("events", mode="before")
    @classmethod
    def _typed_events(cls, value: Any) -> Any:
        """Typed events (e.g. from a validated scenario) are validated again from their fields."""
        if isinstance(value, (list, tuple)):
            return [ev.model_dump(by_alias=True, exclude_unset=True) | dict(ev.model_extra or {})
                    if isinstance(ev, EventSpec) and not isinstance(ev, GenericEvent) else ev for ev in value]
        return value

    @field_validator("relations", "parameters")
    @classmethod
    def _names(cls, value: dict[str, Any]) -> dict[str, Any]:
        import re

        for key in value:
            if not re.match(ID_PATTERN, str(key)):
                raise ValueError(f"'{key}' is not a valid name (letters, digits, underscores)")
        return value

    # -- conveniences for mechanisms and tools -------------------------------------------------
    @property
    def ids(self) -> list[str]:
        """Actor ids in declaration order (the index order of every array)."""
        return [a.id for a in self.actors]

    @property
    def origin(self) -> str | None:
        """The file the scenario was loaded from."""
        return self._origin

    @property
    def content_hash(self) -> str:
        """SHA-256 of the validated content (independent of formatting and comments)."""
        if self._hash is None:
            import hashlib
            import json

            blob = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)
            self._hash = hashlib.sha256(blob.encode()).hexdigest()
        return self._hash

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id."""
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)

    def error(self, path: tuple[Any, ...] | list[Any], message: str) -> ScenarioError:
        """A :class:`ScenarioError` for ``path`` (a key path into the file), with file and line."""
        from simsim.scenario.yamlio import format_path, locate

        loc = locate(self._raw, path) if self._raw is not None else None
        file, line = loc if loc else (self._origin, None)
        return ScenarioError(message, file, line, format_path(path))

    # -- display (notebooks and the console) ---------------------------------------------------
    @property
    def overrides(self) -> tuple[str, ...]:
        """The ``--set`` style overrides applied when loading (``"path.to.key=value"``), if any."""
        return self._overrides

    def __repr__(self) -> str:
        over = f", overrides={list(self._overrides)!r}" if self._overrides else ""
        return (f"Scenario(name={self.name!r}, model={self.model!r}, actors={len(self.actors)}, "
                f"steps={self.steps}{over})")

    def __str__(self) -> str:
        return self.__repr__()

    def _repr_html_(self) -> str:
        from simsim.display import scenario_html

        return scenario_html(self)
