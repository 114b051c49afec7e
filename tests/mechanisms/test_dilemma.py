"""The obligation-vs-ties mechanism: hand calculations, closed forms and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest

import simsim
from simsim.experiment import run_one
from simsim.mechanisms.dilemma import (
    DilemmaModel,
    expected_discount,
    finding_delay_steps,
    logistic,
    option_utilities,
    softmax,
)
from tests.conftest import SCENARIOS

P = {"w_obligation": 2.0, "w_dependence": 1.5, "w_trade": 1.0, "w_ties": 1.0, "w_third": 1.0,
     "w_domestic": 1.0, "w_finding": 1.0, "w_referral": 1.0, "w_sanction": 1.0,
     "retaliation_prob": 0.5, "retaliation_severity": 0.6, "trade_severity": 0.5, "third_party_cost": 0.1,
     "partner_tie_loss": 0.5, "visit_tie_gain": 0.05, "call_off_tie_loss": 0.2,
     "finding_prob": 1.0, "referral_prob": 0.5, "sanction_prob": 0.2}


def _utilities(extra_third: bool = False) -> np.ndarray:
    # actors: H (host), P (partner), I (institution), T (third party)[, U (second third party)]
    n = 5 if extra_third else 4
    dep, trade, ties = np.zeros((n, n)), np.zeros((n, n)), np.zeros((n, n))
    dep[0, 1], trade[0, 1], ties[0, 1], ties[0, 3] = 0.8, 0.2, 0.4, 0.5
    support = np.array([0.0, -1.0, 0.0, 0.8] + ([-0.4] if extra_third else []))
    if extra_third:
        ties[0, 4], trade[0, 4] = 0.5, 0.3
    member = np.array([1.0] + [0.0] * (n - 1))
    domestic = np.array([0.1] + [0.0] * (n - 1))
    mask = np.ones(n, dtype=bool)
    mask[2] = False
    return option_utilities(member=member, credibility=0.5, dependence=dep, trade=trade, ties=ties,
                            support=support, domestic=domestic, third_mask=mask, discount=0.9, p=P)


def test_option_utilities_by_hand():
    eu = _utilities()[0, 1]
    # call off: -w_t * 0.2
    assert eu[0] == pytest.approx(-0.2)
    # arrest: -(0.4 + 0.5) - 0.5 * (1.5*0.6*0.8 + 1*0.5*0.2); T supports the warrant: no reaction
    assert eu[1] == pytest.approx(-0.9 - 0.5 * (0.72 + 0.1))
    # no arrest: 0.05 - 0.8 * (1*0.1*0.5) - 1*0.1
    #   - [2*0.5 + 0.9 * 1 * (1 + 0.5 * (1 + 0.2 * (1 + 1*0.1*0.5)))]
    assert eu[2] == pytest.approx(0.05 - 0.04 - 0.1 - (1.0 + 0.9 * (1 + 0.5 * (1 + 0.2 * 1.05))))
    # a second third party U opposing the warrant (s = -0.4, ties 0.5, trade 0.3) reacts to an
    # arrest with probability 0.4: ties fall 0.1 (x 0.5 regard) and half the trade is lost
    eu2 = _utilities(extra_third=True)[0, 1]
    assert eu2[1] == pytest.approx(eu[1] - 0.4 * (0.1 * 0.5 + 0.5 * 0.3))
    assert eu2[0] == pytest.approx(eu[0]) and eu2[2] == pytest.approx(eu[2])


def test_expected_discount_closed_forms():
    # no spread: the delay is round(median), so the expected discount is beta ** d
    assert expected_discount(3.0, 0.0, 0.9)[0] == pytest.approx(0.9 ** 3)
    assert expected_discount(0.2, 0.0, 0.9)[0] == pytest.approx(0.9)  # at least one step
    assert expected_discount(5.0, 1.0, 1.0)[0] == pytest.approx(1.0)  # no discounting
    # with a spread: equal to the mean of beta ** d over the delays the mechanism draws
    u = (np.arange(200_000) + 0.5) / 200_000
    d = finding_delay_steps(3.3, 1.0, u)
    assert expected_discount(3.3, 1.0, 0.95)[0] == pytest.approx(np.mean(0.95 ** d), abs=2e-4)
    # the rounded lognormal's median is the median parameter
    assert np.median(finding_delay_steps(3.66, 1.04, u)) == 4


def test_logistic_and_softmax():
    assert logistic(0.0) == 0.5
    assert logistic(np.log(3.0)) == pytest.approx(0.75)
    assert logistic(-1000.0) == 0.0 and logistic(1000.0) == 1.0
    # two options: the multinomial logit is the binary logit of the difference
    assert softmax(np.array([0.0, np.log(3.0)]))[1] == pytest.approx(0.75)
    assert softmax(np.array([1000.0, 0.0, -1000.0])).tolist() == [1.0, 0.0, 0.0]


def _scenario(minimal_path, *overrides):
    return simsim.load_scenario(minimal_path, list(overrides))


DETERMINISTIC = ("parameters.visitor_rationality=1000000", "actors.VIS.attributes.visit_value=5",
                 "actors.VIS.attributes.arrest_cost=0", "parameters.rationality=1000000",
                 "parameters.third_party_cost=0")


def test_non_compliance_path_by_hand(minimal_path):
    # no enforcement costs and a costly call-off: hosting without arrest is the best option
    scn = _scenario(minimal_path, *DETERMINISTIC, "parameters.w_obligation=0", "parameters.w_third=0",
                    "parameters.w_finding=0", "parameters.w_referral=0", "parameters.call_off_tie_loss=1",
                    "parameters.finding_prob=1", "parameters.referral_prob=1", "parameters.sanction_prob=0",
                    "parameters.precedent_erosion=0.2", "parameters.enforcement_restoration=0.1",
                    "parameters.visit_tie_gain=0.05")
    row, ts = run_one(scn, seed=123)
    assert row["decision.HOS"] == "no_arrest" and row["review.HOS"] == "found" and row["called_off.HOS"] is False
    assert (row["finding.HOS"], row["referral.HOS"], row["retaliation.HOS"]) == (True, True, False)
    assert (row["visits"], row["non_compliances"], row["arrests"], row["sanctions"]) == (1, 1, 0, 0)
    # precedent: 0.5 * (1 - 0.2) = 0.4; finding one step later: 0.4 + 0.1 * (1 - 0.4) = 0.46
    assert ts["credibility"].tolist() == pytest.approx([0.5, 0.4, 0.46, 0.46])
    assert row["final_credibility"] == pytest.approx(0.46)
    assert row["ties_change.HOS.VIS"] == pytest.approx(0.05)
    assert row["ties_change.HOS.THR"] == 0.0


def test_compliance_path_by_hand(write_yaml):
    from tests.conftest import MINIMAL

    text = MINIMAL.replace("  ties:\n", "  trade_share:\n    edges:\n"
                           "      - {from: HOS, to: VIS, value: 0.3, assumption: true, range: [0.2, 0.4]}\n  ties:\n")
    scn = _scenario(write_yaml(text), *DETERMINISTIC, "parameters.w_obligation=10", "parameters.retaliation_prob=1",
                    "parameters.call_off_tie_loss=2", "parameters.trade_severity=0.5",
                    "parameters.retaliation_severity=0.5", "parameters.partner_tie_loss=0.5",
                    "parameters.compliance_reinforcement=0.1")
    row, ts = run_one(scn, seed=5)
    assert row["decision.HOS"] == "arrest" and row["retaliation.HOS"] is True
    assert row["energy_shortfall.HOS"] == pytest.approx(0.5 * 0.8)
    assert row["trade_loss.HOS"] == pytest.approx(0.5 * 0.3)
    assert row["review.HOS"] == "none"
    assert row["ties_change.HOS.VIS"] == pytest.approx(-0.5)
    assert row["final_credibility"] == pytest.approx(0.5 + 0.1 * 0.5)
    assert row["findings"] == 0


def test_coin_flips_when_rationality_is_zero(minimal_path):
    """lambda = 0: each option has probability 1/3 and travel is a fair coin.

    Declined = called off (1/3) or not travelled (2/3 * 1/2); arrest = no arrest = 2/3 * 1/2 * 1/2.
    """
    scn = _scenario(minimal_path, "parameters.rationality=0", "parameters.visitor_rationality=0")
    res = simsim.run(scn, replications=3000, seed=2, jobs=1)
    freq = res.runs["decision.HOS"].value_counts(normalize=True)
    assert abs(res.runs["called_off.HOS"].mean() - 1 / 3) < 4.5 * math.sqrt(2 / 9 / 3000)
    for cat, p in (("declined", 2 / 3), ("arrest", 1 / 6), ("no_arrest", 1 / 6)):
            assert abs(freq.get(cat, 0.0) - p) < 4.5 * math.sqrt(p * (1 - p) / 3000), cat


def test_switched_off_term_has_no_effect(minimal_path):
    a = simsim.run(_scenario(minimal_path, "parameters.w_dependence=0"), replications=50, seed=3, jobs=1)
    b = simsim.run(_scenario(minimal_path, "parameters.w_dependence=0",
                             "relations.energy_dependence.edges.HOS->VIS=0.1"), replications=50, seed=3, jobs=1)
    for col in ("decision.HOS", "final_credibility", "finding.HOS", "ties_change.HOS.VIS"):
        assert a.runs[col].equals(b.runs[col]), col
    c = simsim.run(_scenario(minimal_path, "relations.energy_dependence.edges.HOS->VIS=0.1"),
                   replications=50, seed=3, jobs=1)
    assert not a.timeseries["p_comply.HOS"].equals(c.timeseries["p_comply.HOS"])


def test_halving_dependence_raises_every_runs_propensity_to_comply():
    """Same seed, same draws: the counterfactual's dependence is exactly half in every run."""
    base = simsim.load_scenario(SCENARIOS / "mongolia_icc_2024.yaml")
    cf = simsim.load_scenario(SCENARIOS / "mongolia_icc_2024_half_dependence.yaml")
    a = simsim.run(base, replications=300, seed=1, jobs=1)
    b = simsim.run(cf, replications=300, seed=1, jobs=1)
    col = "rel.energy_dependence.MNG->RUS"
    np.testing.assert_allclose(b.runs[col], a.runs[col] / 2)
    pa = a.timeseries.loc[a.timeseries.step == 0, "p_comply.MNG"].to_numpy()
    pb = b.timeseries.loc[b.timeseries.step == 0, "p_comply.MNG"].to_numpy()
    assert np.all(pb >= pa) and np.mean(pb > pa) > 0.95


