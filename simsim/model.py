"""The base Mesa model every mechanism extends, and the specs mechanisms declare.

A mechanism is a :class:`DiplomacyModel` subclass registered under a name (see
:mod:`simsim.registry`). It declares what it reads from a scenario (``parameters``,
``attributes``, ``relations``, ``event_types``) so scenarios are validated before any
run, and what it reports (``outcome_specs``, ``reporters``). The base class builds one
:class:`~simsim.agents.StateAgent` per actor and keeps the numbers in numpy arrays so
that ``advance()`` computes a step for all actors at once.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

with warnings.catch_warnings():
    # Mesa's batch runner imports tqdm.auto, which warns "IProgress not found" in a Jupyter
    # kernel without ipywidgets; only that warning is silenced, and only during this import
    warnings.filterwarnings("ignore", message="IProgress not found", module="tqdm")
    import mesa
import numpy as np

from simsim.agents import StateAgent
from simsim.scenario.schema import EventSpec, SetParameter, SetRelation

if TYPE_CHECKING:
    from simsim.scenario.quantity import Quantity
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
    them for titles and y-axes. Mechanisms declare them in :meth:`DiplomacyModel.reporter_specs`.
    """

    name: str
    label: str = ""
    unit: str | None = None
    doc: str = ""


# ------------------------------------------------------------------- inputs of one run
@dataclass(frozen=True)
class UncertainInput:
    """One uncertain quantity of a scenario and where its sampled value goes."""

    column: str
    quantity: Quantity
    target: tuple[Any, ...]


@dataclass
class Design:
    """Arrays and uncertain inputs precomputed once per scenario (cached on the Scenario)."""

    ids: list[str]
    params: dict[str, float]
    attr: dict[str, np.ndarray]
    rel: dict[str, np.ndarray]
    rel_symmetric: dict[str, bool]
    behaviour_params: list[dict[str, float]]
    uncertain: list[UncertainInput]


def design_of(scenario: Scenario) -> Design:
    """Precompute the fixed arrays and the list of uncertain inputs of ``scenario``."""
    if scenario._design is not None:
        return scenario._design
    from simsim.registry import get_mechanism

    mech = get_mechanism(scenario.model)
    ids = scenario.ids
    idx = {a: i for i, a in enumerate(ids)}
    n = len(ids)
    unc: list[UncertainInput] = []

    params = {k: (np.nan if p.default is None else float(p.default)) for k, p in mech.parameters.items()}
    for name, q in scenario.parameters.items():
        params[name] = q.central()
        if q.uncertain:
            unc.append(UncertainInput(f"param.{name}", q, ("param", name)))

    attr: dict[str, np.ndarray] = {}
    names = list(mech.attributes) + [k for a in scenario.actors for k in a.attributes if k not in mech.attributes]
    for name in dict.fromkeys(names):
        spec = mech.attributes.get(name)
        default = np.nan if spec is None or spec.default is None else float(spec.default)
        attr[name] = np.full(n, default)
    bparams: list[dict[str, float]] = [{} for _ in range(n)]
    for i, a in enumerate(scenario.actors):
        for name, q in a.attributes.items():
            attr[name][i] = q.central()
            if q.uncertain:
                unc.append(UncertainInput(f"attr.{a.id}.{name}", q, ("attr", name, i)))
        for name, q in a.behaviour_params.items():
            bparams[i][name] = q.central()
            if q.uncertain:
                unc.append(UncertainInput(f"bparam.{a.id}.{name}", q, ("bparam", name, i)))

    rel: dict[str, np.ndarray] = {}
    sym: dict[str, bool] = {}
    for rname in dict.fromkeys([*mech.relations, *scenario.relations]):
        r = scenario.relations.get(rname)
        m = np.full((n, n), 0.0 if r is None else float(r.default))
        np.fill_diagonal(m, 0.0)
        sym[rname] = bool(r.symmetric) if r is not None else mech.relations[rname].symmetric
        if r is not None:
            for e in r.edges:
                i, j = idx[e.from_], idx[e.to]
                m[i, j] = e.central()
                if r.symmetric:
                    m[j, i] = m[i, j]
                if e.uncertain:
                    unc.append(UncertainInput(f"rel.{rname}.{e.key}", e, ("rel", rname, i, j)))
        rel[rname] = m
    design = Design(ids, params, attr, rel, sym, bparams, unc)
    scenario._design = design
    return design


