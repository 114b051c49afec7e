"""The base Mesa model every mechanism extends.

A mechanism is a :class:`DiplomacyModel` subclass registered under a name (see
:mod:`simsim.registry`). It inherits its declaration (a :class:`~simsim.declaration.Declaration`
subclass: what it reads from a scenario, ``parameters``, ``attributes``, ``relations``,
``event_types``, so scenarios are validated before any run, and what it reports,
``outcome_specs``), which lives in a module that does not import Mesa. The spec classes and
:func:`design_of` are re-exported here from :mod:`simsim.declaration` and :mod:`simsim.inputs`.
The base class builds one
:class:`~simsim.agents.StateAgent` per actor and keeps the numbers in numpy arrays so
that ``advance()`` computes a step for all actors at once.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

with warnings.catch_warnings():
    # Mesa's batch runner imports tqdm.auto, which warns "IProgress not found" in a Jupyter
    # kernel without ipywidgets; only that warning is silenced, and only during this import
    warnings.filterwarnings("ignore", message="IProgress not found", module="tqdm")
    import mesa
import numpy as np

from simsim.agents import StateAgent
from simsim.declaration import Declaration, OutcomeKind, OutcomeSpec, Param, RelationSpec, ReporterSpec
from simsim.inputs import (
    Design,
    UncertainInput,
    design_of,
    inputs_from_uniforms,
    place_inputs,
    sample_inputs,
    sample_inputs_batch,
)
from simsim.scenario.schema import EventSpec, SetParameter, SetRelation

if TYPE_CHECKING:
    from simsim.scenario.schema import Scenario


# ------------------------------------------------------------------- the base model
class DiplomacyModel(Declaration, mesa.Model):
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

    vectorised: ClassVar[bool] = False

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
        self.behaviour_params: list[dict[str, Any]]
        self.p, self.attr, self.rel, self.behaviour_params = place_inputs(
            scenario, self.inputs, self.R if self.vectorised else None)
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
    def may_be_positive(self, name: str) -> bool:
        """Whether parameter ``name`` can be above zero in some run (decided by the scenario alone).

        A mechanism can then skip drawing the random numbers of a rule that cannot act.
        """
        q = self.spec.parameters.get(name)
        if q is not None and (q.uncertain or q.central() > 0):
            return True
        if q is None and float(self.parameters[name].default or 0.0) > 0:
            return True
        return any(isinstance(ev, SetParameter) and ev.parameter == name and float(ev.value) > 0
                   for ev in self.spec.events)

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


__all__ = [
    "Declaration", "Design", "DiplomacyModel", "OutcomeKind", "OutcomeSpec", "Param", "RelationSpec", "ReporterSpec",
    "UncertainInput", "design_of", "inputs_from_uniforms", "sample_inputs", "sample_inputs_batch",
]
