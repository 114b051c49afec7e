"""Tests of the `bargaining` mechanism (Bueno de Mesquita / Scholz, Calbert & Smith 2011).

References reproduced (VALIDATION.md, "Bargaining" and "Crisis bargaining"):
- EC car-emission case (Bueno de Mesquita 1994, data in ``bdm_ec_emissions.csv``):
  weighted mean 7.38996 and median 7.0 before round 1, to 1e-5
  (``test_ec_reference_figures_before_round_1``);
- the forecast (weighted mean position) stays in [7.2, 7.6] over 10 rounds
  (``test_ec_forecast_stays_in_published_band``);
- the published replication's path (its own code's output on the EC case, in
  ``tests/reference/bdm_ec_replication_path.csv``): the replication's offer rule reproduces
  every round (``test_replication_rule_reproduces_the_published_replication_path``);
- Fearon (1995): every split in (p - c_A, p + c_B) is preferred to war by both sides
  (``test_fearon_range_preferred_by_both``).
Hand calculations: ``test_vote_matrix_by_hand``, ``test_utilities_closed_form_r1``,
``test_expected_utility_closed_form_r1``, ``test_resolve_offers_by_hand``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from simsim.mechanisms import bargaining as bg

REPO = Path(__file__).resolve().parents[2]
# reference data copied into the project (sources in tests/reference/README.md)
REFERENCE = REPO / "tests" / "reference" / "bdm_ec_emissions.csv"
REPLICATION_PATH = REPO / "tests" / "reference" / "bdm_ec_replication_path.csv"

# Table 1 of Scholz et al. (2011) / Bueno de Mesquita (1994, p. 78); the same numbers
# are in the reference CSV, which ``test_inline_table_matches_reference_csv`` checks.
EC_NAMES = ["Netherlands", "Belgium", "Luxembourg", "Germany", "France", "Italy", "UK", "Ireland", "Denmark", "Greece"]
EC_C = np.array([0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08])
EC_X = np.array([4.0, 7, 4, 4, 10, 10, 10, 7, 4, 7])
EC_S = np.array([80.0, 40, 20, 80, 60, 60, 90, 10, 100, 70])

# n actors with integer positions on 0..20, capabilities and saliences (0-1)
actors = st.integers(min_value=2, max_value=8).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 20).map(float), min_size=n, max_size=n),
        st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n),
        st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n),
    )
)


def test_inline_table_matches_reference_csv() -> None:
    with REFERENCE.open() as fh:
        rows = list(csv.DictReader(fh))
    assert [r["actor"] for r in rows] == EC_NAMES
    np.testing.assert_array_equal([float(r["capability"]) for r in rows], EC_C)
    np.testing.assert_array_equal([float(r["position"]) for r in rows], EC_X)
    np.testing.assert_array_equal([float(r["salience"]) for r in rows], EC_S)


# ---------------------------------------------------------------------------------------
# Published reference: EC emissions
# ---------------------------------------------------------------------------------------


def test_ec_reference_figures_before_round_1() -> None:
    assert bg.weighted_mean_position(EC_X, EC_C, EC_S) == pytest.approx(7.38996, abs=1e-5)
    median, idx = bg.condorcet_median(EC_X, EC_C, EC_S, span=6.0)
    assert median == 7.0
    assert EC_X[idx] == 7.0


def test_ec_forecast_stays_in_published_band() -> None:
    path, results = bg.run_rounds(EC_X, EC_C, EC_S / 100, rounds=10)
    assert len(results) == 10
    means = [bg.weighted_mean_position(p, EC_C, EC_S) for p in path[1:]]
    assert all(7.2 <= m <= 7.6 for m in means), means
    # the model is not inert on this case: somebody moves in every round
    assert all((r.chosen >= 0).any() for r in results)


def _replication_path() -> tuple[np.ndarray, np.ndarray]:
    """Means and positions (rounds 0-10, actors in EC_NAMES order) of the published replication."""
    with REPLICATION_PATH.open() as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    means = np.array([float(r["mean_position"]) for r in rows])
    xs = np.array([[float(r[a]) for a in EC_NAMES] for r in rows])
    assert [int(r["round"]) for r in rows] == list(range(11))
    return means, xs


def test_replication_rule_reproduces_the_published_replication_path() -> None:
    # The replication's rule (confrontations first, then the compromise with the lowest
    # EU-weighted position) gives the replication's path on every round of the EC case.
    ref_means, ref_xs = _replication_path()
    path, _ = bg.run_rounds(EC_X, EC_C, EC_S / 100, rounds=10, rule="replication")
    means = np.array([bg.weighted_mean_position(p, EC_C, EC_S) for p in path])
    assert np.abs(means - ref_means).max() < 0.05  # the requirement
    np.testing.assert_allclose(path, ref_xs, rtol=0, atol=1e-9)  # and in fact every position, to rounding


def test_paper_rule_departs_from_the_replication_path() -> None:
    # The paper's least-change rule follows the replication for the first rounds and then
    # drifts: the two rules are different choices, and the option changes the path.
    ref_means, _ = _replication_path()
    path, _ = bg.run_rounds(EC_X, EC_C, EC_S / 100, rounds=10, rule="least_change")
    means = np.array([bg.weighted_mean_position(p, EC_C, EC_S) for p in path])
    assert abs(means[1] - ref_means[1]) < 0.05
    assert np.abs(means - ref_means).max() > 0.2


@pytest.mark.parametrize("rule", ["least_change", "replication"])
@pytest.mark.parametrize("who", [1, 4, 7])  # Belgium, France, Ireland: each shares its position with others
def test_perturbation_of_1e13_does_not_change_the_path(rule: str, who: int) -> None:
    # Positions closer than POSITION_TOLERANCE * span are one position; without the tolerance
    # (exact comparisons) a 1e-13 change moves some actor by several years within 10 rounds.
    x = EC_X.copy()
    x[who] += 1e-13
    base, _ = bg.run_rounds(EC_X, EC_C, EC_S / 100, rounds=10, rule=rule)
    moved, _ = bg.run_rounds(x, EC_C, EC_S / 100, rounds=10, rule=rule)
    assert np.abs(moved - base).max() < 1e-6
    exact, _ = bg.run_rounds(x, EC_C, EC_S / 100, rounds=10, rule=rule, position_tolerance=0.0)
    if who == 1:  # the case the tolerance is for: exact comparisons change the path
        assert np.abs(exact - base).max() > 1.0


def test_replication_rule_by_hand() -> None:
    # actor 0 at 0 receives: a confrontation it loses from 3 (to 6), a compromise from 1
    # (a=-0.2, b=0.8: to 2.5, weighted position (0.2*0 + 0.8*10)/1.0 = 8) and a compromise from
    # 2 (a=-0.1, b=0.3, x=4: to 4/3, weighted (0.1*0 + 0.3*4)/0.4 = 3). Least change: the
    # compromise with 2 (4/3). Replication: the confrontation first (6).
    x = np.array([0.0, 10.0, 4.0, 6.0])
    a, b = np.zeros((4, 4)), np.zeros((4, 4))
    a[0, 1], b[0, 1] = -0.2, 0.8
    a[0, 2], b[0, 2] = -0.1, 0.3
    a[0, 3], b[0, 3] = 0.1, 0.3
    _, _, chosen, new_x = bg.resolve_offers(x, a, b, rule="least_change")
    assert chosen[0] == 2 and new_x[0] == pytest.approx(4 / 3)
    _, _, chosen, new_x = bg.resolve_offers(x, a, b, rule="replication")
    assert chosen[0] == 3 and new_x[0] == 6.0
    # without the confrontation: the compromise with the lowest weighted position (3 < 8),
    # here also the least change
    a[0, 3] = b[0, 3] = 0.0
    _, _, chosen, _ = bg.resolve_offers(x, a, b, rule="replication")
    assert chosen[0] == 2
    # make the compromise with 1 the one with the lowest weighted position but the larger
    # change: x_1 = -10 -> to -2.5 (change 2.5), weighted -8; the compromise with 2 changes 4/3
    x[1] = -10.0
    _, _, chosen, new_x = bg.resolve_offers(x, a, b, rule="replication")
    assert chosen[0] == 1 and new_x[0] == pytest.approx(-2.5)
    _, _, chosen, _ = bg.resolve_offers(x, a, b, rule="least_change")
    assert chosen[0] == 2


def test_unknown_rule_is_an_error() -> None:
    with pytest.raises(ValueError, match="offer rule"):
        bg.resolve_offers(np.zeros(2), np.zeros((2, 2)), np.zeros((2, 2)), rule="smallest")  # type: ignore[arg-type]


def test_ec_pair_normalisation_leaves_the_band() -> None:
    """The alternative reading of (B5) documented in the docs does not reproduce the band."""
    path, _ = bg.run_rounds(EC_X, EC_C, EC_S / 100, rounds=10, normalisation="pair")
    means = [bg.weighted_mean_position(p, EC_C, EC_S) for p in path[1:]]
    assert not all(7.2 <= m <= 7.6 for m in means)


# ---------------------------------------------------------------------------------------
# Hand calculations
# ---------------------------------------------------------------------------------------


def test_vote_matrix_by_hand() -> None:
    # weights c*s (salience 0-100): 24.8 at 4, 9.3 at 7, 33.6 at 10; span 6
    v = bg.vote_matrix(EC_X, EC_C, EC_S, 6.0)
    i7, i10, i4 = 1, 4, 0
    assert v[i7, i10] == pytest.approx((24.8 * 3 + 9.3 * 3 - 33.6 * 3) / 6)  # 0.25
    assert v[i7, i4] == pytest.approx((-24.8 * 3 + 9.3 * 3 + 33.6 * 3) / 6)  # 9.05
    np.testing.assert_allclose(v, -v.T)


def test_utilities_closed_form_r1() -> None:
    d = np.array([0.0, 0.25, 1.0])
    dmu = np.array([0.5, 0.0, 1.0])
    u = bg.basic_utilities(d, dmu, 1.0)
    np.testing.assert_allclose(u["success"], 2 * d)
    np.testing.assert_allclose(u["failure"], -2 * d)
    np.testing.assert_allclose(u["better"], d + dmu)
    np.testing.assert_allclose(u["worse"], -(d + dmu))
    np.testing.assert_allclose(u["status_quo"], 0.0)
    # r = 2 by hand: success at d = 0.5 -> 2 - 4 * 0.25**2 = 1.75; status quo 2 - 4/4 = 1
    u2 = bg.basic_utilities(0.5, 0.0, 2.0)
    assert float(u2["success"]) == pytest.approx(1.75)
    assert float(u2["status_quo"]) == pytest.approx(1.0)


def test_expected_utility_closed_form_r1() -> None:
    # With r = 1 and Q = 1: E U_ij = 2 d (1 - 2 s_j + 2 s_j P_ij)
    x = np.array([0.0, 3.0, 10.0])
    s = np.array([0.2, 0.9, 0.5])
    p = np.array([[0.0, 0.3, 0.8], [0.6, 0.0, 0.1], [0.25, 0.5, 0.0]])
    own, other = bg.expected_utilities(x, s, p, np.ones(3), mu=3.0, span=10.0, q=1.0)
    d = np.abs(x[:, None] - x[None, :]) / 10.0
    expected = 2 * d * (1 - 2 * s[None, :] + 2 * s[None, :] * p)
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(own, expected)
    np.testing.assert_allclose(other, expected.T)  # same exponent for everyone


def test_expected_utility_q0_uses_better_and_worse() -> None:
    # Q = 0, T = 1, r = 1: E U_ij = 2 d (1 - 2 s_j + 2 s_j P) - (d + d_mu)
    x = np.array([0.0, 4.0])
    s = np.array([0.5, 0.5])
    p = np.array([[0.0, 0.5], [0.5, 0.0]])
    own, _ = bg.expected_utilities(x, s, p, np.ones(2), mu=4.0, span=4.0, q=0.0, t=1.0)
    # i = 0: d = 1, d_mu = 1 -> 2 * 1 * (1 - 1 + 0.5) - 2 = -1
    assert own[0, 1] == pytest.approx(-1.0)
    # i = 1: d = 1, d_mu = 0 -> 1 - 1 = 0
    assert own[1, 0] == pytest.approx(0.0)


@settings(max_examples=40, deadline=None)
@given(actors, st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.5, 2.0))
def test_expected_utilities_match_b11_from_basic_utilities(data, q, t, r0) -> None:
    x, c, s = (np.array(v) for v in data)
    span, mu = 20.0, float(np.median(x))
    r = np.linspace(r0, 2.5 - r0, x.size)
    p = bg.success_probability(x, c, s, span, r)
    own, other = bg.expected_utilities(x, s, p, r, mu, span, q, t)
    d = np.abs(x[:, None] - x[None, :]) / span
    dmu = np.abs(x - mu) / span
    for mat, dm, pp, st_, rr in (
        (own, dmu[:, None], p, s[None, :], r[:, None]),
        (other, dmu[None, :], p.T, s[:, None], r[:, None]),
    ):
        u = bg.basic_utilities(d, dm, rr)
        expect = (
            st_ * (pp * u["success"] + (1 - pp) * u["failure"])
            + (1 - st_) * u["success"]
            - q * u["status_quo"]
            - (1 - q) * (t * u["better"] + (1 - t) * u["worse"])
        )
        np.fill_diagonal(expect, 0.0)
        np.testing.assert_allclose(mat, expect, atol=1e-12)


def test_resolve_offers_by_hand() -> None:
    x = np.array([0.0, 10.0, 4.0, 6.0])
    a = np.zeros((4, 4))  # own[i, j]
    b = np.zeros((4, 4))  # other[i, j]
    # actor 0: compromise with 1 (a=-0.2, b=0.8 -> moves 1/4 of 10 = 2.5) and
    # capitulation to 2 (a=-0.5, b=0.4 -> moves to 4); least change: 2.5
    a[0, 1], b[0, 1] = -0.2, 0.8
    a[0, 2], b[0, 2] = -0.5, 0.4
    # actor 1: confrontation with 3 that it loses (a=0.1 < b=0.3) -> 6
    a[1, 3], b[1, 3] = 0.1, 0.3
    # actor 2: confrontation it expects to win (a=0.5 > b=0.2) -> stays
    a[2, 0], b[2, 0] = 0.5, 0.2
    # actor 3: no offers (b <= 0)
    a[3, 0], b[3, 0] = -0.5, -0.1
    kinds, proposals, chosen, new_x = bg.resolve_offers(x, a, b)
    assert kinds[0, 1] == bg.COMPROMISE and kinds[0, 2] == bg.CAPITULATION
    assert kinds[1, 3] == bg.CONFRONTATION and kinds[2, 0] == bg.CONFRONTATION
    assert kinds[3].sum() == 0
    assert proposals[0, 1] == pytest.approx(2.5)
    np.testing.assert_array_equal(chosen, [1, 3, -1, -1])
    np.testing.assert_allclose(new_x, [2.5, 6.0, 4.0, 6.0])


def test_resolve_offers_tie_goes_to_stronger_challenger() -> None:
    x = np.array([5.0, 3.0, 7.0])
    a = np.full((3, 3), -1.0)
    b = np.zeros((3, 3))
    b[0, 1], b[0, 2] = 0.5, 0.9  # both capitulations, both 2 away
    _, _, chosen, new_x = bg.resolve_offers(x, a, b)
    assert chosen[0] == 2 and new_x[0] == 7.0


def test_risk_exponents_extremes() -> None:
    r = bg.risk_exponents(EC_X, EC_C, EC_S / 100, mu=7.0, span=6.0)
    assert r.min() == pytest.approx(0.5) and r.max() == pytest.approx(2.0)
    assert np.all((r >= 0.5 - 1e-12) & (r <= 2.0 + 1e-12))


# ---------------------------------------------------------------------------------------
# Invariants (hypothesis)
# ---------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(actors, st.sampled_from(["all_pairs", "pair"]), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_positions_stay_in_range_and_median_is_a_position(data, norm, q, t) -> None:
    x, c, s = (np.array(v) for v in data)
    assume(x.max() > x.min())
    path, results = bg.run_rounds(x, c, s, rounds=4, normalisation=norm, q=q, t=t)
    assert np.all(path >= x.min() - 1e-9) and np.all(path <= x.max() + 1e-9)
    for res in results:
        assert np.any(np.isclose(res.x_before, res.median, rtol=0, atol=1e-12))
        assert np.all((res.r >= 0.5 - 1e-9) & (res.r <= 2.0 + 1e-9))
        assert np.all((res.p >= 0) & (res.p <= 1 + 1e-12))


@settings(max_examples=40, deadline=None)
@given(actors)
def test_pair_probabilities_are_complementary(data) -> None:
    x, c, s = (np.array(v) for v in data)
    p = bg.success_probability(x, c, s, span=20.0, normalisation="pair")
    differ = x[:, None] != x[None, :]
    supported = np.abs(bg.voter_support(x, c, s, 20.0)).sum(axis=0) > 0
    mask = differ & supported
    np.testing.assert_allclose((p + p.T)[mask], 1.0)


@settings(max_examples=30, deadline=None)
@given(actors, st.floats(-50, 50))
def test_nothing_moves_when_all_share_a_position(data, pos) -> None:
    _, c, s = (np.array(v) for v in data)
    x = np.full(c.size, pos)
    path, results = bg.run_rounds(x, c, s, rounds=3, span=10.0, tolerance=0.0)
    np.testing.assert_array_equal(path, pos)
    assert len(results) == 1  # stopping rule: no change -> stop
    assert results[0].offer_counts() == {"confrontation": 0, "compromise": 0, "capitulation": 0}


@settings(max_examples=40, deadline=None)
@given(actors)
def test_median_beats_or_ties_every_position(data) -> None:
    x, c, s = (np.array(v) for v in data)
    median, j = bg.condorcet_median(x, c, s, span=20.0)
    v = bg.vote_matrix(x, c, s, 20.0)
    assert np.all(v[j] >= -1e-9)
    # and it is a weighted median: at least half the weight on each side (inclusive)
    w = c * s
    if w.sum() > 0:
        assert w[x <= median].sum() >= w.sum() / 2 - 1e-9
        assert w[x >= median].sum() >= w.sum() / 2 - 1e-9


# ---------------------------------------------------------------------------------------
# Fearon (1995)
# ---------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.floats(0.0, 1.0),
    st.floats(1e-3, 1.0),
    st.floats(1e-3, 1.0),
    st.floats(0.001, 0.999),
)
def test_fearon_range_preferred_by_both(p, c_a, c_b, frac) -> None:
    lo, hi = bg.fearon_bargaining_range(p, c_a, c_b)
    assert lo == pytest.approx(p - c_a) and hi == pytest.approx(p + c_b)
    x = lo + frac * (hi - lo)  # strictly inside
    assert x > p - c_a  # A: split x beats war p - c_a
    assert 1 - x > (1 - p) - c_b  # B: split 1 - x beats war 1 - p - c_b
    # just outside the range, one side prefers war
    assert not (lo - 1e-6 > p - c_a)
    assert not (1 - (hi + 1e-6) > (1 - p) - c_b)


@pytest.mark.parametrize("args", [(1.2, 0.1, 0.1), (-0.1, 0.1, 0.1), (0.5, 0.0, 0.1), (0.5, 0.1, -1)])
def test_fearon_rejects_bad_input(args) -> None:
    with pytest.raises(ValueError):
        bg.fearon_bargaining_range(*args)


# ---------------------------------------------------------------------------------------
# The Mesa model end to end (simsim.run, the CLI, validation)
# ---------------------------------------------------------------------------------------

SCENARIOS = REPO / "scenarios"
EC_FILE = SCENARIOS / "ec_emissions_1994.yaml"
ICC_FILE = SCENARIOS / "icc_compliance_bargaining.yaml"


def test_registered_with_citation_and_docs() -> None:
    import simsim

    assert "bargaining" in simsim.mechanism_names()
    cls = simsim.get_mechanism("bargaining")
    assert "Scholz" in cls.citation and "Scholz" in (cls.__doc__ or "")
    doc = (REPO / "docs" / "mechanisms" / "bargaining.md").read_text()
    for label in ("B1", "B5", "B11", "B14"):
        assert label in doc and label in (bg.__doc__ or "")


def test_ec_scenario_end_to_end_reproduces_reference() -> None:
    import simsim

    res = simsim.run(simsim.load_scenario(EC_FILE), replications=2, seed=1)
    runs, ts = res.runs, res.timeseries
    assert len(runs) == 2
    assert runs["initial_mean"].iloc[0] == pytest.approx(7.38996, abs=1e-5)
    assert (runs["initial_median"] == 7.0).all()
    one = ts[ts["run"] == 0].sort_values("step")
    assert list(one["step"]) == list(range(11))
    assert one["mean_position"].iloc[0] == pytest.approx(7.38996, abs=1e-5)
    assert one["median_position"].iloc[0] == 7.0
    assert one["mean_position"].iloc[1:].between(7.2, 7.6).all()
    assert runs["forecast"].between(7.2, 7.6).all()
    # the per-actor columns agree with the final positions and give the forecast back
    last = one.iloc[-1]
    xs = np.array(
        [last[f"position.{a}"] for a in ("NLD", "BEL", "LUX", "DEU", "FRA", "ITA", "GBR", "IRL", "DNK", "GRC")]
    )
    assert bg.weighted_mean_position(xs, EC_C, EC_S) == pytest.approx(runs["forecast"].iloc[0])
    assert runs["final_position.BEL"].iloc[0] == pytest.approx(last["position.BEL"])
    # fixed inputs and a deterministic model: both runs identical
    assert runs["forecast"].nunique() == 1
    counts = runs[["confrontations", "compromises", "capitulations"]].iloc[0]
    assert counts.sum() == one[["offers.confrontation", "offers.compromise", "offers.capitulation"]].sum().sum()
    assert (
        runs["moves"].iloc[0]
        == one[["accepted.confrontation", "accepted.compromise", "accepted.capitulation"]].sum().sum()
    )
    assert runs["moves"].iloc[0] == sum(
        runs[f"moves_caused.{a}"].iloc[0]
        for a in ("NLD", "FRA", "DEU", "GBR", "ITA", "BEL", "LUX", "IRL", "DNK", "GRC")
    )


EC_IDS = ["NLD", "BEL", "LUX", "DEU", "FRA", "ITA", "GBR", "IRL", "DNK", "GRC"]


@pytest.mark.parametrize("rule", [0, 1])
def test_ec_scenario_offer_rule_end_to_end(rule: int) -> None:
    # The shipped scenario selects the replication's rule (1) and reproduces its path through
    # simsim.run; --set offer_rule=0 gives the paper's rule, whose path run_rounds computes.
    import simsim

    scn = simsim.load_scenario(EC_FILE, {"parameters.offer_rule.value": rule} if rule == 0 else None)
    assert scn.parameters["offer_rule"].central() == rule
    ts = simsim.run(scn, replications=1, seed=1).timeseries.sort_values("step")
    xs = ts[[f"position.{a}" for a in EC_IDS]].to_numpy()
    if rule == 1:
        ref_means, ref_xs = _replication_path()
    else:
        ref_xs, _ = bg.run_rounds(EC_X, EC_C, EC_S / 100, rounds=10, rule="least_change")
        ref_means = np.array([bg.weighted_mean_position(p, EC_C, EC_S) for p in ref_xs])
    np.testing.assert_allclose(ts["mean_position"], ref_means, rtol=0, atol=1e-9)
    np.testing.assert_allclose(xs, ref_xs, rtol=0, atol=1e-9)


@pytest.mark.slow  # 40 single-run models
def test_results_identical_for_any_chunking() -> None:
    import pandas as pd

    import simsim
    from simsim.experiment.runner import RunSettings

    scn = simsim.load_scenario(ICC_FILE, {"steps": 8})
    res = [simsim.run(scn, settings=RunSettings(replications=40, seed=11, jobs=1, chunk_size=k)) for k in (1, 7, 40)]
    assert res[0].runs["moves"].sum() > 0
    for other in res[1:]:
        pd.testing.assert_frame_equal(res[0].runs, other.runs)
        pd.testing.assert_frame_equal(res[0].timeseries, other.timeseries)


def test_runs_side_by_side_equal_runs_alone() -> None:
    # A chunk mixing the two offer rules and both normalisations (uncertain integer options)
    # gives each run what run_rounds gives for that run's inputs alone.
    import simsim

    scn = simsim.load_scenario(EC_FILE, {
        "parameters.offer_rule": {"dist": "choice", "values": [0, 1], "assumption": True},
        "parameters.pair_normalisation": {"dist": "choice", "values": [0, 1], "assumption": True},
    })
    res = simsim.run(scn, replications=12, seed=4)
    assert res.runs["param.offer_rule"].nunique() == 2 and res.runs["param.pair_normalisation"].nunique() == 2
    for _, row in res.runs.iterrows():
        rule = "replication" if row["param.offer_rule"] == 1 else "least_change"
        norm = "pair" if row["param.pair_normalisation"] == 1 else "all_pairs"
        path, _ = bg.run_rounds(EC_X, EC_C, EC_S / 100, rounds=10, rule=rule, normalisation=norm, tolerance=6e-9)
        last = path[-1]
        assert row["forecast"] == pytest.approx(bg.weighted_mean_position(last, EC_C, EC_S), abs=1e-9)
        np.testing.assert_allclose([row[f"final_position.{a}"] for a in EC_IDS], last, rtol=0, atol=1e-9)


def test_icc_scenario_gives_a_distribution_within_the_scale() -> None:
    import simsim

    scn = simsim.load_scenario(ICC_FILE)
    res = simsim.run(scn, replications=24, seed=5)
    runs, ts = res.runs, res.timeseries
    assert runs["forecast"].std() > 0  # uncertain inputs -> a distribution of forecasts
    assert runs["forecast"].between(0, 100).all()
    assert runs["attr.MNG.position"].between(40, 95).all()
    pos_cols = [c for c in ts.columns if c.startswith("position.")]
    assert len(pos_cols) == 8
    xs = ts[pos_cols].to_numpy()
    assert (xs >= 0).all() and (xs <= 100).all()
    # the median is always one of the actors' positions
    assert np.isclose(xs, ts["median_position"].to_numpy()[:, None], rtol=0, atol=1e-9).any(axis=1).all()
    again = simsim.run(scn, replications=24, seed=5)
    pd_testing = pytest.importorskip("pandas.testing")
    pd_testing.assert_frame_equal(runs, again.runs)


def test_all_actors_at_one_position_nothing_moves(tmp_path: Path) -> None:
    import simsim

    text = ICC_FILE.read_text()
    fixed = tmp_path / "same.yaml"
    import re

    fixed.write_text(
        re.sub(r"position: \{dist: [^}]*\}", "position: {value: 50, assumption: true, range: [0, 100]}", text)
    )
    res = simsim.run(simsim.load_scenario(fixed), replications=3, seed=2)
    np.testing.assert_allclose(res.runs["forecast"], 50.0, rtol=0, atol=1e-12)
    assert (res.runs[[c for c in res.runs.columns if c.startswith("final_position.")]] == 50.0).all().all()
    assert res.runs["converged"].all() and (res.runs["rounds"] == 1).all()
    assert (res.runs[["confrontations", "compromises", "capitulations", "moves"]] == 0).all().all()


BAD_EDITS = [
    # (file, old, new, key in the message)
    (
        EC_FILE,
        "capability: {value: 0.08, source: bdm_1994}",
        "capability: {value: -0.08, source: bdm_1994}",
        "actors[0].attributes.capability",
    ),
    (
        EC_FILE,
        "salience: {value: 80, source: bdm_1994}",
        "salience: {value: 120, source: bdm_1994}",
        "actors[0].attributes.salience",
    ),
    (
        ICC_FILE,
        "position: {dist: uniform, low: 95, high: 100, assumption: true}",
        "position: {dist: uniform, low: 95, high: 110, assumption: true}",
        "actors[1].attributes.position",
    ),
    (
        ICC_FILE,
        "salience: {dist: uniform, low: 80, high: 100, assumption: true}",
        "salience: {dist: uniform, low: 80, high: 101, assumption: true}",
        "attributes.salience",
    ),
    (ICC_FILE, "  scale_max: {value: 100,", "  scale_top: {value: 100,", "parameters.scale_"),
]


@pytest.mark.parametrize(("path", "old", "new", "key"), BAD_EDITS)
def test_bad_input_is_a_scenario_error(tmp_path: Path, path: Path, old: str, new: str, key: str) -> None:
    import simsim

    text = path.read_text()
    assert old in text
    bad = tmp_path / path.name
    bad.write_text(text.replace(old, new, 1))
    with pytest.raises(simsim.ScenarioError) as info:
        simsim.load_scenario(bad)
    msg = str(info.value)
    assert key in msg and str(bad) in msg and "\n" not in msg


def test_scale_bounds_must_be_ordered_and_paired(tmp_path: Path) -> None:
    import simsim

    text = ICC_FILE.read_text()
    cases = {
        "reversed": text.replace(
            "scale_max: {value: 100, assumption: true, range: [100, 100]",
            "scale_max: {value: -1, assumption: true, range: [-1, -1]",
        ),
        "one": "\n".join(line for line in text.splitlines() if not line.strip().startswith("scale_max:")),
    }
    for name, body in cases.items():
        f = tmp_path / f"{name}.yaml"
        f.write_text(body)
        with pytest.raises(simsim.ScenarioError, match="scale"):
            simsim.load_scenario(f)


def test_cli_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from simsim.cli import main

    assert main(["validate", str(EC_FILE), str(ICC_FILE)]) == 0
    out = tmp_path / "icc"
    assert main(["run", str(ICC_FILE), "-n", "50", "--seed", "1", "--out", str(out), "--no-plot"]) == 0
    assert "forecast" in capsys.readouterr().out and (out / "runs.parquet").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text(EC_FILE.read_text().replace("capability: {value: 0.08,", "capability: {value: -1,", 1))
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "capability" in err and "Traceback" not in err


@pytest.mark.slow
def test_cli_subprocess_run_and_validate(tmp_path: Path) -> None:
    import subprocess
    import sys

    cli = [sys.executable, "-m", "simsim.cli"]
    ok = subprocess.run([*cli, "validate", str(EC_FILE), str(ICC_FILE)], capture_output=True, text=True, cwd=REPO)
    assert ok.returncode == 0, ok.stderr
    out = tmp_path / "ec"
    r = subprocess.run(
        [*cli, "run", str(EC_FILE), "-n", "50", "--seed", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert r.returncode == 0, r.stderr
    assert "forecast" in r.stdout and (out / "runs.parquet").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text(EC_FILE.read_text().replace("salience: {value: 80,", "salience: {value: 180,", 1))
    r = subprocess.run([*cli, "validate", str(bad)], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "salience" in r.stderr


@pytest.mark.slow  # 500 runs of the ICC scenario
def test_docs_worked_example_is_generated_from_the_code() -> None:
    # The worked example in docs/mechanisms/bargaining.md is what the script computes now.
    from tests.conftest import load_example

    result = load_example("bargaining_worked_example").main(check=True)
    assert result["up_to_date"], "run: python examples/bargaining_worked_example.py"
    assert result["max_gap_replication"] < 0.05 < result["max_gap_paper"]
    ref_means, _ = _replication_path()
    assert result["forecast_replication"] == pytest.approx(ref_means[-1], abs=1e-9)