def inputs_from_uniforms(scenario: Scenario, u: np.ndarray) -> dict[str, np.ndarray]:
    """Input values for uniforms ``u`` of shape (R, k): column i through quantity i's inverse CDF.

    ``k`` is the number of uncertain quantities, in declaration order (see :func:`design_of`).
    """
    unc = design_of(scenario).uncertain
    u = np.atleast_2d(np.asarray(u, dtype=float))
    if u.shape[1] != len(unc):
        raise ValueError(f"expected {len(unc)} uniforms per run, got {u.shape[1]}")
    # quantities sampled jointly (empirical, same ``joint:`` name) share the first one's uniform
    first: dict[str, int] = {}
    cols = [first.setdefault(q.quantity.stream(q.column), i) for i, q in enumerate(unc)]
    return {q.column: q.quantity.from_uniform(u[:, cols[i]]) for i, q in enumerate(unc)}


def sample_inputs(scenario: Scenario, seed: int) -> dict[str, float]:
    """Draw one value for every uncertain quantity of ``scenario`` for the run with seed ``seed``.

    Each quantity maps the first uniform of its own stream ``input:<column>`` (see
    :mod:`simsim.rng`) through its inverse CDF, so fixing or changing one input leaves the
    values of all others unchanged.
    """
    return {k: float(v[0]) for k, v in sample_inputs_batch(scenario, [int(seed)]).items()}


def sample_inputs_batch(scenario: Scenario, seeds: Sequence[int] | np.ndarray) -> dict[str, np.ndarray]:
    """:func:`sample_inputs` for many runs at once: one array of length ``len(seeds)`` per quantity."""
    from simsim.rng import first_uniforms

    unc = design_of(scenario).uncertain
    # each input its own stream, except quantities sampled jointly (Quantity.stream)
    u = first_uniforms(seeds, [q.quantity.stream(q.column) for q in unc])
    return {q.column: q.quantity.from_uniform(u[:, i]) for i, q in enumerate(unc)}


