"""A scenario at one point of a sweep, and the check that every point of a scenario's sweep is valid.

Light (no runner, no pandas): the loader checks an ``experiment:`` section's factors with
:func:`check_factors` when it validates a scenario. :mod:`simsim.designs` re-exports both.
:func:`design_size` is the size a Sobol or Morris section sets (``simsim validate`` prints it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from simsim.errors import SimsimError

if TYPE_CHECKING:
    from simsim.scenario.schema import Scenario


def _plain(v: float) -> int | float:
    """A factor value as an override: whole numbers as int (for integer settings such as ``steps``)."""
    return int(v) if float(v).is_integer() else float(v)


def point_scenario(scenario: Scenario, overrides: Mapping[str, Any]) -> Scenario:
    """``scenario`` with ``overrides`` applied (as ``--set``), validated, without its experiment."""
    from simsim.scenario.loader import apply_overrides, scenario_from_data

    raw = scenario._raw
    if raw is None:
        raise SimsimError("a sweep needs a scenario loaded from a file or data (simsim.load_scenario)")
    base = type(raw)({k: v for k, v in raw.items() if k != "experiment"})
    for attr in ("loc", "locs"):
        if hasattr(raw, attr):
            setattr(base, attr, getattr(raw, attr))
    data = apply_overrides(base, {k: _plain(v) for k, v in overrides.items()})
    return scenario_from_data(data, scenario.origin or "<data>")


def check_factors(scenario: Scenario) -> None:
    """Check that every value of every swept factor gives a valid scenario (each factor alone).

    Raises
    ------
    ScenarioError
        Located at the factor in the ``experiment:`` section, with the override's own message.
    """
    from simsim.errors import ScenarioError

    exp = scenario.experiment
    if exp is None:
        return
    for path, factor in exp.factors.items():
        for v in factor.points():
            try:
                point_scenario(scenario, {path: v})
            except ScenarioError as exc:
                raise scenario.error(("experiment", "factors", path),
                                     f"value {v:g} does not give a valid scenario: "
                                     f"{exc.key + ': ' if exc.key else ''}{exc.message}") from None


__all__ = ["check_factors", "point_scenario"]


def design_size(scenario: Scenario) -> tuple[int, str]:
    """Runs of the scenario's Sobol or Morris design, and how that number follows from the section.

    Returns
    -------
    runs : int
        ``base_samples x (k + 2) x replications`` (Sobol) or ``trajectories x (k + 1) x
        replications`` (Morris), k the number of uncertain inputs.
    explanation : str
        The same product with its numbers, e.g. ``base_samples 32 x (43 inputs + 2) x 2
        replications = 2880 runs``.
    """
    from simsim.inputs import design_of

    exp = scenario.experiment
    if exp is None or exp.design not in ("sobol", "morris"):
        raise SimsimError("only a Sobol or Morris design has a size of its own")
    k = len(design_of(scenario).uncertain)  # SALib's variables (simsim.designs.salib.problem)
    reps = int(exp.replications or 1)
    if exp.design == "sobol":
        unit, what, extra = int(exp.base_samples or 0), "base_samples", 2
    else:
        unit, what, extra = int(exp.trajectories or 0), "trajectories", 1
    runs = unit * (k + extra) * reps
    return runs, f"{what} {unit} x ({k} inputs + {extra}) x {reps} replication{'s' if reps > 1 else ''} = {runs} runs"