def test_precedent_erosion_closed_form():
    """Without reinforcement or restoration, credibility is C0 (1 - e)^k after k non-compliances."""
    scn = simsim.load_scenario(SCENARIOS / "icc_visits_network.yaml",
                               ["parameters.compliance_reinforcement=0", "parameters.enforcement_restoration=0"])
    res = simsim.run(scn, replications=200, seed=6, jobs=1)
    r = res.runs
    expected = r["attr.ICC.credibility"] * (1 - r["param.precedent_erosion"]) ** r["non_compliances"]
    np.testing.assert_allclose(r["final_credibility"], expected, rtol=1e-12)
    assert r["non_compliances"].max() >= 3  # the network does produce cascades


def test_counts_are_consistent():
    res = simsim.run(simsim.load_scenario("icc_visits_network"), replications=200, seed=3, jobs=1)
    r = res.runs
    assert (r.arrests + r.non_compliances == r.visits).all()
    assert (r.findings <= r.non_compliances).all() and (r.referrals <= r.findings).all()
    assert (r.sanctions <= r.referrals).all() and (r.retaliations <= r.arrests).all()
    assert r.final_credibility.between(0, 1).all()
    assert (r.norm_unravelled == (r.final_credibility < 0.2)).all()


def test_agents_are_mesa_agents_reading_model_arrays(minimal_path):
    scn = _scenario(minimal_path)
    model = DilemmaModel(scn, rng=1)
    assert len(model.agents) == 4 and [a.actor_id for a in model.actors] == ["HOS", "VIS", "INS", "THR"]
    host = model.actors[0]
    assert host.relation("energy_dependence", "VIS") == 0.8
    assert host.relation("ties", "VIS") == pytest.approx(0.4)  # the distribution's mean
    assert model.actors[2].attribute("credibility") == 0.5
    assert host.memberships == ("INS",)


