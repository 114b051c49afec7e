"""Checks of :func:`simsim.run`'s arguments, before anything runs.

Misuse of the Python API (a float, a bool or a text where a whole number is expected, an
unknown sampling, a settings object of the wrong type) raises :class:`~simsim.errors.SimsimError`
with a message naming the argument, instead of a raw ``TypeError`` or ``ValueError`` from
inside the runner. An experiment whose tables cannot fit in memory is refused with an
estimate (:func:`memory_estimate`) instead of ending in ``MemoryError`` part-way.
"""

from __future__ import annotations

import numbers
import os
from typing import TYPE_CHECKING, Any

from simsim.errors import SimsimError

if TYPE_CHECKING:
    from simsim.scenario.schema import Scenario

SAMPLINGS = ("random", "lhs", "sobol", "morris")
INPUT_PREFIXES = ("param", "attr", "rel", "bparam")
#: Largest seed accepted (numpy's SeedSequence takes any non-negative integer; 2**128 keeps
#: seeds printable and recordable in JSON and Parquet metadata).
MAX_SEED = 2**128


def whole(value: Any, label: str, low: int | None = None, optional: bool = True) -> int | None:
    """``value`` as an int after checking it is a whole number (not a bool, a float or a text) >= ``low``."""
    if value is None:
        if optional:
            return None
        raise SimsimError(f"{label} is required")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise SimsimError(f"{label} must be a whole number, not {type(value).__name__} ({value!r})")
    v = int(value)
    if low is not None and v < low:
        raise SimsimError(f"{label} must be at least {low} (got {v})")
    return v


def check_run_arguments(scenario: Any, replications: Any, seed: Any, jobs: Any, settings: Any) -> None:
    """Check the arguments of :func:`simsim.run` (see there); raise :class:`SimsimError` on misuse."""
    import multiprocessing

    from simsim.experiment.runner import RunSettings
    from simsim.scenario.schema import Scenario

    if not isinstance(scenario, (Scenario, str, os.PathLike)):
        raise SimsimError(f"scenario must be a Scenario (simsim.load_scenario) or a path, "
                          f"not {type(scenario).__name__}")
    if settings is not None and not isinstance(settings, RunSettings):
        raise SimsimError(f"settings must be a simsim.RunSettings, not {type(settings).__name__}")
    s = settings or RunSettings()
    for label, value, low in (("replications", replications, 1), ("seed", seed, 0), ("jobs", jobs, 1),
                              ("settings.replications", s.replications, 1), ("settings.seed", s.seed, 0),
                              ("settings.jobs", s.jobs, 1), ("settings.chunk_size", s.chunk_size, 1)):
        v = whole(value, label, low)
        if label.endswith("seed") and v is not None and v >= MAX_SEED:
            raise SimsimError(f"{label} must be below 2**128 (got {v})")
    for label, value in (("settings.timeseries", s.timeseries),):
        if not isinstance(value, bool):
            raise SimsimError(f"{label} must be True or False, not {type(value).__name__} ({value!r})")
    if s.progress is not None and not isinstance(s.progress, bool):
        raise SimsimError(f"settings.progress must be True, False or None, not {s.progress!r}")
    if not isinstance(s.sampling, str) or s.sampling not in SAMPLINGS:
        from simsim.scenario.base import did_you_mean

        raise SimsimError(f"unknown sampling {s.sampling!r}{did_you_mean(str(s.sampling), SAMPLINGS)}; "
                          f"use {' or '.join(SAMPLINGS)}")
    if s.start_method is not None and s.start_method not in multiprocessing.get_all_start_methods():
        raise SimsimError(f"unknown start_method {s.start_method!r}; this platform offers "
                          f"{', '.join(multiprocessing.get_all_start_methods())}")


def check_run(scenario: Any, replications: Any, seed: Any, jobs: Any, settings: Any) -> None:
    """All checks :func:`simsim.run` makes before running: its arguments, then the memory it needs."""
    from simsim.scenario.schema import Scenario

    check_run_arguments(scenario, replications, seed, jobs, settings)
    if isinstance(scenario, Scenario):
        n = replications if replications is not None else (
            settings.replications if settings is not None and settings.replications is not None
            else scenario.replications)
        from simsim.experiment.runner import RunSettings, chunk_size_for, parse_memory

        s = settings or RunSettings()
        # the largest chunk the memory budget allows (one job); streamed results are not held in memory
        chunk = int(s.chunk_size) if s.chunk_size is not None else chunk_size_for(
            scenario, int(n), 1, parse_memory(s.memory))
        check_memory(scenario, int(n), s.timeseries, chunk_runs=chunk, streamed=s.out is not None)


