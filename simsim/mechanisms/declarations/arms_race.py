"""Declaration of the ``arms_race`` mechanism (see :class:`simsim.mechanisms.arms_race.ArmsRaceModel`)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from simsim.declaration import Declaration, OutcomeSpec, Param, RelationSpec, ReporterSpec
from simsim.scenario.quantity import Quantity
from simsim.scenario.schema import ID_PATTERN, EventSpec, Scenario

RICHARDSON_CITATION = (
    "Richardson, L. F. (1960). Arms and Insecurity: A Mathematical Study of the Causes and "
    "Origins of War. Pittsburgh: Boxwood Press. Matrix form: Intriligator, M. D. (1964). "
    "Some simple models of arms races. General Systems 9, 143-147."
)


class CeilingEvent(EventSpec):
    """A treaty ceiling on the treaty-counted arsenals of some states.

    In force from ``step`` up to (not including) ``end``. A state's treaty-counted arsenal
    is ``counted_share * arsenal``. Compliance defaults to the ``compliance`` parameter.
    """

    actor_fields: ClassVar[tuple[str, ...]] = ("actors",)

    id: str | None = Field(None, pattern=ID_PATTERN, description="Label (extending files change the event by it).")
    end: int | None = Field(None, ge=1, description="First step without the ceiling; none = until the end.")
    actors: tuple[str, ...] = Field(min_length=1, description="States covered by the ceiling.")
    limit: Quantity = Field(description="Ceiling, in treaty-counted warheads.")
    compliance: Quantity | None = Field(None, description="Degree of compliance in [0, 1]; default: the parameter.")


class DoctrineEvent(EventSpec):
    """A change of one state's doctrine: new or scaled Richardson coefficients from this step on."""

    actor_fields: ClassVar[tuple[str, ...]] = ("actor", "towards")

    id: str | None = Field(None, pattern=ID_PATTERN, description="Label (extending files change the event by it).")
    actor: str = Field(description="The state whose coefficients change.")
    towards: tuple[str, ...] | None = Field(
        None, description="States whose arsenals the fear changes apply to; default: all others."
    )
    fear_scale: Quantity | None = Field(None, description="Multiply the actor's fear of `towards` by this.")
    fear: Quantity | None = Field(None, description="Set the actor's fear of `towards` to this.")
    fatigue: Quantity | None = Field(None, description="Set the actor's fatigue to this.")
    grievance: Quantity | None = Field(None, description="Set the actor's grievance to this.")


def _event_label(event: EventSpec, k: int) -> str:
    return getattr(event, "id", None) or str(k)


#: units of the event fields above, for the outcomes that record their sampled values
_EVENT_QUANTITY_UNITS: dict[str, str] = {
    "limit": "treaty-counted warheads", "compliance": "share of the excess removed (0-1)",
    "fear_scale": "multiplier", "fear": "warheads per year per warhead", "fatigue": "per year",
    "grievance": "warheads per year",
}

_EVENT_QUANTITY_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "limit": (0.0, None),
    "compliance": (0.0, 1.0),
    "fear_scale": (0.0, None),
    "fear": (0.0, None),
    "fatigue": (0.0, None),
    "grievance": (None, None),
}