# ------------------------------------------------------------------- the base model
class DiplomacyModel(mesa.Model):
    """Base of every mechanism: actors as agents, numbers as arrays, events, data collection.

    Parameters
    ----------
    scenario
        A validated :class:`~simsim.scenario.schema.Scenario`.
    inputs
        Sampled values of the scenario's uncertain quantities, keyed by column name
        (``param.x``, ``attr.ID.x``, ``rel.NAME.FROM->TO``). Missing ones take the
        distribution's mean (see :meth:`Quantity.central`). For a vectorised mechanism,
        each value is an array with one entry per run.
    rng
        The run's seed (as recorded in ``Results.runs.seed``), or a :class:`numpy.random.Generator`
        (a run seed is then drawn from it). Mesa's ``self.rng`` is the run's stream ``model``
        (see :mod:`simsim.rng`).
    run_seeds
        Vectorised mechanisms only: the seeds of the runs this model computes side by side, one
        per run (see below). Without it the model computes one run, with seed ``rng``.

    Attributes
    ----------
    spec : Scenario
        The scenario (``scenario`` is taken by Mesa for its own scenario object).
    n, ids, idx
        Number of actors, their ids in order, and id -> array index.
    p : dict of str to float
        This run's parameter values, defaults filled in; ``set_parameter`` events change them.
    attr : dict of str to ndarray, shape (n,)
        Actor attributes.
    rel : dict of str to ndarray, shape (n, n)
        Relation matrices, ``rel[name][i, j]`` from actor i to actor j (copies, free to mutate).
    actors : list of StateAgent
        One agent per actor, in order.

    Notes
    -----
    A mechanism that sets ``vectorised = True`` computes ``R`` runs side by side in one Mesa
    model: ``self.p[name]`` has shape (R,), ``self.attr[name]`` (R, n) and ``self.rel[name]``
    (R, n, n); reporters and outcomes return arrays of length R. Run ``r`` draws only from its
    own streams (:meth:`uniforms`, keyed by its seed ``self.run_seeds[r]``): the events use stream
    ``events`` (event k fires in run r if uniform k is below its ``probability``), and a mechanism
    names its own streams. So a run's results do not depend on which other runs share its model:
    a batch of R runs equals R models of one run. Event handlers
    receive ``(event, mask)``, the runs in which the event fires. While a handler runs,
    ``self.event_index`` is the event's position in ``scenario.events`` (two identical events
    are still two events).
    """

    name: ClassVar[str] = ""
    citation: ClassVar[str] = ""
    parameters: ClassVar[dict[str, Param]] = {}
    attributes: ClassVar[dict[str, Param]] = {}
    relations: ClassVar[dict[str, RelationSpec]] = {}
    event_types: ClassVar[dict[str, type[EventSpec]]] = {}
    main_reporters: ClassVar[tuple[str, ...]] = ()
    vectorised: ClassVar[bool] = False
    #: whether a scenario may give relations / attributes the mechanism does not declare
    #: (e.g. relations named in ``settings:``); otherwise an unknown name is an error
    open_relations: ClassVar[bool] = False
    open_attributes: ClassVar[bool] = False

    def __init__(
        self,
        scenario: Scenario,
        inputs: Mapping[str, Any] | None = None,
        rng: np.random.Generator | int | None = None,
        *,
        run_seeds: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        from simsim.rng import generator

        if run_seeds is not None and not self.vectorised:
            raise TypeError(f"{type(self).__name__} computes one run per model; run_seeds needs vectorised = True")
        if run_seeds is None:
            if isinstance(rng, np.random.Generator):
                seeds = [int(rng.integers(0, 2**63))]
            elif rng is None:
                import secrets

                seeds = [secrets.randbits(63)]
            else:
                seeds = [int(rng)]
        else:
            seeds = [int(x) for x in run_seeds]
        self.run_seeds = np.asarray(seeds, dtype=np.uint64)
        # Mesa's generator: the run's stream 'model' (a vectorised mechanism draws through
        # self.uniforms instead, so its Mesa generator serves nothing)
        mesa_rng = rng if isinstance(rng, np.random.Generator) and run_seeds is None else generator(seeds[0], "model")
        super().__init__(rng=mesa_rng)
        self.R = len(seeds) if self.vectorised else 1
        self.spec = scenario
        d = design_of(scenario)
        self.ids = list(d.ids)
        self.idx = {a: i for i, a in enumerate(self.ids)}
        self.n = len(self.ids)
        self.inputs = dict(inputs or {})
        self.p: dict[str, Any]
        self.attr: dict[str, np.ndarray]
        self.rel: dict[str, np.ndarray]
        if self.vectorised:
            R = self.R
            self.p = {k: np.full(R, v) for k, v in d.params.items()}
            self.attr = {k: np.broadcast_to(v, (R, self.n)).copy() for k, v in d.attr.items()}
            self.rel = {k: np.broadcast_to(v, (R, self.n, self.n)).copy() for k, v in d.rel.items()}
            self.behaviour_params: list[dict[str, Any]] = [
                {k: np.full(R, v) for k, v in b.items()} for b in d.behaviour_params]
        else:
            self.p = dict(d.params)
            self.attr = {k: v.copy() for k, v in d.attr.items()}
            self.rel = {k: v.copy() for k, v in d.rel.items()}
            self.behaviour_params = [dict(b) for b in d.behaviour_params]
        for u in d.uncertain:
            if u.column not in self.inputs:
                continue
            v: Any = np.asarray(self.inputs[u.column], dtype=float)
            if not self.vectorised:
                v = float(v)
            kind = u.target[0]
            if kind == "param":
                self.p[u.target[1]] = v
            elif kind == "attr":
                self.attr[u.target[1]][..., u.target[2]] = v
            elif kind == "bparam":
                self.behaviour_params[u.target[2]][u.target[1]] = v
            else:
                _, rname, i, j = u.target
                self.rel[rname][..., i, j] = v
                if d.rel_symmetric[rname]:
                    self.rel[rname][..., j, i] = v
        self.actors = [StateAgent(self, a, i) for i, a in enumerate(scenario.actors)]
        self._events: dict[int, list[tuple[int, EventSpec]]] = defaultdict(list)
        for k, ev in enumerate(scenario.events):
            self._events[ev.step].append((k, ev))
        self._event_u = self.uniforms("events", len(scenario.events))
        self.setup()
        self._fire_events(0)
        self.datacollector = mesa.DataCollector(model_reporters=self.reporters())
        self.datacollector.collect(self)

    # -- hooks for mechanisms ------------------------------------------------------------
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

    def setup(self) -> None:
        """Build the mechanism's state (called at the end of ``__init__``)."""

    def reporters(self) -> dict[str, Any]:
        """Per-step reporters for Mesa's DataCollector (the timeseries columns)."""
        return {}

    def advance(self) -> None:
        """Compute one step for all actors at once."""
        raise NotImplementedError

    def outcomes(self) -> dict[str, Any]:
        """Per-run outcomes (keys as in :meth:`outcome_specs`)."""
        return {}

    # -- machinery -----------------------------------------------------------------------
    def uniforms(self, stream: str, shape: int | tuple[int, ...] = ()) -> np.ndarray:
        """Each run's uniforms of stream ``stream``: shape ``(R, *shape)`` (``R`` = 1 for one run).

        Values depend only on the run's seed, the stream's name and the position in ``shape``
        (see :mod:`simsim.rng`). Use one stream name per purpose (e.g. ``"visits"``); asking
        for the same stream twice returns the same numbers.
        """
        from simsim.rng import uniforms

        return uniforms(self.run_seeds, stream, shape)

    def step(self) -> None:
        """Fire the events due at this step, advance all actors, record the reporters."""
        self._fire_events(self.steps)
        self.advance()
        self.datacollector.collect(self)

    def run(self) -> DiplomacyModel:
        """Step the model ``spec.steps`` times, or until ``running`` turns False."""
        for _ in range(self.spec.steps):
            if not self.running:
                break
            self.step()
        return self

    def _fire_events(self, step: int) -> None:
        for k, ev in self._events.get(step, ()):
            self.event_index = k  # position in scenario.events of the event being applied
            if self.vectorised:
                mask = self._event_u[:, k] < ev.probability
                if mask.any():
                    self.fire(ev, mask)
                continue
            if ev.probability < 1.0 and not self._event_u[0, k] < ev.probability:
                continue
            self.fire(ev)

    def fire(self, event: EventSpec, mask: np.ndarray | None = None) -> None:
        """Apply one event now (dispatches to ``on_<type>``; vectorised models pass the runs' mask)."""
        handler = getattr(self, f"on_{event.type}", None)
        if handler is None:
            raise NotImplementedError(f"{type(self).__name__} has no handler for event '{event.type}'")
        if self.vectorised:
            handler(event, mask)
        else:
            handler(event)

    def on_set_parameter(self, event: SetParameter, mask: np.ndarray | None = None) -> None:
        """Event ``set_parameter``: change a parameter from this step on."""
        if mask is None:
            self.p[event.parameter] = float(event.value)
        else:
            self.p[event.parameter] = np.where(mask, float(event.value), self.p[event.parameter])

    def on_set_relation(self, event: SetRelation, mask: np.ndarray | None = None) -> None:
        """Event ``set_relation``: change one edge (both directions for a symmetric relation)."""
        i, j = self.idx[event.from_], self.idx[event.to]
        m = self.rel[event.relation]
        sym = design_of(self.spec).rel_symmetric.get(event.relation, False)
        if mask is None:
            m[i, j] = event.value
            if sym:
                m[j, i] = event.value
        else:
            m[mask, i, j] = event.value
            if sym:
                m[mask, j, i] = event.value

    def timeseries(self) -> dict[str, np.ndarray]:
        """Collected reporters over steps 0..T (step 0 is the initial state).

        Shape (T+1,) per reporter, or (T+1, R) for a vectorised model.
        """
        mv = self.datacollector.model_vars
        return {k: np.asarray(v, dtype=float) for k, v in mv.items()}