def check_inputs(columns: list[str], inputs: Any) -> None:
    """Check the ``inputs`` given to :func:`simsim.run_one`: a mapping of every uncertain input to a finite number.

    Keys that are not input names (``run``, ``seed``, outcomes: a whole row of ``Results.runs``)
    are ignored; a key that looks like an input (``param.``, ``attr.``, ``rel.``, ``bparam.``)
    but is not one of the scenario's is an error.

    Raises
    ------
    SimsimError
        An unknown input name (with a did-you-mean), a missing one, or a value that is not a
        finite number.
    """
    import math
    from collections.abc import Mapping

    from simsim.scenario.base import did_you_mean

    if not isinstance(inputs, Mapping):
        raise SimsimError(f"inputs must be a mapping of input name to value, not {type(inputs).__name__}")
    for name in inputs:  # a whole row of Results.runs may be passed: its outcomes, run and seed are ignored
        if isinstance(name, str) and name.split(".", 1)[0] in INPUT_PREFIXES and name not in columns:
            raise SimsimError(f"unknown input '{name}'{did_you_mean(str(name), columns)}; the scenario's uncertain "
                              f"inputs: {', '.join(columns) or 'none'}")
    missing = [c for c in columns if c not in inputs]
    if missing:
        raise SimsimError(f"inputs lack {', '.join(missing)}")
    for name in columns:
        v = inputs[name]
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(float(v)):
            raise SimsimError(f"input '{name}' must be a finite number, not {v!r}")


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (``MemAvailable``), or ``None`` if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def memory_estimate(scenario: Scenario, replications: int, timeseries: bool, chunk_runs: int | None = None,
                    streamed: bool = False) -> dict[str, int]:
    """Rough lower bound of the bytes an experiment holds at once, by part.

    ``design``: the dense (actors x actors) matrix of every relation; ``chunk``: one chunk of a
    vectorised mechanism, which holds each relation per run (up to 1000 runs at a time);
    ``runs``: the runs table (8 bytes per run and column: seed, inputs, outcomes); ``timeseries``:
    one value per run, step and reporter (the number of reporters taken as the number of
    outcomes, which it rarely exceeds). ``chunk_runs``: the runs per chunk (default up to 1000);
    ``streamed``: results go to disk chunk by chunk (``out=``), so the runs table and the
    timeseries are not held in memory, only the run seeds.
    """
    from simsim.registry import get_mechanism

    mech = get_mechanism(scenario.model)
    n = len(scenario.actors)
    n_rel = len(set(mech.relations) | set(scenario.relations))
    n_unc = sum(q.uncertain for q in scenario.parameters.values())
    n_unc += sum(q.uncertain for a in scenario.actors for q in (*a.attributes.values(), *a.behaviour_params.values()))
    n_unc += sum(e.uncertain for r in scenario.relations.values() for e in r.edges)
    try:
        n_out = len(mech.outcome_specs(scenario))
    except Exception:  # noqa: BLE001 - an estimate must not fail on a mechanism's quirk
        n_out = n
    design = 8 * n * n * max(n_rel, 1)
    per_chunk = chunk_runs if chunk_runs is not None else min(1000, replications)
    chunk = design * per_chunk if mech.vectorised else design
    # streamed: only the run seeds are held (8 bytes per run, and 8 more while they are generated)
    runs = 16 * replications if streamed else 8 * replications * (2 + n_unc + n_out)
    ts = 8 * replications * (scenario.steps + 1) * (2 + n_out) if timeseries and not streamed else 0
    return {"design": design, "chunk": chunk, "runs": runs, "timeseries": ts}


def _gb(b: float) -> str:
    return f"{b / 1e9:.1f} GB"


def check_memory(scenario: Scenario, replications: int, timeseries: bool, available: int | None = None,
                 chunk_runs: int | None = None, streamed: bool = False) -> None:
    """Refuse an experiment whose :func:`memory_estimate` exceeds the available memory.

    Raises
    ------
    SimsimError
        With the estimate by part and what to change (fewer runs, no timeseries, fewer actors).
    """
    avail = available_memory() if available is None else available
    if avail is None:
        return
    est = memory_estimate(scenario, replications, timeseries, chunk_runs, streamed)
    total = sum(est.values())
    if total <= avail:
        return
    parts = ", ".join(f"{k} {_gb(v)}" for k, v in est.items() if v)
    advice = []
    if est["runs"] + est["timeseries"] > avail / 2:
        advice.append("fewer runs (-n)")
        if timeseries:
            advice.append("no timeseries (--no-timeseries)")
    if est["design"] + est["chunk"] > avail / 2:
        advice.append(f"fewer actors (it has {len(scenario.actors)})")
    raise SimsimError(f"this experiment needs at least {_gb(total)} of memory ({parts}) but {_gb(avail)} "
                      f"is available: run it with {' or '.join(advice) or 'a smaller setting'}")
