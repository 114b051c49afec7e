"""How the options of ``simsim run`` combine with a scenario's ``experiment:`` section.

A scenario's ``experiment:`` section chooses its design and, for Sobol and Morris designs, its
size; ``--sampling``, ``-n`` and ``--set`` on the command line could silently replace or be
ignored by it. These checks make each such conflict an error that names the option and the
section (file, line and key), before any results folder is created:

* ``--sampling`` must agree with the section's design (``random`` and ``lhs`` may replace each
  other: both are plain replications);
* ``-n`` is the number of runs, per point for a sweep; a Sobol or Morris design sets its own
  size, and ``-n`` must then equal it (see :func:`design_size`);
* ``--set`` must not change a path that a sweep varies;
* ``--resume DIR`` keeps the settings the experiment started with: a different ``-n``,
  ``--seed``, ``--sampling``, ``--chunk-size``, ``--memory`` or ``--no-timeseries`` is refused.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simsim.errors import SimsimError
from simsim.scenario.factors import design_size

if TYPE_CHECKING:
    from simsim.scenario.schema import Scenario

#: designs that are plain replications: ``--sampling`` may switch between them
PLAIN = ("random", "lhs")


def override_path(expr: str) -> str:
    """The dotted path an override ``PATH=VALUE`` sets (``PATH`` with surrounding spaces removed)."""
    return expr.partition("=")[0].strip()


def _overlaps(a: str, b: str) -> bool:
    """True if dotted paths ``a`` and ``b`` are the same or one lies inside the other."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def check_run_options(scenario: Scenario, *, replications: int | None, sampling: str | None,
                      overrides: Sequence[str] = ()) -> None:
    """Refuse command-line options that conflict with the scenario's ``experiment:`` section.

    Parameters
    ----------
    scenario
        The scenario as loaded with ``overrides``.
    replications
        ``-n`` (``None``: not given).
    sampling
        ``--sampling`` (``None``: not given).
    overrides
        The ``--set PATH=VALUE`` expressions.

    Raises
    ------
    ScenarioError
        Located at the section's ``design``, ``factors`` or size key, naming the option.
    SimsimError
        ``--sampling sobol|morris`` without an ``experiment:`` section and without a valid ``-n``.
    """
    exp = scenario.experiment
    if exp is None:
        if sampling in ("sobol", "morris"):
            _check_design_n(scenario, sampling, replications)
        return
    if sampling is not None and sampling != exp.design and not (sampling in PLAIN and exp.design in PLAIN):
        if exp.design in ("sobol", "morris") and sampling in ("sobol", "morris"):
            why = f"the two designs conflict: the section asks for a {exp.design} design"
        else:
            why = f"the section already chooses design '{exp.design}'"
        raise scenario.error(("experiment", "design"),
                             f"--sampling {sampling} conflicts with this scenario's experiment: section ({why}); "
                             f"leave out --sampling to run the section's design, or run a scenario without an "
                             f"experiment: section")
    if exp.design in ("sobol", "morris") and replications is not None:
        runs, how = design_size(scenario)
        if int(replications) != runs:
            key = "base_samples" if exp.design == "sobol" else "trajectories"
            raise scenario.error(("experiment", key),
                                 f"-n {replications} conflicts with this scenario's experiment: section, which sets "
                                 f"the size of its {exp.design} design: {how}; leave out -n (or give -n {runs}), or "
                                 f"change {key} or replications in the section")
    if exp.design == "sweep":
        for expr in overrides:
            path = override_path(expr)
            for factor in exp.factors:
                if _overlaps(path, factor):
                    raise scenario.error(("experiment", "factors", factor),
                                         f"--set {expr}: '{factor}' is a factor of this scenario's sweep, which sets "
                                         f"its value at every point (the --set would be ignored); leave out the --set, "
                                         f"or remove the factor from the experiment: section")


def _check_design_n(scenario: Scenario, sampling: str, replications: int | None) -> None:
    from simsim.designs.salib import check_size, problem

    k = len(problem(scenario)["names"])
    if replications is None:
        per = k + 2 if sampling == "sobol" else k + 1
        what = ("base_samples x (k + 2), base_samples a power of 2" if sampling == "sobol"
                else "trajectories x (k + 1), at least 2 trajectories")
        raise SimsimError(f"--sampling {sampling} needs the design's size: give -n N with N = {what} (k = {k} "
                          f"uncertain inputs, so multiples of {per}): e.g. -n {2 * per} or -n {4 * per}")
    check_size(k, int(replications), sampling)


def check_resume_options(folder: Path, *, replications: int | None, seed: int | None, sampling: str | None,
                         no_timeseries: bool, chunk_size: int | None, memory: str | None) -> None:
    """Refuse ``--resume folder`` with options that differ from the interrupted experiment's plan.

    A resumed experiment keeps the settings it started with (so that it equals the
    uninterrupted one); an option given with a different value would otherwise be ignored.
    Options that do not change results (``--jobs``, ``--scheduler``, ``--quiet``) may differ.

    Raises
    ------
    SimsimError
        Naming the option, its value and the plan's.
    """
    plan_file = folder / "plan.json"
    if not plan_file.is_file():
        return  # finished or not an experiment: the runner says so
    try:
        plan: dict[str, Any] = json.loads(plan_file.read_text())
    except (OSError, json.JSONDecodeError):
        return  # the runner reports an unreadable plan
    sweep = plan.get("design") == "sweep"
    planned_n = plan.get("per_point") if sweep else plan.get("replications")
    conflicts = []
    if replications is not None and planned_n is not None and int(replications) != int(planned_n):
        conflicts.append(f"-n {replications} (it has {planned_n} runs{' per point' if sweep else ''})")
    if seed is not None and plan.get("seed") is not None and int(seed) != int(plan["seed"]):
        conflicts.append(f"--seed {seed} (it has seed {plan['seed']})")
    if sampling is not None and plan.get("sampling") is not None and sampling != plan["sampling"] and not sweep:
        conflicts.append(f"--sampling {sampling} (it has {plan['sampling']} sampling)")
    if no_timeseries and plan.get("timeseries"):
        conflicts.append("--no-timeseries (it records timeseries)")
    if chunk_size is not None and plan.get("chunk_size") is not None and int(chunk_size) != int(plan["chunk_size"]):
        conflicts.append(f"--chunk-size {chunk_size} (it has chunks of {plan['chunk_size']})")
    if memory is not None and plan.get("memory") is not None:
        from simsim.experiment.runner import parse_memory

        if parse_memory(memory) != int(plan["memory"]):
            conflicts.append(f"--memory {memory} (it was planned with {int(plan['memory']) / 1024**3:.3g}G)")
    if conflicts:
        raise SimsimError(f"--resume {folder}: a resumed experiment keeps the settings it started with, and "
                          f"{'; '.join(conflicts)} differ{'s' if len(conflicts) == 1 else ''} from them: leave "
                          f"{'it' if len(conflicts) == 1 else 'them'} out to resume")
