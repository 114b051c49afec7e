"""Every parameter, relation and attribute of ``dilemma`` moves the host's choice the documented way.

The table of directions is in docs/mechanisms/dilemma.md (Parameters). Each test moves one input
across its allowed range, all else fixed, and checks the host's option probabilities (call off,
arrest, host without arrest) move monotonically in the documented direction, with a change that
is not negligible. The expected directions follow from the signs of the terms in the option
utilities (each term is a product of non-negative factors with a fixed sign), and softmax
probabilities are monotone in each option's utility. Inputs that do not act on the host's current
choice are checked to leave it unchanged and to act where the docs say they do.
"""

from __future__ import annotations

import numpy as np
import pytest

import simsim
from simsim.mechanisms.dilemma import OPTIONS, DilemmaModel, expected_discount

CALL, ARREST, NO_ARREST = range(3)
assert OPTIONS == ("call_off", "arrest", "no_arrest")

# host HOS (member, domestic pressure 0.2), visitor's state VIS, institution INS, a supporter of
# the warrant SUP and an opponent OPP, each with ties and trade with the host
BASE = """\
name: directions
description: One host, the visitor's state, the institution, a supporter and an opponent of the warrant.
model: dilemma
steps: 4
actors:
  - id: HOS
    name: Host
    memberships: [INS]
    attributes: {domestic_compliance: {value: 0.2, assumption: true, range: [0, 1]}}
  - id: VIS
    name: Visitor state
    attributes:
      visit_value: {value: 2, assumption: true, range: [1, 3]}
      arrest_cost: {value: 5, assumption: true, range: [1, 10]}
  - id: INS
    name: Institution
    kind: institution
    attributes: {credibility: {value: 0.5, assumption: true, range: [0, 1]}}
  - {id: SUP, name: Supporter}
  - {id: OPP, name: Opponent}
relations:
  energy_dependence:
    edges: [{from: HOS, to: VIS, value: 0.6, assumption: true, range: [0, 1]}]
  trade_share:
    edges:
      - {from: HOS, to: VIS, value: 0.2, assumption: true, range: [0, 1]}
      - {from: HOS, to: SUP, value: 0.2, assumption: true, range: [0, 1]}
      - {from: HOS, to: OPP, value: 0.3, assumption: true, range: [0, 1]}
  ties:
    symmetric: true
    edges:
      - {from: HOS, to: VIS, value: 0.4, assumption: true, range: [-1, 1]}
      - {from: HOS, to: SUP, value: 0.5, assumption: true, range: [-1, 1]}
      - {from: HOS, to: OPP, value: 0.4, assumption: true, range: [-1, 1]}
  norm_support:
    edges:
      - {from: VIS, to: INS, value: -1, assumption: true, range: [-1, -1]}
      - {from: SUP, to: INS, value: 0.6, assumption: true, range: [0, 1]}
      - {from: OPP, to: INS, value: -0.5, assumption: true, range: [-1, 0]}
parameters:
  rationality: {value: 1, assumption: true, range: [0, 5]}
  sanction_prob: {value: 0.3, assumption: true, range: [0, 1]}
  discount: {value: 0.9, assumption: true, range: [0, 1]}
  finding_delay: {value: 3, assumption: true, range: [1, 120]}
  finding_delay_spread: {value: 0.5, assumption: true, range: [0, 3]}
  visit_tie_gain: {value: 0.1, assumption: true, range: [0, 2]}
events:
  - {step: 1, type: visit, visitor: VIS, host: HOS}
"""
HOS, VIS, INS, SUP, OPP = range(5)
K = 21  # points of each sweep


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    path = tmp_path_factory.mktemp("directions") / "directions.yaml"
    path.write_text(BASE)
    return simsim.load_scenario(path)


def sweep(scn, setter, grid) -> np.ndarray:
    """Option probabilities (K, 3) of HOS toward VIS, one run per grid point, all else fixed."""
    m = DilemmaModel(scn, run_seeds=list(range(len(grid))))
    setter(m, np.asarray(grid, dtype=float))
    m.invalidate()
    return m.propensities()[:, HOS, VIS].copy()


def param(name):
    def set_(m, g):
        m.p[name] = g
    return set_


def relation(name, i, j, symmetric=False):
    def set_(m, g):
        m.rel[name][:, i, j] = g
        if symmetric:
            m.rel[name][:, j, i] = g
    return set_


def attribute(name, i):
    def set_(m, g):
        m.attr[name][:, i] = g
    return set_


def monotone(x: np.ndarray, sign: int) -> None:
    d = np.diff(x) * sign
    assert np.all(d >= -1e-12), x
    assert (x[-1] - x[0]) * sign > 1e-3, x


