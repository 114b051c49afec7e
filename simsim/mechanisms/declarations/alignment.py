"""Declaration of the ``alignment`` mechanism (see :class:`simsim.mechanisms.alignment.AlignmentModel`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from simsim.declaration import Declaration, OutcomeSpec, Param, RelationSpec, ReporterSpec

if TYPE_CHECKING:
    from simsim.scenario.schema import Scenario

CITATION = (
    "Axelrod, R. & Bennett, D. S. (1993). A landscape theory of aggregation. "
    "British Journal of Political Science 23(2), 211-233."
)

#: Largest number of actors :func:`enumerate_configurations` accepts (2**(n-1) configurations).
MAX_ENUMERATE = 26


def _enumeration_limit(scenario: Scenario) -> int:
    q = scenario.parameters.get("enumerate_max")
    if q is not None:
        return int(q.central())
    return int(AlignmentDeclaration.parameters["enumerate_max"].default or 0)


def _enumerates(scenario: Scenario) -> bool:
    return len(scenario.actors) <= _enumeration_limit(scenario)


def _pairs(ids: Sequence[str]) -> list[tuple[int, int]]:
    n = len(ids)
    return [(i, j) for i in range(n) for j in range(i + 1, n)]


class AlignmentDeclaration(Declaration):
    """Landscape theory of aggregation: actors sort themselves into two blocs.

    What the mechanism reads and reports; the equations are in
    :class:`~simsim.mechanisms.alignment.AlignmentModel`, which inherits this declaration.
    """

    name = "alignment"
    citation = CITATION
    parameters = {
        "starts": Param(
            default=100,
            low=1,
            high=100_000,
            integer=True,
            doc="Random start configurations per run (start 0 is the reported descent).",
        ),
        "enumerate_max": Param(
            default=20,
            low=0,
            high=MAX_ENUMERATE,
            integer=True,
            doc="Enumerate every configuration of each run's landscape when n <= this.",
        ),
    }
    attributes = {
        "size": Param(
            default=None, low=0, doc="Actor size s_i > 0 (e.g. GDP, population, capability)."
        ),
    }
    relations = {
        "propensity": RelationSpec(
            required=True,
            doc="Symmetric propensity p_ij to share a bloc (positive: together; negative: apart).",
        ),
    }
    main_reporters = ("energy",)

    @classmethod
    def reporter_specs(cls, scenario: Scenario) -> list[ReporterSpec]:
        """Labels and units of the per-step reporters."""
        return [
            ReporterSpec("energy", "Energy of start 0", "energy (sum of s_i s_j p_ij d_ij)"),
            ReporterSpec("mean_energy", "Mean energy over starts", "energy (sum of s_i s_j p_ij d_ij)"),
            ReporterSpec("unsettled", "Starts not yet at a local minimum", "share of starts (0-1)"),
        ]

    # -- validation ----------------------------------------------------------------------
    @classmethod
    def check(cls, scenario: Scenario) -> None:
        """Sizes must be positive and the propensity relation symmetric."""
        for i, a in enumerate(scenario.actors):
            q = a.attributes.get("size")
            if q is not None and q.support()[0] <= 0:
                raise scenario.error(
                    ("actors", i, "attributes", "size"),
                    f"size of '{a.id}' must be > 0, but {q.describe()} reaches {q.support()[0]:g}",
                )
        rel = scenario.relations["propensity"]
        if rel.symmetric:
            return
        by_pair = {(e.from_, e.to): (k, e) for k, e in enumerate(rel.edges)}
        for k, e in enumerate(rel.edges):
            path = ("relations", "propensity", "edges", k)
            if e.uncertain:
                raise scenario.error(
                    path,
                    f"propensity must be symmetric, but {e.key} is uncertain and would be drawn "
                    f"apart from {e.to}->{e.from_}; give each pair once and set 'symmetric: true'",
                )
            mirror = by_pair.get((e.to, e.from_))
            back = rel.default if mirror is None else mirror[1].central()
            if not np.isclose(e.central(), back, rtol=0.0, atol=1e-12):
                told = (
                    "not given (default " + f"{rel.default:g})" if mirror is None else f"{back:g}"
                )
                raise scenario.error(
                    path if mirror is None else (*path, "value"),
                    f"propensity must be symmetric, but {e.key} is {e.central():g} and "
                    f"{e.to}->{e.from_} is {told}; give equal values or set 'symmetric: true'",
                )

    @classmethod
    def outcome_specs(cls, scenario: Scenario) -> list[OutcomeSpec]:
        """Per-run outcomes (enumeration outcomes only when n <= ``enumerate_max``)."""
        ids = scenario.ids
        names = {a.id: a.name for a in scenario.actors}
        specs = [
            OutcomeSpec(
                "configuration",
                "category",
                "Final configuration of start 0: sorted ids of the bloc without the first actor.",
                label="Final configuration (start 0)", unit="",
            ),
            OutcomeSpec("energy", "number", "Energy E of start 0's final configuration.",
                        label="Energy of the final configuration (start 0)", unit="energy (sum of s_i s_j p_ij d_ij)"),
            OutcomeSpec("local_minimum", "bool", "Start 0 ended in a local minimum.",
                        label="Start 0 ended in a local minimum", unit=""),
            OutcomeSpec("moves", "number", "Switches made by start 0.", label="Bloc switches (start 0)",
                        unit="switches"),
            OutcomeSpec("modal_configuration", "category", "Configuration reached by most starts.",
                        label="Configuration reached by most starts", unit=""),
            OutcomeSpec(
                "modal_share", "number", "Share of starts reaching the modal configuration.",
                label="Starts reaching the modal configuration", unit="share of starts (0-1)",
            ),
            OutcomeSpec("distinct_configurations", "number", "Distinct end configurations.",
                        label="Distinct end configurations", unit="configurations"),
        ]
        if _enumerates(scenario):
            specs += [
                OutcomeSpec("is_global", "bool", "Start 0 ended in a global minimum.",
                            label="Start 0 ended in a global minimum", unit=""),
                OutcomeSpec(
                    "minimum_rank",
                    "number",
                    "Which local minimum start 0 reached: rank by energy (1 = global; 0 = none).",
                    label="Rank of the minimum start 0 reached", unit="rank (1 = global, 0 = none)",
                ),
                OutcomeSpec(
                    "global_basin", "number", "Share of starts ending in a global minimum.",
                    label="Starts ending in a global minimum", unit="share of starts (0-1)",
                ),
                OutcomeSpec("global_configuration", "category", "Lowest-energy configuration.",
                            label="Lowest-energy configuration", unit=""),
                OutcomeSpec("global_energy", "number", "Lowest energy over all configurations.",
                            label="Lowest energy over all configurations", unit="energy (sum of s_i s_j p_ij d_ij)"),
                OutcomeSpec("local_minima", "number", "Number of local minima of the landscape.",
                            label="Local minima of the landscape", unit="local minima"),
            ]
        specs += [
            OutcomeSpec(f"frustration.{a}", "number", f"Frustration of {a} (start 0).",
                        label=f"Frustration of {names[a]} (start 0)", unit="frustration (sum of s_j p_ij d_ij)")
            for a in ids
        ]
        specs += [
            OutcomeSpec(
                f"same_bloc.{ids[i]}.{ids[j]}", "bool", f"{ids[i]} and {ids[j]} end in one bloc.",
                label=f"{names[ids[i]]} and {names[ids[j]]} end in one bloc", unit="",
            )
            for i, j in _pairs(ids)
        ]
        return specs


__all__ = ["CITATION", "MAX_ENUMERATE", "AlignmentDeclaration"]
