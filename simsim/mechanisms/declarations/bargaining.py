"""Declaration of the ``bargaining`` mechanism (see :class:`simsim.mechanisms.bargaining.BargainingModel`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from simsim.declaration import Declaration, OutcomeSpec, Param, ReporterSpec

if TYPE_CHECKING:
    from simsim.scenario.schema import Scenario

#: Offer kinds as stored in the ``kinds`` matrix of :func:`resolve_offers` (0 = no offer).
CONFRONTATION = 1
COMPROMISE = 2
CAPITULATION = 3
OFFER_KINDS: dict[int, str] = {
    CONFRONTATION: "confrontation",
    COMPROMISE: "compromise",
    CAPITULATION: "capitulation",
}


class BargainingDeclaration(Declaration):
    """Bueno de Mesquita's expected-utility model of bargaining over one issue.

    What the mechanism reads and reports; the equations are in
    :class:`~simsim.mechanisms.bargaining.BargainingModel`, which inherits this declaration.
    """

    name = "bargaining"
    citation = (
        "Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De Mesquita's "
        "group decision model. Journal of Theoretical Politics 23(4): 510-531; "
        "Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. "
        "In Stokman (ed.), European Community Decision Making, Yale UP, 71-104."
    )
    parameters: ClassVar[dict[str, Param]] = {
        "q": Param(
            default=1.0,
            low=0.0,
            high=1.0,
            doc="Q in (B11): probability that the status quo persists when an actor does not challenge.",
        ),
        "t": Param(
            default=1.0,
            low=0.0,
            high=1.0,
            doc="T in (B11): probability that a changing status quo moves in the actor's favour.",
        ),
        "scale_min": Param(
            default=None,
            doc="Lower end of the issue scale; with scale_max it sets the span of (B2)-(B9). "
            "Omitted: the range of the actors' initial positions in each run.",
        ),
        "scale_max": Param(default=None, doc="Upper end of the issue scale (see scale_min)."),
        "pair_normalisation": Param(
            default=0,
            low=0,
            high=1,
            integer=True,
            doc="(B5) denominator: 0 = all pairs (published replication), 1 = the pair only (P_ij + P_ji = 1).",
        ),
        "tolerance": Param(
            default=1e-9,
            low=0.0,
            doc="Stop when no position moves by more than tolerance x span in a round.",
        ),
        "offer_rule": Param(
            default=0,
            low=0,
            high=1,
            integer=True,
            doc="Offer accepted: 0 = least change of position (the paper), 1 = the published replication's "
            "(confrontations first, then the compromise with the lowest EU-weighted position).",
        ),
    }
    attributes: ClassVar[dict[str, Param]] = {
        "capability": Param(default=None, low=0.0, doc="Capability c_i (any non-negative scale)."),
        "position": Param(default=None, doc="Position x_i on the issue scale."),
        "salience": Param(default=None, low=0.0, high=100.0, doc="Salience s_i on a 0-100 scale."),
    }
    main_reporters: ClassVar[tuple[str, ...]] = ("mean_position", "median_position")

    @classmethod
    def reporter_specs(cls, scenario: Scenario) -> list[ReporterSpec]:
        """Labels and units of the per-step reporters."""
        unit = "position on the issue scale"
        specs = [ReporterSpec("mean_position", "Weighted mean position (forecast)", unit),
                 ReporterSpec("median_position", "Median position", unit)]
        specs += [ReporterSpec(f"position.{a.id}", f"Position of {a.name}", unit) for a in scenario.actors]
        for kind in OFFER_KINDS.values():
            specs += [ReporterSpec(f"offers.{kind}", f"Offers of kind {kind} this round", "offers"),
                      ReporterSpec(f"accepted.{kind}", f"Accepted offers of kind {kind} this round", "offers")]
        return specs

    # -- scenario-level hooks ------------------------------------------------------------
    @classmethod
    def outcome_specs(cls, scenario: Scenario) -> list[OutcomeSpec]:
        """Per-run outcomes: the forecast, final median, offer counts and each actor's end."""
        specs = [
            OutcomeSpec("forecast", "number", "Weighted mean position (B1) after the last round.",
                        label="Forecast: weighted mean position after the last round",
                        unit="position on the issue scale"),
            OutcomeSpec("final_median", "number", "Median (Condorcet) position (B3) after the last round.",
                        label="Median position after the last round", unit="position on the issue scale"),
            OutcomeSpec("initial_mean", "number", "Weighted mean position (B1) before round 1.",
                        label="Weighted mean position before round 1", unit="position on the issue scale"),
            OutcomeSpec("initial_median", "number", "Median (Condorcet) position (B3) before round 1.",
                        label="Median position before round 1", unit="position on the issue scale"),
            OutcomeSpec("confrontations", "number", "Confrontation offers over the run (receiver-challenger pairs).",
                        label="Confrontation offers", unit="offers"),
            OutcomeSpec("compromises", "number", "Compromise offers over the run.", label="Compromise offers",
                        unit="offers"),
            OutcomeSpec("capitulations", "number", "Capitulation offers over the run.", label="Capitulation offers",
                        unit="offers"),
            OutcomeSpec("moves", "number", "Offers accepted (actor-rounds in which an actor moved).",
                        label="Offers accepted (moves)", unit="moves"),
            OutcomeSpec("rounds", "number", "Rounds run.", label="Rounds run", unit="rounds"),
            OutcomeSpec("converged", "bool", "Whether positions stopped changing before the step limit.",
                        label="Positions settled before the last round", unit=""),
        ]
        for a in scenario.actors:
            specs.append(OutcomeSpec(f"final_position.{a.id}", "number", f"Position of {a.name} after the last round.",
                                     label=f"Position of {a.name} after the last round",
                                     unit="position on the issue scale"))
            specs.append(OutcomeSpec(f"challenges_made.{a.id}", "number", f"Offers {a.name} made over the run.",
                                     label=f"Offers made by {a.name}", unit="offers"))
            specs.append(
                OutcomeSpec(f"moves_caused.{a.id}", "number", f"Offers of {a.name} that another actor accepted.",
                            label=f"Offers of {a.name} accepted by others", unit="offers")
            )
        return specs

    @classmethod
    def check(cls, scenario: Scenario) -> None:
        """Scale bounds ordered, positions inside the scale, at least two actors."""
        if len(scenario.actors) < 2:
            raise scenario.error(("actors",), "the bargaining model needs at least two actors")
        params = scenario.parameters
        given = [k for k in ("scale_min", "scale_max") if k in params]
        if len(given) == 1:
            missing = "scale_max" if given[0] == "scale_min" else "scale_min"
            raise scenario.error(("parameters", given[0]), f"give '{missing}' too, or neither")
        if not given:
            return
        lo_q, hi_q = params["scale_min"], params["scale_max"]
        if lo_q.uncertain or hi_q.uncertain:
            raise scenario.error(("parameters", "scale_min"), "the issue scale must be fixed values")
        lo, hi = lo_q.central(), hi_q.central()
        if not hi > lo:
            raise scenario.error(("parameters", "scale_max"), f"scale_max ({hi:g}) must exceed scale_min ({lo:g})")
        for i, a in enumerate(scenario.actors):
            q = a.attributes.get("position")
            if q is None:
                continue
            plo, phi = q.support()
            if plo < lo or phi > hi:
                raise scenario.error(
                    ("actors", i, "attributes", "position"),
                    f"position of '{a.id}' ({q.describe()}) leaves the issue scale [{lo:g}, {hi:g}]",
                )


__all__ = ["CAPITULATION", "COMPROMISE", "CONFRONTATION", "OFFER_KINDS", "BargainingDeclaration"]