def grid_of(name):
    spec = DilemmaModel.parameters[name]
    hi = spec.high if spec.high is not None else spec.low + 5
    return np.linspace(spec.low, hi, K)


# parameter -> (option, direction) on the host's choice as the parameter rises
ON_CHOICE = {
    "w_obligation": (NO_ARREST, -1),
    "w_dependence": (ARREST, -1),
    "w_trade": (ARREST, -1),  # arrest puts more trade at risk here (partner and opponent)
    "w_ties": (ARREST, -1),
    "w_third": (NO_ARREST, -1),  # the supporter is valued more and reacts more often
    "w_domestic": (NO_ARREST, -1),  # domestic pressure 0.2 > 0
    "w_finding": (NO_ARREST, -1),
    "w_referral": (NO_ARREST, -1),
    "w_sanction": (NO_ARREST, -1),
    "retaliation_prob": (ARREST, -1),
    "retaliation_severity": (ARREST, -1),
    "trade_severity": (ARREST, -1),
    "partner_tie_loss": (ARREST, -1),
    "visit_tie_gain": (NO_ARREST, +1),
    "call_off_tie_loss": (CALL, -1),
    "third_party_cost": (NO_ARREST, -1),
    "finding_prob": (NO_ARREST, -1),
    "referral_prob": (NO_ARREST, -1),
    "sanction_prob": (NO_ARREST, -1),
    "finding_delay": (NO_ARREST, +1),  # a later response weighs less when discounted (discount 0.9)
    "discount": (NO_ARREST, -1),
}
# parameters documented as not acting on the host's current choice, tested below
NOT_ON_CHOICE = {"rationality", "visitor_rationality", "precedent_erosion", "compliance_reinforcement",
                 "enforcement_restoration", "finding_delay_spread", "unravel_threshold"}


def test_every_parameter_has_a_direction_test():
    assert set(ON_CHOICE) | NOT_ON_CHOICE == set(DilemmaModel.parameters)
    assert not set(ON_CHOICE) & NOT_ON_CHOICE


@pytest.mark.parametrize("name", sorted(ON_CHOICE))
def test_parameter_moves_the_choice(scenario, name):
    option, sign = ON_CHOICE[name]
    probs = sweep(scenario, param(name), grid_of(name))
    monotone(probs[:, option], sign)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


def test_rationality_sharpens_toward_the_best_option(scenario):
    probs = sweep(scenario, param("rationality"), grid_of("rationality"))
    assert np.allclose(probs[0], 1 / 3)  # lambda = 0: uniform over the three options
    best = int(np.argmax(probs[-1]))
    monotone(probs[:, best], +1)


def test_finding_delay_spread_acts_through_the_expected_discount(scenario):
    """The spread changes E[beta^d]; P(no arrest) moves opposite to it (a larger discount weighs more)."""
    g = grid_of("finding_delay_spread")
    probs = sweep(scenario, param("finding_delay_spread"), g)
    disc = expected_discount(3.0, g, 0.9)
    dp, dd = np.diff(probs[:, NO_ARREST]), np.diff(disc)
    assert np.all(dp * dd <= 1e-15) and np.ptp(probs[:, NO_ARREST]) > 1e-3
    # without discounting the delay and its spread do not act on the choice
    flat = simsim.load_scenario(scenario.origin, ["parameters.discount=1"])
    probs = sweep(flat, param("finding_delay_spread"), g)
    assert np.ptp(probs, axis=0).max() < 1e-12


@pytest.mark.parametrize("name", ["visitor_rationality", "precedent_erosion", "compliance_reinforcement",
                                  "enforcement_restoration", "unravel_threshold"])
def test_parameters_that_leave_the_current_choice_unchanged(scenario, name):
    probs = sweep(scenario, param(name), grid_of(name))
    assert np.ptp(probs, axis=0).max() == 0.0


def _runs(scenario, overrides, n=300):
    scn = simsim.load_scenario(scenario.origin, overrides)
    return simsim.run(scn, replications=n, seed=4, jobs=1)


def test_visitor_rationality_acts_on_travel(scenario):
    """V - pi K < 0 here (cost of arrest 20): a sharper visitor declines more often."""
    lo = _runs(scenario, ["parameters.visitor_rationality=0", "actors.VIS.attributes.arrest_cost=20"]).runs
    hi = _runs(scenario, ["parameters.visitor_rationality=5", "actors.VIS.attributes.arrest_cost=20"]).runs
    assert (hi.visits_declined - hi.calls_off).mean() > (lo.visits_declined - lo.calls_off).mean() + 0.1


