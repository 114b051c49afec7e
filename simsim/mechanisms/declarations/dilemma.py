"""Declaration of the ``dilemma`` mechanism (see :class:`simsim.mechanisms.dilemma.DilemmaModel`)."""

from __future__ import annotations

from typing import ClassVar

from simsim.declaration import Declaration, OutcomeSpec, Param, RelationSpec, ReporterSpec
from simsim.scenario.schema import EventSpec, Scenario

DECISIONS = ("no_visit", "declined", "arrest", "no_arrest")
REVIEWS = ("none", "found", "not_found", "pending")


class Visit(EventSpec):
    """A planned visit of the leader of ``visitor`` (the partner state) to ``host``."""

    actor_fields: ClassVar[tuple[str, ...]] = ("visitor", "host")
    visitor: str
    host: str
    occasion: str | None = None


class DilemmaDeclaration(Declaration):
    """Obligation vs ties: a member state's choice between an institution's obligation and a partner.

    What the mechanism reads and reports; the equations are in
    :class:`~simsim.mechanisms.dilemma.DilemmaModel`, which inherits this declaration.
    """

    name = "dilemma"
    citation = (
        "Quantal response: McKelvey & Palfrey (1995), Games and Economic Behavior 10(1). "
        "Norm cascades: Finnemore & Sikkink (1998), International Organization 52(4)."
    )
    parameters: ClassVar[dict[str, Param]] = {
        "w_obligation": Param(1.0, 0, None, "Weight of breaking the legal obligation, times the norm's credibility."),
        "w_dependence": Param(1.0, 0, None, "Weight of a fuel shortfall (share of the host's fuel supply cut)."),
        "w_trade": Param(1.0, 0, None, "Weight of lost trade (share of the host's total trade)."),
        "w_ties": Param(1.0, 0, None, "Weight of ties with the partner (their value and their change)."),
        "w_third": Param(1.0, 0, None, "Weight of a fall in ties with a third party, per unit of the host's "
                         "regard for it."),
        "w_domestic": Param(1.0, 0, None, "Weight of domestic pressure toward compliance."),
        "w_finding": Param(1.0, 0, None, "Cost to the host of a finding of non-compliance."),
        "w_referral": Param(1.0, 0, None, "Further cost of a referral (to the ASP or the Security Council)."),
        "w_sanction": Param(1.0, 0, None, "Further cost of sanctions after a referral."),
        "rationality": Param(3.0, 0, None, "Logit precision lambda of the host's choice (0: uniform over options)."),
        "visitor_rationality": Param(2.0, 0, None, "Logit precision of the visitor's travel decision."),
        "retaliation_prob": Param(0.5, 0, 1, "Probability the partner retaliates against an arrest."),
        "retaliation_severity": Param(0.5, 0, 1, "Share of the host's partner-supplied fuel cut by retaliation."),
        "trade_severity": Param(0.5, 0, 1, "Share of trade with a retaliating or reacting actor that is lost."),
        "partner_tie_loss": Param(0.5, 0, 2, "Fall in host-partner ties after an arrest."),
        "visit_tie_gain": Param(0.0, 0, 2, "Rise in host-partner ties after a visit without arrest."),
        "call_off_tie_loss": Param(0.1, 0, 2, "Fall in host-partner ties when the host calls the visit off."),
        "third_party_cost": Param(0.1, 0, 2, "Fall in host-third party ties when a third party reacts."),
        "precedent_erosion": Param(0.2, 0, 1, "Share of credibility lost per non-compliance (e)."),
        "compliance_reinforcement": Param(0.1, 0, 1, "Share of the credibility gap closed per compliance (g)."),
        "enforcement_restoration": Param(0.05, 0, 1, "Share of the credibility gap closed per finding (f)."),
        "finding_prob": Param(1.0, 0, 1, "Probability the institution finds a non-compliance (phi)."),
        "referral_prob": Param(0.5, 0, 1, "Probability of a referral given a finding (psi)."),
        "sanction_prob": Param(0.0, 0, 1, "Probability a referral leads to sanctions (kappa)."),
        "finding_delay": Param(1.0, 1, 120, "Median delay in steps between a non-compliance and the review."),
        "finding_delay_spread": Param(0.0, 0, 3, "Log standard deviation of that delay (0: fixed delay)."),
        "discount": Param(1.0, 0, 1, "Per-step discount factor of the host for the delayed review (1: none)."),
        "unravel_threshold": Param(0.2, 0, 1, "Credibility below which the norm counts as unravelled."),
    }
    attributes: ClassVar[dict[str, Param]] = {
        "credibility": Param(None, 0, 1, "Initial credibility of the institution's norm.",
                             kinds=("institution",)),
        "domestic_compliance": Param(0.0, -1, 1, "Net domestic pressure on a host toward compliance."),
        "visit_value": Param(1.0, 0, None, "Value to a visiting leader of attending in person (vs remotely)."),
        "arrest_cost": Param(10.0, 0, None, "Cost to a visiting leader of being arrested."),
    }
    relations: ClassVar[dict[str, RelationSpec]] = {
        "energy_dependence": RelationSpec("Share of the row actor's fuel supplied by the column actor.", low=0, high=1),
        "trade_share": RelationSpec("Share of the row actor's total trade with the column actor.", low=0, high=1),
        "ties": RelationSpec("Value the row actor places on ties with the column actor (-1..1).", low=-1, high=1),
        "norm_support": RelationSpec("Support of the row actor for enforcing the column institution's "
                                     "warrants (-1..1).", low=-1, high=1),
    }
    event_types: ClassVar[dict[str, type[EventSpec]]] = {"visit": Visit}
    main_reporters = ("credibility",)

    @classmethod
    def reporter_specs(cls, scenario: Scenario) -> list[ReporterSpec]:
        """Labels and units of the per-step reporters."""
        names = {a.id: a.name for a in scenario.actors}
        specs = [ReporterSpec("credibility", "Credibility of the norm", "credibility (0-1)"),
                 ReporterSpec("visits", "Visits made in person so far", "visits"),
                 ReporterSpec("arrests", "Arrests so far", "visits"),
                 ReporterSpec("non_compliances", "Non-compliances so far", "visits"),
                 ReporterSpec("findings", "Findings of non-compliance so far", "findings")]
        for h in cls._hosts(scenario):
            specs += [ReporterSpec(f"p_comply.{h}", f"{names[h]}: probability of choosing to arrest", "probability"),
                      ReporterSpec(f"p_call_off.{h}", f"{names[h]}: probability of calling the visit off",
                                   "probability")]
        return specs

    # -- declarations that depend on the scenario ------------------------------------------
    @staticmethod
    def _institution(scenario: Scenario) -> str:
        return next(a.id for a in scenario.actors if a.kind == "institution")

    @staticmethod
    def _hosts(scenario: Scenario) -> list[str]:
        return list(dict.fromkeys(ev.host for ev in scenario.events if isinstance(ev, Visit)))

    @classmethod
    def check(cls, scenario: Scenario) -> None:
        """Reject scenarios without exactly one institution, or with visits or support edges that make no sense."""
        insts = [i for i, a in enumerate(scenario.actors) if a.kind == "institution"]
        if len(insts) != 1:
            raise scenario.error(("actors",), f"the dilemma mechanism needs exactly one actor of kind "
                                              f"'institution' (found {len(insts)})")
        inst = scenario.actors[insts[0]].id
        for k, ev in enumerate(scenario.events):
            if isinstance(ev, Visit):
                if ev.step < 1:
                    raise scenario.error(("events", k, "step"), "a visit is decided within a step: give step >= 1")
                if ev.visitor == ev.host:
                    raise scenario.error(("events", k), "a visitor cannot visit its own state")
                if inst in (ev.visitor, ev.host):
                    raise scenario.error(("events", k), "the institution cannot be a visitor or a host")
        # a membership is what binds a host: a misspelt one would silently make it a non-member
        from simsim.scenario.base import did_you_mean

        ids = scenario.ids
        for i, a in enumerate(scenario.actors):
            for m, name in enumerate(a.memberships):
                if name not in ids:
                    raise scenario.error(("actors", i, "memberships", m),
                                         f"'{name}' is not an actor of this scenario{did_you_mean(name, ids)}: "
                                         f"the dilemma binds the members of its institution '{inst}'")
        support = scenario.relations.get("norm_support")
        for j, e in enumerate(support.edges if support is not None else ()):
            if e.to != inst:
                raise scenario.error(("relations", "norm_support", "edges", j, "to"),
                                     f"norm_support edges must point to the institution '{inst}'")

    @classmethod
    def outcome_specs(cls, scenario: Scenario) -> list[OutcomeSpec]:
        """Counts, credibility, and per host: decision, review, retaliation, finding, referral, losses, ties."""
        specs = [
            OutcomeSpec("visits", "number", "Visits made in person.", label="Visits made in person", unit="visits"),
            OutcomeSpec("visits_declined", "number", "Planned visits that did not take place in person "
                        "(the visitor stayed away or the host called the visit off).",
                        label="Planned visits not made in person", unit="visits"),
            OutcomeSpec("calls_off", "number", "Planned visits the host called off (asked the visitor not to "
                        "come, moved the meeting).", label="Visits called off by the host", unit="visits"),
            OutcomeSpec("arrests", "number", "Visits at which the host arrested the visitor.",
                        label="Arrests", unit="visits"),
            OutcomeSpec("non_compliances", "number", "Visits at which a member host did not comply.",
                        label="Non-compliances by member hosts", unit="visits"),
            OutcomeSpec("refusals_by_non_members", "number", "Visits at which a host that is not a member "
                        "did not arrest (no obligation, no precedent).",
                        label="Non-arrests by hosts that are not members", unit="visits"),
            OutcomeSpec("retaliations", "number", "Retaliations by the partner after an arrest.",
                        label="Retaliations after an arrest", unit="retaliations"),
            OutcomeSpec("findings", "number", "Findings of non-compliance by the institution.",
                        label="Findings of non-compliance", unit="findings"),
            OutcomeSpec("referrals", "number", "Referrals after a finding.", label="Referrals", unit="referrals"),
            OutcomeSpec("sanctions", "number", "Sanctions after a referral.", label="Sanctions", unit="sanctions"),
            OutcomeSpec("reviews_pending", "number", "Non-compliances whose review falls after the last step "
                        "(not yet found or cleared when the run ends).",
                        label="Reviews still pending at the end", unit="non-compliances"),
            OutcomeSpec("final_credibility", "number", "Norm credibility at the end of the run.",
                        label="Credibility of the norm at the end", unit="credibility (0-1)"),
            OutcomeSpec("norm_unravelled", "bool", "Final credibility below unravel_threshold.",
                        label="Norm unravelled (credibility below threshold)", unit=""),
        ]
        ids = scenario.ids
        names = {a.id: a.name for a in scenario.actors}
        inst = cls._institution(scenario)
        for h in cls._hosts(scenario):
            host = names[h]
            specs += [
                OutcomeSpec(f"decision.{h}", "category", f"Outcome of the first visit planned to {h}: not "
                            "planned, declined (not in person), arrest, or hosted without arrest.", DECISIONS,
                            label=f"First visit planned to {host}", unit=""),
                OutcomeSpec(f"called_off.{h}", "bool", f"{h} called off the first visit planned to it.",
                            label=f"{host}: called the visit off", unit=""),
                OutcomeSpec(f"review.{h}", "category", f"The institution's review of {h}'s non-compliance at that "
                            "visit: none (no non-compliance), found, not_found, or pending (due after the "
                            "last step).", REVIEWS, label=f"{host}: the institution's review", unit=""),
                OutcomeSpec(f"retaliation.{h}", "bool", f"The partner retaliated against {h}.",
                            label=f"{host}: the partner retaliated", unit=""),
                OutcomeSpec(f"finding.{h}", "bool", f"The institution found {h} in non-compliance (within the run).",
                            label=f"{host}: finding of non-compliance", unit=""),
                OutcomeSpec(f"referral.{h}", "bool", f"{h}'s non-compliance was referred (within the run).",
                            label=f"{host}: non-compliance referred", unit=""),
                OutcomeSpec(f"energy_shortfall.{h}", "number", f"Share of {h}'s fuel supply cut by retaliation.",
                            label=f"{host}: fuel supply cut by retaliation", unit="share of fuel supply (0-1)"),
                OutcomeSpec(f"trade_loss.{h}", "number", f"Share of {h}'s total trade lost to retaliation and "
                            "third parties' reactions.",
                            label=f"{host}: trade lost", unit="share of total trade (0-1)"),
            ]
            specs += [OutcomeSpec(f"ties_change.{h}.{j}", "number", f"Change in {h}'s ties with {j}.",
                                  label=f"{host}: change in ties with {names[j]}", unit="ties (scale -1..1)")
                      for j in ids if j not in (h, inst)]
        return specs


__all__ = ["DECISIONS", "REVIEWS", "DilemmaDeclaration", "Visit"]
