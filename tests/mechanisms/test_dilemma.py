"""The obligation-vs-ties mechanism: hand calculations, closed forms and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest

import simsim
from simsim.experiment import run_one
from simsim.mechanisms.dilemma import DilemmaModel, compliance_utility, logistic
from tests.conftest import SCENARIOS

P = {"w_obligation": 2.0, "w_dependence": 1.5, "w_trade": 1.0, "w_ties": 1.0, "w_third": 1.0,
     "w_domestic": 1.0, "retaliation_prob": 0.5, "retaliation_severity": 0.6}


def _utility(extra_third: bool = False) -> np.ndarray:
    # actors: H (host), P (partner), I (institution), T (third party)[, U (second third party)]
    n = 5 if extra_third else 4
    dep, trade, ties = np.zeros((n, n)), np.zeros((n, n)), np.zeros((n, n))
    dep[0, 1], trade[0, 1], ties[0, 1], ties[0, 3] = 0.8, 0.2, 0.4, 0.5
    support = np.array([0.0, -1.0, 0.0, 0.8] + ([-0.4] if extra_third else []))
    if extra_third:
        ties[0, 4] = 0.5
    member = np.array([1.0] + [0.0] * (n - 1))
    domestic = np.array([0.1] + [0.0] * (n - 1))
    mask = np.ones(n, dtype=bool)
    mask[2] = False
    return compliance_utility(member=member, credibility=0.5, dependence=dep, trade=trade, ties=ties,
                              support=support, domestic=domestic, third_mask=mask, p=P)


def test_compliance_utility_by_hand():
    # 2*0.5 - 1.5*0.8*0.5*0.6 - 1*0.2*0.5 - 1*0.4 + 1*(0.5*0.8/0.5) + 1*0.1 = 1.04
    assert _utility()[0, 1] == pytest.approx(1.04)
    # a second third party with support -0.4 and equal ties: weighted mean (0.4 - 0.2)/1.0 = 0.2
    assert _utility(extra_third=True)[0, 1] == pytest.approx(1.04 - 0.8 + 0.2)


def test_logistic():
    assert logistic(0.0) == 0.5
    assert logistic(np.log(3.0)) == pytest.approx(0.75)
    assert logistic(-1000.0) == 0.0 and logistic(1000.0) == 1.0


def _scenario(minimal_path, *overrides):
    return simsim.load_scenario(minimal_path, list(overrides))


DETERMINISTIC = ("parameters.visitor_rationality=1000000", "actors.VIS.attributes.visit_value=5",
                 "actors.VIS.attributes.arrest_cost=0", "parameters.rationality=1000000",
                 "parameters.third_party_cost=0")


def test_non_compliance_path_by_hand(minimal_path):
    scn = _scenario(minimal_path, *DETERMINISTIC, "parameters.w_obligation=0", "parameters.w_third=0",
                    "parameters.finding_prob=1", "parameters.referral_prob=1", "parameters.sanction_prob=0",
                    "parameters.precedent_erosion=0.2", "parameters.enforcement_restoration=0.1",
                    "parameters.visit_tie_gain=0.05")
    row, ts = run_one(scn, seed=123)
    assert row["decision.HOS"] == "no_arrest"
    assert (row["finding.HOS"], row["referral.HOS"], row["retaliation.HOS"]) == (True, True, False)
    assert (row["visits"], row["non_compliances"], row["arrests"], row["sanctions"]) == (1, 1, 0, 0)
    # precedent: 0.5 * (1 - 0.2) = 0.4; finding one step later: 0.4 + 0.1 * (1 - 0.4) = 0.46
    assert ts["credibility"].tolist() == pytest.approx([0.5, 0.4, 0.46, 0.46])
    assert row["final_credibility"] == pytest.approx(0.46)
    assert row["ties_change.HOS.VIS"] == pytest.approx(0.05)
    assert row["ties_change.HOS.THR"] == 0.0


def test_compliance_path_by_hand(minimal_path):
    scn = _scenario(minimal_path, *DETERMINISTIC, "parameters.w_obligation=10", "parameters.retaliation_prob=1",
                    "parameters.retaliation_severity=0.5", "parameters.partner_tie_loss=0.5",
                    "parameters.compliance_reinforcement=0.1")
    row, ts = run_one(scn, seed=5)
    assert row["decision.HOS"] == "arrest" and row["retaliation.HOS"] is True
    assert row["energy_shortfall.HOS"] == pytest.approx(0.5 * 0.8)
    assert row["ties_change.HOS.VIS"] == pytest.approx(-0.5)
    assert row["final_credibility"] == pytest.approx(0.5 + 0.1 * 0.5)
    assert row["findings"] == 0


def test_coin_flips_when_rationality_is_zero(minimal_path):
    """lambda = 0: travel and compliance are fair coins, so P(arrest) = P(no arrest) = 1/4."""
    scn = _scenario(minimal_path, "parameters.rationality=0", "parameters.visitor_rationality=0")
    res = simsim.run(scn, replications=2000, seed=2, jobs=1)
    freq = res.runs["decision.HOS"].value_counts(normalize=True)
    for cat, p in (("declined", 0.5), ("arrest", 0.25), ("no_arrest", 0.25)):
        assert abs(freq.get(cat, 0.0) - p) < 4.5 * math.sqrt(p * (1 - p) / 2000), cat


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
    # without membership the obligation weight does not count: dU = -0.2 - ties < 0, so no arrest
    assert row["decision.HOS"] == "no_arrest"
    assert (row["non_compliances"], row["refusals_by_non_members"], row["findings"]) == (0, 1, 0)
    assert row["finding.HOS"] is False
    assert ts["credibility"].tolist() == [0.5, 0.5, 0.5, 0.5]


def test_network_results_do_not_depend_on_which_runs_share_a_model():
    from simsim.experiment import RunSettings

    scn = simsim.load_scenario("icc_visits_network")
    a = simsim.run(scn, settings=RunSettings(replications=150, seed=3, jobs=1, chunk_size=150))
    b = simsim.run(scn, settings=RunSettings(replications=150, seed=3, jobs=1, chunk_size=1))
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


def test_decision_records_the_first_planned_visit():
    """icc_visits_network: MNG's first visit fires with probability 0.9, so no_visit has probability 0.1."""
    res = simsim.run(simsim.load_scenario("icc_visits_network"), replications=2000, seed=5)
    p = (res.runs["decision.MNG"] == "no_visit").mean()
    assert abs(p - 0.1) < 4.5 * math.sqrt(0.1 * 0.9 / 2000)