@pytest.mark.parametrize("name, sign", [("precedent_erosion", -1), ("compliance_reinforcement", +1),
                                        ("enforcement_restoration", +1)])
def test_precedent_parameters_act_on_later_choices(scenario, name, sign):
    """Same runs (same seeds), one parameter changed: every run's propensity to arrest at the end
    moves the documented way (credibility after the first decision), and strictly in some runs."""
    base = ["parameters.finding_prob=1", "parameters.finding_delay=1", "parameters.finding_delay_spread=0"]
    a = _runs(scenario, [*base, f"parameters.{name}=0.05"]).timeseries
    b = _runs(scenario, [*base, f"parameters.{name}=0.6"]).timeseries
    pa = a.loc[a.step == 4, "p_comply.HOS"].to_numpy()
    pb = b.loc[b.step == 4, "p_comply.HOS"].to_numpy()
    assert np.all((pb - pa) * sign >= -1e-12) and np.any((pb - pa) * sign > 1e-6)


def test_unravel_threshold_acts_on_the_outcome_only(scenario):
    a = _runs(scenario, ["parameters.unravel_threshold=0"]).runs
    b = _runs(scenario, ["parameters.unravel_threshold=1"]).runs
    assert a["decision.HOS"].equals(b["decision.HOS"])
    assert not a.norm_unravelled.any() and b.norm_unravelled.all()


# relations and attributes: (setter, grid, option, direction)
INPUTS = {
    "energy_dependence HOS->VIS": (relation("energy_dependence", HOS, VIS), (0, 1), ARREST, -1),
    "trade_share HOS->VIS": (relation("trade_share", HOS, VIS), (0, 1), ARREST, -1),
    "trade_share HOS->OPP": (relation("trade_share", HOS, OPP), (0, 1), ARREST, -1),
    "trade_share HOS->SUP": (relation("trade_share", HOS, SUP), (0, 1), NO_ARREST, -1),
    "ties HOS-VIS": (relation("ties", HOS, VIS, True), (-1, 1), ARREST, -1),
    "ties HOS-SUP": (relation("ties", HOS, SUP, True), (0, 1), NO_ARREST, -1),
    "ties HOS-OPP": (relation("ties", HOS, OPP, True), (0, 1), ARREST, -1),
    "norm_support SUP": (relation("norm_support", SUP, INS), (0, 1), NO_ARREST, -1),
    "norm_support OPP": (relation("norm_support", OPP, INS), (0, -1), ARREST, -1),
    "domestic_compliance HOS": (attribute("domestic_compliance", HOS), (-1, 1), NO_ARREST, -1),
}


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_relation_or_attribute_moves_the_choice(scenario, name):
    setter, (lo, hi), option, sign = INPUTS[name]
    probs = sweep(scenario, setter, np.linspace(lo, hi, K))
    monotone(probs[:, option], sign)


def test_credibility_moves_the_choice(scenario):
    def set_(m, g):
        m.credibility = g
    probs = sweep(scenario, set_, np.linspace(0, 1, K))
    monotone(probs[:, NO_ARREST], -1)


@pytest.mark.parametrize("name", ["visit_value", "arrest_cost"])
def test_visitor_attributes_act_on_travel_not_on_the_choice(scenario, name):
    probs = sweep(scenario, attribute(name, VIS), np.linspace(0, 10, K))
    assert np.ptp(probs, axis=0).max() == 0.0
    value = {"visit_value": (0.1, 5), "arrest_cost": (20, 0.1)}[name]
    a = _runs(scenario, [f"actors.VIS.attributes.{name}={value[0]}"]).runs
    b = _runs(scenario, [f"actors.VIS.attributes.{name}={value[1]}"]).runs
    assert b.visits.mean() > a.visits.mean() + 0.1  # more value, or less risk: more visits in person


def test_chinas_trade_share_matters_in_the_flagship():
    """Mongolia's 72.3% trade with China (which opposes the warrant) lowers its propensity to arrest:
    same runs, China's trade share set to 0 instead: every run's propensity rises or stays (w_trade
    may be drawn near 0), and it rises on average."""
    base = simsim.load_scenario("mongolia_icc_2024")
    zero = simsim.load_scenario("mongolia_icc_2024", ["relations.trade_share.edges.MNG->CHN.value=0"])
    a = simsim.run(base, replications=300, seed=1, jobs=1).timeseries
    b = simsim.run(zero, replications=300, seed=1, jobs=1).timeseries
    pa = a.loc[a.step == 0, "p_comply.MNG"].to_numpy()
    pb = b.loc[b.step == 0, "p_comply.MNG"].to_numpy()
    assert np.all(pb >= pa) and pb.mean() > 1.2 * pa.mean()