@pytest.mark.parametrize("text, fragment", [
    ("kind: institution", "exactly one actor of kind 'institution'"),
])
def test_mechanism_checks(write_yaml, text, fragment):
    from tests.conftest import MINIMAL

    path = write_yaml(MINIMAL.replace("    kind: institution\n", ""))
    with pytest.raises(simsim.ScenarioError, match=fragment):
        simsim.load_scenario(path)


def test_norm_support_must_point_at_the_institution(write_yaml):
    from tests.conftest import MINIMAL

    path = write_yaml(MINIMAL.replace("{from: THR, to: INS, value: 0.8", "{from: THR, to: HOS, value: 0.8"))
    with pytest.raises(simsim.ScenarioError, match="must point to the institution") as info:
        simsim.load_scenario(path)
    assert info.value.key == "relations.norm_support.edges[0].to"


def test_visit_at_step_zero_is_rejected(write_yaml):
    from tests.conftest import MINIMAL

    path = write_yaml(MINIMAL.replace("{step: 1, type: visit", "{step: 0, type: visit"))
    with pytest.raises(simsim.ScenarioError, match="step >= 1"):
        simsim.load_scenario(path)


def test_partner_is_not_a_third_party(write_yaml):
    """The partner's own reaction is its tie loss, not a third-party reaction on top of it."""
    from tests.conftest import MINIMAL

    text = MINIMAL.replace("      - {from: THR, to: INS, value: 0.8, assumption: true}",
                           "      - {from: THR, to: INS, value: 0.8, assumption: true}\n"
                           "      - {from: VIS, to: INS, value: -1, assumption: true}")
    scn = simsim.load_scenario(write_yaml(text), [*DETERMINISTIC[:4], "parameters.w_obligation=10",
                                                  "parameters.call_off_tie_loss=2",
                                                  "parameters.partner_tie_loss=0.3", "parameters.third_party_cost=0.1"])
    row, _ = run_one(scn, seed=2)
    assert row["decision.HOS"] == "arrest"
    assert row["ties_change.HOS.VIS"] == pytest.approx(-0.3)


