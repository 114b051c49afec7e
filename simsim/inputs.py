"""The fixed arrays and uncertain inputs of a scenario, and sampling them for a run.

:func:`design_of` reads the scenario and its mechanism's declaration (not its model, so no Mesa
import); :func:`sample_inputs` and :func:`sample_inputs_batch` draw the uncertain inputs from the
runs' seed streams. Re-exported by :mod:`simsim.model`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from simsim.scenario.quantity import Quantity
    from simsim.scenario.schema import Scenario


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
    from simsim.registry import get_declaration

    mech = get_declaration(scenario.model)
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


Placed = tuple[dict[str, Any], dict[str, np.ndarray], dict[str, np.ndarray], list[dict[str, Any]]]


def place_inputs(scenario: Scenario, inputs: dict[str, Any], runs: int | None = None) -> Placed:
    """Parameters, attributes, relations and behaviour parameters with ``inputs`` in place.

    ``runs=None``: one run (numbers, attributes (n,), relations (n, n)); ``runs=R``: R runs side
    by side (arrays (R,), (R, n), (R, n, n)), each input then an array of R values. Inputs not
    given keep the scenario's central values; a symmetric relation gets its value both ways.
    """
    d = design_of(scenario)
    if runs is None:
        p: dict[str, Any] = dict(d.params)
        attr = {k: v.copy() for k, v in d.attr.items()}
        rel = {k: v.copy() for k, v in d.rel.items()}
        bparams: list[dict[str, Any]] = [dict(b) for b in d.behaviour_params]
    else:
        p = {k: np.full(runs, v) for k, v in d.params.items()}
        attr = {k: np.broadcast_to(v, (runs, *v.shape)).copy() for k, v in d.attr.items()}
        rel = {k: np.broadcast_to(v, (runs, *v.shape)).copy() for k, v in d.rel.items()}
        bparams = [{k: np.full(runs, v) for k, v in b.items()} for b in d.behaviour_params]
    for u in d.uncertain:
        if u.column not in inputs:
            continue
        v: Any = np.asarray(inputs[u.column], dtype=float)
        if runs is None:
            v = float(v)
        kind = u.target[0]
        if kind == "param":
            p[u.target[1]] = v
        elif kind == "attr":
            attr[u.target[1]][..., u.target[2]] = v
        elif kind == "bparam":
            bparams[u.target[2]][u.target[1]] = v
        else:
            _, name, i, j = u.target
            rel[name][..., i, j] = v
            if d.rel_symmetric[name]:
                rel[name][..., j, i] = v
    return p, attr, rel, bparams


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


__all__ = ["Design", "UncertainInput", "design_of", "inputs_from_uniforms", "sample_inputs", "sample_inputs_batch"]
