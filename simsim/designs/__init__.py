"""Experiment designs: sweeps over named parameters, and Sobol and Morris designs over the inputs.

A scenario's ``experiment:`` section (or these functions) says how it is run:

* :func:`sweep`: every combination of the values of some factors (full factorial; each factor
  a dotted path as in ``--set``), ``replications`` runs per point. Every point uses the same
  run seeds, and each uncertain input draws from its own stream (:mod:`simsim.rng`), so the
  runs at two points differ only by the factors: differences between points are not sampling
  noise (common random numbers). The runs table records each run's ``point`` and factor values
  (``sweep.<path>``).
* :func:`sobol` and :func:`morris`: SALib's designs over the uncertain inputs
  (:mod:`simsim.designs.salib`); :func:`simsim.designs.analysis.sobol_indices` and
  :func:`~simsim.designs.analysis.morris_effects` compute the indices with SALib.

Every run of every design is reproduced exactly from the results with :func:`rerun_inputs`
(the scenario of its point and its inputs) and :func:`simsim.run_one`.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from simsim.errors import SimsimError
from simsim.experiment import RunSettings, run
from simsim.experiment.runner import Points, with_shortcuts
from simsim.results import Results
from simsim.scenario.factors import check_factors, point_scenario
from simsim.scenario.schema import Experiment, Factor, Scenario

__all__ = ["check_factors", "morris", "point_scenario", "rerun_inputs", "run_experiment", "sobol", "sweep"]


def _as_scenario(scenario: Scenario | str | os.PathLike[str]) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario
    from simsim.scenario import load_scenario

    return load_scenario(scenario)


def _with_experiment(scn: Scenario, exp: Experiment | None) -> Scenario:
    """``scn`` with another experiment section (its recorded input data changed to match)."""
    new = scn.model_copy(update={"experiment": exp})
    raw = scn._raw
    if raw is not None:
        raw = type(raw)({k: v for k, v in raw.items() if k != "experiment"})
        if exp is not None:
            raw["experiment"] = exp.model_dump(mode="json", exclude_none=True)
    new._origin, new._raw, new._design, new._hash = scn._origin, raw, scn._design, None
    return new


def sweep(scenario: Scenario | str | os.PathLike[str], factors: Mapping[str, Sequence[float] | Factor],
          replications: int | None = None, seed: int | None = None, *,
          settings: RunSettings | None = None, jobs: int | None = None,
          out: str | os.PathLike[str] | None = None, executor: Any = None, quiet: bool = False) -> Results:
    """Run every combination of ``factors`` (full factorial), ``replications`` runs per point.

    Parameters
    ----------
    scenario
        The scenario (or its path or shipped name).
    factors
        Dotted path (as ``--set``) -> values, or a :class:`~simsim.scenario.schema.Factor`
        (``low``, ``high``, ``levels``).
    replications, seed, settings, jobs, out, executor, quiet
        As :func:`simsim.run`; ``replications`` is per point. Every point uses the same seeds.

    Returns
    -------
    Results
        All runs; ``runs.point`` is the design point, ``sweep.<path>`` its factor values, and
        ``run`` numbers runs ``point * replications + i``. ``metadata["design"]`` records the design.
    """
    scn = _as_scenario(scenario)
    names, levels = _factor_levels(factors)
    s = with_shortcuts(settings, jobs, out, executor, quiet)
    exp = scn.experiment
    for given in (replications, s.replications):
        if given is not None and (isinstance(given, bool) or not float(given).is_integer() or given < 1):
            raise SimsimError(f"replications (per point) must be a whole number of at least 1 (got {given!r})")
    # resuming: the plan's runs per point win unless given here (the file's value is not "given")
    from_file = exp.replications if exp is not None and not s.resume else None
    reps = next((int(r) for r in (replications, s.replications, from_file) if r is not None), None)
    combos = list(itertools.product(*levels))
    # validate every point before running any (a bad path or value fails now, with its location)
    scenarios = tuple(point_scenario(scn, dict(zip(names, combo, strict=True))) for combo in combos)
    points = [list(c) for c in combos]
    design = {"kind": "sweep", "factors": names, "levels": levels, "points": points}  # the runner adds replications
    columns = tuple((("point", float(p)), *((f"sweep.{name}", float(v)) for name, v in zip(names, combo, strict=True)))
                    for p, combo in enumerate(combos))
    pts = Points(scenarios, columns, design, {"design": "sweep", "factors": names, "points": points})
    return run(scn, seed=seed, settings=replace(s, replications=reps), points=pts)


def _problems(exc: Any) -> str:
    """A pydantic ValidationError of Python arguments as ``key: message; ...``."""
    return "; ".join(f"{'.'.join(str(x) for x in e['loc']) or 'value'}: {e['msg'].removeprefix('Value error, ')}"
                     for e in exc.errors())


def _factor_levels(factors: Mapping[str, Sequence[float] | Factor]) -> tuple[list[str], list[list[float]]]:
    """Factor names and their values, checked as a scenario's ``experiment: factors`` are."""
    from pydantic import ValidationError

    if not isinstance(factors, Mapping) or not factors:
        raise SimsimError("a sweep needs at least one factor: a mapping of dotted paths to values, "
                          "e.g. {'parameters.rationality': [1, 2, 4]}")
    names, levels = [], []
    for name, f in factors.items():
        if isinstance(f, Mapping):
            data: Any = dict(f)
        elif isinstance(f, (str, bytes)) or not isinstance(f, (Sequence, Factor)) and not hasattr(f, "__iter__"):
            raise SimsimError(f"sweep factor '{name}': give a list of values or a Factor (low, high, levels), "
                              f"not {f!r}")
        else:
            data = f if isinstance(f, Factor) else {"values": list(f)}
        try:
            factor = data if isinstance(data, Factor) else Factor.model_validate(data)
        except ValidationError as exc:
            raise SimsimError(f"sweep factor '{name}': {_problems(exc)}") from None
        names.append(str(name))
        levels.append([float(v) for v in factor.points()])
    return names, levels