def test_a_non_member_is_not_bound(write_yaml):
    """A host outside the institution: no obligation term, no non-compliance, no finding, no precedent."""
    from tests.conftest import MINIMAL

    scn = simsim.load_scenario(write_yaml(MINIMAL.replace("    memberships: [INS]\n", "")),
                               [*DETERMINISTIC, "parameters.w_obligation=10", "parameters.w_third=0",
                                "parameters.finding_prob=1"])
    row, ts = run_one(scn, seed=4)
    # without membership neither the obligation nor the Court's response counts: EU(no arrest) = 0,
    # above EU(call off) = -0.1 and EU(arrest) = -(ties + 0.5) - 0.5 * 0.5 * 0.8 < 0
    assert row["decision.HOS"] == "no_arrest"
    assert (row["non_compliances"], row["refusals_by_non_members"], row["findings"]) == (0, 1, 0)
    assert row["finding.HOS"] is False
    assert ts["credibility"].tolist() == [0.5, 0.5, 0.5, 0.5]


@pytest.mark.slow
def test_network_results_do_not_depend_on_which_runs_share_a_model():
    from simsim.experiment import RunSettings

    scn = simsim.load_scenario("icc_visits_network")
    a = simsim.run(scn, settings=RunSettings(replications=40, seed=3, jobs=1, chunk_size=40))
    b = simsim.run(scn, settings=RunSettings(replications=40, seed=3, jobs=1, chunk_size=1))
    import pandas as pd

    pd.testing.assert_frame_equal(a.runs, b.runs, check_exact=True)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)


def test_two_identical_visits_are_two_visits(write_yaml):
    from tests.conftest import MINIMAL

    text = MINIMAL.replace("  - {step: 1, type: visit, visitor: VIS, host: HOS}",
                           "  - {step: 1, type: visit, visitor: VIS, host: HOS}\n"
                           "  - {step: 1, type: visit, visitor: VIS, host: HOS}")
    res = simsim.run(simsim.load_scenario(write_yaml(text)), replications=50, seed=1)
    assert ((res.runs["visits"] + res.runs["visits_declined"]) == 2).all()


@pytest.mark.slow
def test_decision_records_the_first_planned_visit():
    """icc_visits_network: MNG's first visit fires with probability 0.9, so no_visit has probability 0.1."""
    res = simsim.run(simsim.load_scenario("icc_visits_network"), replications=2000, seed=5)
    p = (res.runs["decision.MNG"] == "no_visit").mean()
    assert abs(p - 0.1) < 4.5 * math.sqrt(0.1 * 0.9 / 2000)


