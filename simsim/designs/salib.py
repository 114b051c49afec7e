"""Sobol and Morris designs over a scenario's uncertain inputs, from SALib.

The designs live in the unit cube of the inputs' *quantiles*: input i of a run takes the value
``F_i^{-1}(u_i)`` of its distribution, so one design serves inputs of any distribution and the
indices do not depend on the inputs' units. SALib (Herman & Usher 2017, *JOSS* 2(9); Iwanaga,
Usher & Herman 2022, *Socio-Environmental Systems Modelling* 4) builds the designs and computes
the indices:

* ``sobol``: Saltelli's scheme (Saltelli 2002; Saltelli et al. 2010) with a scrambled Sobol'
  sequence, ``N (k + 2)`` runs for first-order and total-order indices;
* ``morris``: ``r`` one-at-a-time trajectories on a grid of ``p`` levels (Morris 1991;
  Campolongo, Cariboni & Saltelli 2007), ``r (k + 1)`` runs. Grid levels 0 and 1 are moved to
  the quantiles ``1/(2p)`` and ``1 - 1/(2p)`` (each level at the middle of its stratum), so that
  unbounded distributions stay finite; elementary effects are per unit step of the quantile grid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from simsim.errors import SimsimError

if TYPE_CHECKING:
    from simsim.scenario.schema import Scenario

#: Sobol points are moved this far inside (0, 1), so unbounded inverse CDFs stay finite.
EDGE = 1e-9


def _salib() -> Any:
    try:
        import SALib  # noqa: F401
    except ImportError:  # pragma: no cover - SALib is a dependency of the designs extra
        raise SimsimError("Sobol and Morris designs need SALib: pip install 'simsim[designs]'") from None
    from SALib.sample import morris, sobol

    return sobol, morris


def problem(scenario: Scenario) -> dict[str, Any]:
    """SALib's problem: one variable per uncertain input, on the unit interval of its quantiles."""
    from simsim.inputs import design_of

    names = [u.column for u in design_of(scenario).uncertain]
    if not names:
        raise SimsimError(f"scenario '{scenario.name}' has no uncertain inputs: a Sobol or Morris design needs some")
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def levels_of(scenario: Scenario) -> int:
    """Morris grid levels: the scenario's ``experiment.levels``, else 4."""
    exp = scenario.experiment
    return exp.levels if exp is not None else 4


def pow2_neighbours(n: float) -> tuple[int, int]:
    """The powers of 2 just below and just above ``n`` (each at least 2; both ``n`` if it is one)."""
    down = 2
    while down * 2 <= n:
        down *= 2
    return down, (down if down == n else down * 2)


def check_size(k: int, rows: int, sampling: str, replications: int = 1) -> None:
    """Check that ``rows`` design rows make a Sobol or Morris design over ``k`` inputs.

    A Sobol design has ``base_samples x (k + 2)`` rows with ``base_samples`` a power of 2 (at
    least 2); a Morris design ``trajectories x (k + 1)`` rows with at least 2 trajectories.
    Each row is run ``replications`` times.

    Raises
    ------
    SimsimError
        Saying how the size follows from the design and giving the nearest valid numbers of runs.
    """
    per = k + 2 if sampling == "sobol" else k + 1
    reps = int(replications)
    runs = rows * reps
    times = f" x {reps} replications" if reps > 1 else ""

    def size(unit: int) -> str:
        return f"{unit * per * reps}"

    if sampling == "sobol":
        unit, rest = divmod(int(rows), per)
        if rest == 0 and unit >= 2 and not unit & (unit - 1):
            return
        down, up = pow2_neighbours(rows / per)
        down, up = (down, up) if down != up else (down, down * 2)
        raise SimsimError(f"a Sobol design over {k} uncertain inputs runs base_samples x (k + 2){times} = "
                          f"base_samples x {per}{times} times, base_samples a power of 2 (at least 2): "
                          f"{runs} runs are not such a multiple of {per * reps}; e.g. {size(down)} runs "
                          f"(base_samples {down}) or {size(up)} (base_samples {up})")
    unit, rest = divmod(int(rows), per)
    if rest == 0 and unit >= 2:
        return
    lo = max(unit, 2)
    if unit < 2:
        raise SimsimError(f"a Morris design over {k} uncertain inputs needs at least 2 trajectories of k + 1 = {per} "
                          f"runs{times} each: {runs} runs are too few; e.g. {size(2)} runs (2 trajectories) or "
                          f"{size(3)} (3 trajectories)")
    raise SimsimError(f"a Morris design over {k} uncertain inputs runs trajectories x (k + 1){times} = "
                      f"trajectories x {per}{times} times: {runs} runs are not a multiple of {per * reps}; e.g. "
                      f"{size(lo)} runs ({lo} trajectories) or {size(lo + 1)} ({lo + 1} trajectories)")


def grid(names: list[str], n: int, master_seed: int, sampling: str, levels: int = 4) -> np.ndarray:
    """SALib's design in the unit cube for inputs ``names``, as SALib returns it (shape (n, k)).

    A function of its arguments only, so analyses regenerate it from the results' metadata.
    """
    sobol, morris = _salib()
    k = len(names)
    prob = {"num_vars": k, "names": list(names), "bounds": [[0.0, 1.0]] * k}
    per = k + 2 if sampling == "sobol" else k + 1
    check_size(k, int(n), sampling)
    unit = int(n) // per
    seed = int(np.random.SeedSequence([int(master_seed), 3]).generate_state(1)[0])
    if sampling == "sobol":
        return np.asarray(sobol.sample(prob, unit, calc_second_order=False, seed=seed), dtype=float)
    return np.asarray(morris.sample(prob, unit, num_levels=levels, seed=seed), dtype=float)


def replications_of(scenario: Scenario) -> int:
    """Runs per design row: the scenario's ``experiment.replications`` for a sobol or morris design, else 1."""
    exp = scenario.experiment
    if exp is not None and exp.design in ("sobol", "morris") and exp.replications:
        return int(exp.replications)
    return 1


def design_uniforms(scenario: Scenario, n: int, master_seed: int, sampling: str) -> np.ndarray:
    """The (n, k) quantiles the runs of a Sobol or Morris design take (see the module notes).

    With ``replications`` r per row, runs ``i r .. i r + r - 1`` share row i (each with its own seed).
    """
    names = problem(scenario)["names"]
    p = levels_of(scenario)
    reps = replications_of(scenario)
    if n % reps:
        rows = max(n // reps, 1)
        check_size(len(names), rows, sampling, reps)  # a message with valid sizes, if rows are not one
        raise SimsimError(f"{n} runs do not make whole design rows of {reps} replications: give "
                          f"{rows * reps} runs ({rows} rows of {reps})")
    check_size(len(names), n // reps, sampling, reps)
    x = grid(names, n // reps, master_seed, sampling, p)
    u = np.clip(x, EDGE, 1.0 - EDGE) if sampling == "sobol" else 0.5 / p + x * (1.0 - 1.0 / p)
    return np.repeat(u, reps, axis=0)


def design_metadata(scenario: Scenario, sampling: str, n: int) -> dict[str, object]:
    """What the results of a Sobol or Morris design record of it (for the analyses)."""
    names = problem(scenario)["names"]
    reps = replications_of(scenario)
    per = len(names) + (2 if sampling == "sobol" else 1)
    return {"kind": sampling, "inputs": names, "levels": levels_of(scenario) if sampling == "morris" else None,
            "replications": reps, "base_samples": n // reps // per if sampling == "sobol" else None,
            "trajectories": n // reps // per if sampling == "morris" else None}