def _experiment(data: dict[str, Any]) -> Experiment:
    """An experiment section from Python arguments; a bad value is a :class:`SimsimError` naming it."""
    from pydantic import ValidationError

    try:
        return Experiment.model_validate(data)
    except ValidationError as exc:
        raise SimsimError(f"{data['design']} design: {_problems(exc)}") from None


def _salib_design(scn: Scenario, exp: Experiment, seed: int | None, settings: RunSettings | None) -> Results:
    from simsim.designs.salib import problem

    names = problem(scn)["names"]
    k = len(names)
    reps = int(exp.replications or 1)
    if exp.design == "sobol":
        rows = int(exp.base_samples) * (k + 2)  # type: ignore[arg-type]
    else:
        rows = int(exp.trajectories) * (k + 1)  # type: ignore[arg-type]
    s = replace(settings or RunSettings(), replications=rows * reps, sampling=exp.design)
    return run(_with_experiment(scn, exp), seed=seed, settings=s)  # the runner records the design


def sobol(scenario: Scenario | str | os.PathLike[str], base_samples: int, replications: int = 1,
          seed: int | None = None, *, settings: RunSettings | None = None, jobs: int | None = None,
          out: str | os.PathLike[str] | None = None, executor: Any = None, quiet: bool = False) -> Results:
    """Saltelli's design for Sobol indices: ``base_samples * (k + 2)`` rows over the k uncertain inputs.

    ``base_samples`` must be a power of 2; each row is run ``replications`` times (each run with
    its own seed) and the indices apportion the variance of the rows' mean outcome. Analyse with
    :func:`simsim.designs.analysis.sobol_indices`. ``settings``, ``jobs``, ``out``, ``executor``
    and ``quiet`` as :func:`simsim.run`.
    """
    scn = _as_scenario(scenario)
    exp = _experiment({"design": "sobol", "base_samples": base_samples, "replications": replications})
    return _salib_design(scn, exp, seed, with_shortcuts(settings, jobs, out, executor, quiet))