class ArmsRaceDeclaration(Declaration):
    """Richardson arms race for two or more states, with treaty ceilings and doctrine shifts.

    What the mechanism reads and reports; the equations are in
    :class:`~simsim.mechanisms.arms_race.ArmsRaceModel`, which inherits this declaration.
    """

    name = "arms_race"
    citation = RICHARDSON_CITATION
    parameters = {
        "dt": Param(default=1.0, low=1e-9, doc="Euler step length in years (coefficients are per year)."),
        "compliance": Param(default=1.0, low=0.0, high=1.0,
                            doc="Degree of compliance with ceilings in force: share of the excess removed per step."),
        "shock_rate": Param(default=0.0, low=0.0, doc="Expected crises per year (Poisson arrivals)."),
        "shock_size": Param(default=0.0, low=0.0,
                            doc="Proportional jump of both arsenals of a pair in a crisis."),
        "noise": Param(default=0.0, low=0.0, doc="Proportional noise intensity per square-root year."),
    }
    attributes = {
        "arsenal": Param(default=None, low=0.0, doc="Initial arsenal, warheads (required)."),
        "fatigue": Param(default=None, low=0.0, doc="Richardson fatigue (cost) coefficient m_i, per year (required)."),
        "grievance": Param(default=0.0, doc="Richardson grievance g_i, warheads per year (negative: goodwill)."),
        "counted_share": Param(default=1.0, low=0.0,
                               doc="Treaty-counted warheads per modelled warhead (arsenal -> ceiling units)."),
    }
    relations = {
        "fear": RelationSpec(required=True, low=0.0,
                             doc="Fear (defence) coefficient F[i, j]: warheads per year i adds per warhead of j."),
    }
    event_types = {"ceiling": CeilingEvent, "doctrine": DoctrineEvent}
    main_reporters = ("total",)

    @classmethod
    def reporter_specs(cls, scenario: Scenario) -> list[ReporterSpec]:
        """Labels and units of the per-step reporters."""
        specs = [ReporterSpec(f"arsenal.{a.id}", f"Arsenal of {a.name}", "warheads") for a in scenario.actors]
        return specs + [ReporterSpec("total", "Total arsenal of all states", "warheads"),
                        ReporterSpec("ceilings_in_force", "Ceilings in force", "ceilings")]

    # -- declarations that depend on the scenario -----------------------------------------

    @classmethod
    def outcome_specs(cls, scenario: Scenario) -> list[OutcomeSpec]:
        """Per-run outcomes; names depend on the scenario's actors and uncertain event inputs."""
        ids = scenario.ids
        names = {a.id: a.name for a in scenario.actors}
        out = [OutcomeSpec(f"final.{a}", "number",
                           f"Arsenal of {a} at the last step (inf if it ran away: see diverged).",
                           label=f"Arsenal of {names[a]} at the last step", unit="warheads") for a in ids]
        out += [
            OutcomeSpec(f"ratio.{a}.{b}", "number", f"Final arsenal of {a} over that of {b} (nan if {b} has none).",
                        label=f"Final arsenal of {names[a]} over {names[b]}'s", unit="ratio")
            for i, a in enumerate(ids) for b in ids[i + 1:]
        ]
        out += [
            OutcomeSpec(f"equilibrium.{a}", "number",
                        f"Linear equilibrium arsenal of {a} under the final coefficients (nan if unstable).",
                        label=f"Equilibrium arsenal of {names[a]} (stable runs)", unit="warheads")
            for a in ids
        ]
        out += [
            OutcomeSpec("stable", "bool", "Final coefficients satisfy max Re eig(F - diag(m)) < 0.",
                        label="Stable arms race (final coefficients)", unit=""),
            OutcomeSpec("stable_initial", "bool", "Initial coefficients satisfy max Re eig(F - diag(m)) < 0.",
                        label="Stable arms race (initial coefficients)", unit=""),
            OutcomeSpec("spectral_abscissa", "number", "max Re eig(F - diag(m)), final coefficients, per year.",
                        label="Growth rate of the arms race, max Re eig(F - m)", unit="per year"),
            OutcomeSpec("breach", "bool", "A covered state's counted arsenal exceeded a ceiling in force.",
                        label="A ceiling in force was breached", unit=""),
            OutcomeSpec("breach_step", "number", "First step with a breach (nan if none).",
                        label="First step with a breach (runs with one)", unit="step"),
            OutcomeSpec("breach_size", "number", "Largest excess over a ceiling in force, counted warheads.",
                        label="Largest excess over a ceiling in force", unit="treaty-counted warheads"),
            OutcomeSpec("above_limit_after_expiry_step", "number",
                        "First step after a ceiling ended with a state it covered above its limit (nan if none).",
                        label="First step above the former limit after a ceiling ended (runs with one)", unit="step"),
            OutcomeSpec("crises", "number", "Number of crisis shocks in the run.", label="Crisis shocks",
                        unit="crises"),
            OutcomeSpec("diverged", "bool",
                        "Some arsenal exceeded DIVERGENCE_BOUND (1e100): the arms race ran away; its final "
                        "arsenals above the bound are inf.",
                        label="The arms race ran away (diverged)", unit=""),
            OutcomeSpec("diverged_step", "number", "Step at which the run diverged (nan if it did not).",
                        label="Step at which the arms race ran away (runs that did)", unit="step"),
        ]
        for k, ev in enumerate(scenario.events):
            for fname in _EVENT_QUANTITY_BOUNDS:
                q = getattr(ev, fname, None)
                if isinstance(q, Quantity) and q.uncertain:
                    out.append(OutcomeSpec(f"event.{_event_label(ev, k)}.{fname}", "number",
                                           f"Sampled '{fname}' of event {_event_label(ev, k)} (an input).",
                                           label=f"Sampled {fname} of event {_event_label(ev, k)}",
                                           unit=_EVENT_QUANTITY_UNITS[fname]))
        return out

    @classmethod
    def check(cls, scenario: Scenario) -> None:
        """Checks beyond the declared bounds: two or more states, event inputs, Euler step size."""
        if len(scenario.actors) < 2:
            raise scenario.error(("actors",), "an arms race needs at least two actors")
        fear = scenario.relations["fear"]
        if fear.default < 0:
            raise scenario.error(("relations", "fear", "default"), "fear coefficients must be >= 0")
        sources = {s.id for s in scenario.sources}
        max_fatigue = max(
            (a.attributes["fatigue"].support()[1] for a in scenario.actors if "fatigue" in a.attributes),
            default=0.0,
        )
        labels: dict[str, int] = {}
        for k, ev in enumerate(scenario.events):
            path = ("events", k)
            if not isinstance(ev, (CeilingEvent, DoctrineEvent)):
                continue
            if ev.id is not None:
                if ev.id in labels:
                    raise scenario.error((*path, "id"), f"duplicate event id '{ev.id}' (also events[{labels[ev.id]}])")
                labels[ev.id] = k
            for fname, (lo, hi) in _EVENT_QUANTITY_BOUNDS.items():
                q = getattr(ev, fname, None)
                if not isinstance(q, Quantity):
                    continue
                if q.source is not None and q.source not in sources:
                    raise scenario.error((*path, fname, "source"), f"unknown source '{q.source}'")
                qlo, qhi = q.support()
                if lo is not None and qlo < lo or hi is not None and qhi > hi:
                    bounds = f"[{lo if lo is not None else '-inf'}, {hi if hi is not None else 'inf'}]"
                    raise scenario.error((*path, fname), f"'{fname}' must lie in {bounds}, but {q.describe()} does not")
            if isinstance(ev, CeilingEvent) and ev.end is not None and ev.end <= ev.step:
                raise scenario.error((*path, "end"), f"end ({ev.end}) must be after step ({ev.step})")
            if isinstance(ev, DoctrineEvent):
                if all(getattr(ev, f) is None for f in ("fear_scale", "fear", "fatigue", "grievance")):
                    raise scenario.error(path, "a doctrine event needs one of fear_scale, fear, fatigue, grievance")
                if ev.towards is not None and ev.actor in ev.towards:
                    raise scenario.error((*path, "towards"), f"'{ev.actor}' cannot fear its own arsenal")
                if ev.fatigue is not None:
                    max_fatigue = max(max_fatigue, ev.fatigue.support()[1])
        dt = scenario.parameters.get("dt")
        dt_max = dt.support()[1] if dt is not None else float(cls.parameters["dt"].default or 1.0)
        if dt_max * max_fatigue > 1.0:
            where = ("parameters", "dt") if dt is not None else ("actors",)
            raise scenario.error(where, f"dt * fatigue reaches {dt_max * max_fatigue:g} > 1: the Euler step would "
                                        "overshoot; use a smaller dt (e.g. months: dt = 1/12)")


__all__ = ["RICHARDSON_CITATION", "ArmsRaceDeclaration", "CeilingEvent", "DoctrineEvent"]