def test_review_after_the_horizon_is_pending(minimal_path):
    """A review due after the last step is reported as pending, never silently dropped.

    Fixed delay 5 (spread 0), visit at step 1: due at step 6; the run lasts 3 steps.
    """
    scn = _scenario(minimal_path, *DETERMINISTIC, "parameters.w_obligation=0", "parameters.w_third=0",
                    "parameters.w_finding=0", "parameters.w_referral=0", "parameters.call_off_tie_loss=1",
                    "parameters.finding_delay=5")
    row, _ = run_one(scn, seed=1)
    assert row["decision.HOS"] == "no_arrest" and row["review.HOS"] == "pending"
    assert (row["reviews_pending"], row["findings"], row["finding.HOS"]) == (1, 0, False)
    longer = _scenario(minimal_path, *DETERMINISTIC, "parameters.w_obligation=0", "parameters.w_third=0",
                       "parameters.w_finding=0", "parameters.w_referral=0", "parameters.call_off_tie_loss=1",
                       "parameters.finding_delay=5", "parameters.finding_prob=1", "steps=6")
    row, _ = run_one(longer, seed=1)
    assert row["review.HOS"] == "found" and row["reviews_pending"] == 0 and row["finding.HOS"] is True


def test_host_calls_the_visit_off(minimal_path):
    """A cheap call-off and a heavy obligation: the host calls off; ties fall by call_off_tie_loss."""
    scn = _scenario(minimal_path, *DETERMINISTIC, "parameters.w_obligation=10", "parameters.call_off_tie_loss=0.2")
    row, ts = run_one(scn, seed=3)
    assert row["decision.HOS"] == "declined" and row["called_off.HOS"] is True
    assert (row["calls_off"], row["visits_declined"], row["visits"], row["non_compliances"]) == (1, 1, 0, 0)
    assert row["ties_change.HOS.VIS"] == pytest.approx(-0.2)
    assert ts["credibility"].tolist() == [0.5] * 4  # calling off sets no precedent


@pytest.mark.parametrize("observed, fragment, key", [
    ("{decision.HOS: arested}", "must be one of no_visit, declined, arrest, no_arrest", "observed.decision.HOS"),
    ("{decision.HSO: arrest}", "unknown outcome 'decision.HSO'", "observed.decision.HSO"),
    ("{finding.HOS: 1}", "must be true or false", "observed.finding.HOS"),
    ("{final_credibility: high}", "must be a number", "observed.final_credibility"),
])
def test_observed_outcomes_are_validated(write_yaml, observed, fragment, key):
    from tests.conftest import MINIMAL

    path = write_yaml(MINIMAL + f"observed: {observed}\n")
    with pytest.raises(simsim.ScenarioError, match=fragment) as info:
        simsim.load_scenario(path)
    assert info.value.key == key and info.value.line is not None


def test_every_record_case_names_its_observed_decision():
    from simsim.registry import shipped_scenarios

    cases = [n for n, p in shipped_scenarios().items() if p.parent.name == "icc_record"]
    assert len(cases) >= 18
    for name in cases:
        scn = simsim.load_scenario(name)
        host = scn.events[0].host
        assert scn.observed[f"decision.{host}"] in ("declined", "no_arrest"), name


def test_case_scenarios_match_the_record():
    """Each case scenario's observed outcomes and priors are what examples/icc_record.py derives from
    simsim.data (the rule Beta(1 + k, 1 + n - k), the modelled case left out), and its sources can be
    checked."""
    from simsim.data import icc_cases
    from tests.conftest import load_example

    rec = load_example("icc_record")
    table = icc_cases()
    for case_id, case in table.iterrows():
        scn = simsim.load_scenario(rec.scenario_of(case_id))
        assert scn.observed == rec.observed(case), case_id
        pri = rec.record_priors(case_id)
        for name in ("finding_prob", "referral_prob", "sanction_prob"):
            q = scn.parameters[name]
            assert (q.dist, q.a, q.b) == ("beta", *pri[name]), (case_id, name)
        for name in ("finding_delay", "finding_delay_spread"):
            assert scn.parameters[name].value == pri[name], (case_id, name)
        assert all(s.checkable for s in scn.sources), case_id
    # the flagship leaves itself out: 8 findings of 12 decided non-arrests, 7 of 8 referred
    assert rec.record_priors("putin_mng_2024")["finding_prob"] == (9, 5)
    assert rec.record_priors("putin_mng_2024")["referral_prob"] == (8, 2)


def test_misspelt_membership_is_a_located_error(write_yaml):
    # a typo in memberships would silently make the host a non-member (not bound, no precedent)
    from simsim.cli import main
    from tests.conftest import MINIMAL

    path = write_yaml(MINIMAL.replace("memberships: [INS]", "memberships: [INSS]"))
    with pytest.raises(simsim.ScenarioError, match=r"'INSS' is not an actor of this scenario \(did you mean 'INS'"):
        simsim.load_scenario(path)
    assert main(["validate", str(path)]) == 2