def morris(scenario: Scenario | str | os.PathLike[str], trajectories: int, levels: int = 4,
           replications: int = 1, seed: int | None = None, *, settings: RunSettings | None = None,
           jobs: int | None = None, out: str | os.PathLike[str] | None = None, executor: Any = None,
           quiet: bool = False) -> Results:
    """Morris one-at-a-time trajectories: ``trajectories * (k + 1)`` rows on a grid of ``levels``.

    Each row is run ``replications`` times. Analyse with :func:`simsim.designs.analysis.morris_effects`.
    ``settings``, ``jobs``, ``out``, ``executor`` and ``quiet`` as :func:`simsim.run`.
    """
    scn = _as_scenario(scenario)
    exp = _experiment({"design": "morris", "trajectories": trajectories, "levels": levels,
                       "replications": replications})
    return _salib_design(scn, exp, seed, with_shortcuts(settings, jobs, out, executor, quiet))


def run_experiment(scenario: Scenario | str | os.PathLike[str], replications: int | None = None,
                   seed: int | None = None, *, settings: RunSettings | None = None,
                   design: str | None = None, jobs: int | None = None, out: str | os.PathLike[str] | None = None,
                   executor: Any = None, quiet: bool = False) -> Results:
    """Run ``scenario`` as its ``experiment:`` section says (plain replications when it has none).

    ``design`` (``random``, ``lhs``, ``sobol``, ``morris``) replaces the scenario's design (the
    ``experiment:`` section is then set aside); ``replications`` is the number of runs: per point
    for a sweep; for a Sobol or Morris section, which sets its own size, it must equal that size
    (as ``-n`` on the command line). ``settings``, ``jobs``, ``out``, ``executor`` and ``quiet``
    as :func:`simsim.run`.
    """
    settings = with_shortcuts(settings, jobs, out, executor, quiet)
    scn = _as_scenario(scenario)
    exp = scn.experiment or Experiment.model_validate({})
    kind = design or exp.design
    if scn.experiment is not None and kind != exp.design:
        scn = _with_experiment(scn, None)  # another design replaces the section's
        exp = Experiment.model_validate({})
    if kind != exp.design and kind in ("sobol", "morris"):
        # the design's size: from the scenario if it has it, else from replications
        from simsim.designs.salib import problem

        k = len(problem(scn)["names"])
        n = replications or (settings.replications if settings else None)
        if n is None:
            raise SimsimError(f"a {kind} design needs its size: give replications (a multiple of "
                              f"{k + 2 if kind == 'sobol' else k + 1})")
        s = replace(settings or RunSettings(), replications=int(n), sampling=kind)
        return run(scn, seed=seed, settings=s)  # the runner records the design
    if kind == "sweep":
        return sweep(scn, exp.factors, replications, seed, settings=settings)
    if kind in ("sobol", "morris"):
        n = replications if replications is not None else (settings.replications if settings else None)
        if n is not None:
            from simsim.designs.options import design_size

            runs, how = design_size(scn)
            if int(n) != runs:
                raise SimsimError(f"replications {n} conflicts with the scenario's experiment: section, which sets "
                                  f"the size of its {kind} design: {how}; leave replications out (or give {runs})")
        return _salib_design(scn, exp, seed, replace(settings, replications=None) if settings else None)
    s = settings or RunSettings()
    reps = replications or s.replications or exp.replications
    return run(scn, seed=seed, settings=replace(s, replications=reps, sampling=kind))


def rerun_inputs(results: Results, run_id: int, scenario: Scenario) -> tuple[Scenario, int, dict[str, float] | None]:
    """The scenario, seed and inputs that reproduce run ``run_id`` of ``results`` with :func:`simsim.run_one`.

    For a sweep, ``scenario`` is the base scenario and the run's point is rebuilt from the
    design; designed inputs (``lhs``, ``sobol``, ``morris``) are replayed from the runs table.
    """
    runs = results.runs
    row = runs.loc[runs["run"] == run_id]
    if row.empty:
        raise SimsimError(f"no run {run_id} in these results (runs 0..{int(runs['run'].max())})")
    rec = row.iloc[0]
    design = results.metadata.get("design") or {}
    scn = scenario
    if design.get("kind") == "sweep":
        combo = design["points"][int(rec["point"])]
        scn = point_scenario(scenario, dict(zip(design["factors"], combo, strict=True)))
    from simsim.inputs import design_of

    cols = [u.column for u in design_of(scn).uncertain]
    sampling = results.metadata.get("settings", {}).get("sampling", "random")
    inputs = {c: float(rec[c]) for c in cols} if sampling != "random" else None
    return scn, int(rec["seed"]), inputs
