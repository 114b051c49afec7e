"""Tests of the ``games`` mechanism: exact match scores, tournament property, noise, imitation.

Expected values are hand calculations with Axelrod's payoffs R=3, T=5, S=0, P=1 over 200 rounds
(the references in shared VALIDATION.md), closed forms, or invariants.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simsim.behaviours import BUILTIN_BEHAVIOURS
from simsim.mechanisms.games import (
    NAMED_GAMES,
    GameEngine,
    all_pairs,
    imitate,
    pair_payoffs,
    pairs_from_relation,
    play_match,
    round_robin,
    slot_payoffs,
)

# --------------------------------------------------------------------------------------------
# Exact match scores (deterministic behaviours, no noise, 200 rounds, R=3 T=5 S=0 P=1)
# --------------------------------------------------------------------------------------------

EXACT = [
    # TFT cooperates once (S=0) then both confront 199 times (P=1): 199; ALLD: T + 199 P = 204.
    ("tit_for_tat", "always_confront", 199, 204),
    # ALLC is exploited every round: 200 * S = 0 against 200 * T = 1000.
    ("always_cooperate", "always_confront", 0, 1000),
    # Mutual cooperation throughout: 200 * R = 600 each.
    ("tit_for_tat", "tit_for_tat", 600, 600),
    ("grim_trigger", "tit_for_tat", 600, 600),
    ("win_stay_lose_shift", "always_cooperate", 600, 600),
    # STFT opens with D against TFT's C, then each copies the other: (D,C),(C,D),... 100 of each:
    # 100 * T + 100 * S = 500 for both.
    ("suspicious_tit_for_tat", "tit_for_tat", 500, 500),
    # WSLS vs ALLD: C (S=0, lose -> shift), D (P=1, lose -> shift), ... : 100 * 0 + 100 * 1 = 100;
    # ALLD: 100 * T + 100 * P = 600.
    ("win_stay_lose_shift", "always_confront", 100, 600),
    # Grim vs STFT: (C,D) 0/5, (D,C) 5/0, then (D,D) for 198 rounds: 5 + 198 = 203 each.
    ("grim_trigger", "suspicious_tit_for_tat", 203, 203),
    # ALLD vs ALLD: 200 * P.
    ("always_confront", "always_confront", 200, 200),
    # STFT vs ALLC: T once, then R 199 times: 5 + 597 = 602; ALLC: 0 + 597 = 597.
    ("suspicious_tit_for_tat", "always_cooperate", 602, 597),
]


@pytest.mark.parametrize(("a", "b", "score_a", "score_b"), EXACT)
def test_exact_match_scores(a: str, b: str, score_a: int, score_b: int) -> None:
    result = play_match(a, b, rounds=200, payoff="prisoners_dilemma")
    assert result.scores == (score_a, score_b)
    # The mirror match gives the mirror scores (the engine treats both sides alike).
    assert play_match(b, a, rounds=200).scores == (score_b, score_a)


def test_suspicious_tit_for_tat_alternates_with_tit_for_tat() -> None:
    acts = play_match("suspicious_tit_for_tat", "tit_for_tat", rounds=8).actions()
    assert acts == ["DC", "CD"] * 4


def test_win_stay_lose_shift_recovers_after_one_mutual_confrontation() -> None:
    """Nowak & Sigmund (1993): two WSLS players return to cooperation after a DD round."""
    b = BUILTIN_BEHAVIOURS[[c.name for c in BUILTIN_BEHAVIOURS].index("win_stay_lose_shift")]()
    hist_payoff = np.broadcast_to([[3.0, 0.0], [5.0, 1.0]], (2, 2, 2)).copy()
    engine = GameEngine(2, np.array([[0, 1]]), hist_payoff, [b], np.array([0, 0]))
    rng = np.random.default_rng(0)
    engine.play_round(rng)  # CC
    # force one (D, C) round as if by noise: WSLS then gives (D, D), then (C, C) again
    engine.history.record(np.array([True, False]), engine.partner)
    seq = ["".join("D" if m else "C" for m in engine.play_round(rng)) for _ in range(3)]
    assert seq == ["DD", "CC", "CC"]


def test_generous_tit_for_tat_forgives_at_the_given_rate() -> None:
    rng = np.random.default_rng(11)
    g = 0.3
    m = play_match("generous_tit_for_tat", "always_confront", rounds=4001, rng=rng,
                   params={"forgiveness": [g, 0.0]})
    coop_after_d = ~m.moves[1:, 0]  # every round after the first follows a confrontation
    n = coop_after_d.size
    sd = np.sqrt(n * g * (1 - g))
    assert abs(coop_after_d.sum() - n * g) < 4 * sd


def test_random_cooperates_at_the_given_rate() -> None:
    p = 0.8
    m = play_match("random", "always_cooperate", rounds=5000, rng=np.random.default_rng(3),
                   params={"cooperation_probability": [p, 0.5]})
    n = 5000
    assert abs((~m.moves[:, 0]).sum() - n * p) < 4 * np.sqrt(n * p * (1 - p))


def test_quantal_response_matches_the_logit_formula() -> None:
    """Against ALLC the belief after t rounds is q = (w q0 + t) / (w + t); check Pr(D) per round."""
    lam, q0, w = 0.7, 0.2, 4.0
    rounds, reps = 6, 4000
    pairs = np.column_stack([np.arange(0, 2 * reps, 2), np.arange(1, 2 * reps, 2)])
    payoff = np.broadcast_to([[3.0, 0.0], [5.0, 1.0]], (2 * reps, 2, 2)).copy()
    beh = [c() for c in BUILTIN_BEHAVIOURS if c.name in ("quantal_response", "always_cooperate")]
    qr_code = [b.name for b in beh].index("quantal_response")
    code = np.tile([qr_code, 1 - qr_code], reps)
    params = {"rationality": np.full(2 * reps, lam), "prior_cooperation": np.full(2 * reps, q0),
              "prior_weight": np.full(2 * reps, w)}
    engine = GameEngine(2 * reps, pairs, payoff, beh, code, params)
    rng = np.random.default_rng(8)
    for t in range(rounds):
        moves = engine.play_round(rng)[0::2]
        q = (w * q0 + t) / (w + t)
        diff = q * (5 - 3) + (1 - q) * (1 - 0)  # E_D - E_C
        p = 1 / (1 + np.exp(-lam * diff))
        assert abs(moves.mean() - p) < 4 * np.sqrt(p * (1 - p) / reps)


# --------------------------------------------------------------------------------------------
# Tournament property (Axelrod 1980: nice rules did well; ranks vary across re-implementations)
# --------------------------------------------------------------------------------------------


def test_round_robin_nice_behaviours_rank_above_always_confront() -> None:
    names = [c.name for c in BUILTIN_BEHAVIOURS]
    nice = [c.name for c in BUILTIN_BEHAVIOURS if c.metadata["nice"]]
    scores = round_robin(names, rounds=200, rng=np.random.default_rng(2024), self_play=True)
    mean = dict(zip(names, scores.mean(axis=1), strict=True))
    assert np.mean([mean[n] for n in nice]) > mean["always_confront"]
    order = sorted(names, key=lambda n: -mean[n])
    rank = {n: order.index(n) for n in names}
    assert np.mean([rank[n] for n in nice]) < rank["always_confront"]
    assert mean["tit_for_tat"] > mean["always_confront"]


def test_round_robin_self_play_and_deterministic_entries() -> None:
    scores = round_robin(["tit_for_tat", "always_confront", "always_cooperate"], rounds=200)
    expected = np.array([[600, 199, 600], [204, 200, 1000], [600, 0, 600]])
    np.testing.assert_array_equal(scores, expected)


# --------------------------------------------------------------------------------------------
# Noise
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("e", [0.01, 0.1, 0.3])
def test_noise_flips_moves_at_the_expected_rate(e: float) -> None:
    rounds = 3000
    m = play_match("always_cooperate", "always_cooperate", rounds=rounds, noise=e,
                   rng=np.random.default_rng(int(e * 1000)))
    n = 2 * rounds
    flipped = int(m.moves.sum())  # every confrontation by ALLC is a flip
    assert abs(flipped - n * e) < 4 * np.sqrt(n * e * (1 - e))
    m = play_match("always_confront", "always_confront", rounds=rounds, noise=e,
                   rng=np.random.default_rng(7))
    assert abs(int((~m.moves).sum()) - n * e) < 4 * np.sqrt(n * e * (1 - e))


def test_noise_zero_never_flips() -> None:
    m = play_match("always_cooperate", "tit_for_tat", rounds=500, noise=0.0,
                   rng=np.random.default_rng(1))
    assert not m.moves.any()


# --------------------------------------------------------------------------------------------
# Payoffs and networks
# --------------------------------------------------------------------------------------------


def test_named_games_have_their_defining_orderings() -> None:
    pd, ch, sh, hm = (NAMED_GAMES[k] for k in ("prisoners_dilemma", "chicken", "stag_hunt", "harmony"))
    assert pd["T"] > pd["R"] > pd["P"] > pd["S"] and 2 * pd["R"] > pd["T"] + pd["S"]
    assert ch["T"] > ch["R"] > ch["S"] > ch["P"]
    assert sh["R"] > sh["T"] > sh["P"] > sh["S"]
    assert hm["R"] > hm["S"] > hm["T"] > hm["P"]
    assert (pd["R"], pd["S"], pd["T"], pd["P"]) == (3, 0, 5, 1)


def test_dependence_cost_lowers_every_outcome_with_a_confrontation() -> None:
    pairs = np.array([[0, 1]])
    w = np.array([[0.0, 0.5], [0.1, 0.0]])  # 0 depends on 1 by 0.5, 1 on 0 by 0.1
    out = slot_payoffs(pairs, pair_payoffs(1), dependence=w, cost=4.0)
    # side 0: kappa * w = 2: R stays 3; S 0-2; T 5-2; P 1-2
    np.testing.assert_allclose(out[0], [[3, -2], [3, -1]])
    np.testing.assert_allclose(out[1], [[3, -0.4], [4.6, 0.6]])
    # T - kappa w = R at kappa w = T - R: side 0 is indifferent between confronting and not
    # against a cooperator, so the game is no longer a prisoner's dilemma for it.
    assert out[0, 1, 0] == out[0, 0, 0]


def test_pairs_from_all_pairs_and_relation() -> None:
    assert all_pairs(4).tolist() == [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]
    assert len(all_pairs(10)) == 45
    assert len(all_pairs(5, self_play=True)) == 15
    rel = np.zeros((4, 4))
    rel[2, 0] = 0.3
    rel[1, 3] = 1.0
    assert pairs_from_relation(rel).tolist() == [[0, 2], [1, 3]]


# --------------------------------------------------------------------------------------------
# Imitation
# --------------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(2, 9),
    seed=st.integers(0, 2**32 - 1),
    probability=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_imitation_copies_only_better_scoring_neighbours(n: int, seed: int, probability: float) -> None:
    rng = np.random.default_rng(seed)
    score = rng.integers(0, 4, size=n).astype(float)  # small integers: plenty of ties
    nb = rng.random((n, n)) < 0.5
    nb = nb | nb.T
    np.fill_diagonal(nb, False)
    source = imitate(score, nb, probability, np.random.default_rng(seed + 1))
    for i, j in enumerate(source):
        if j < 0:
            continue
        assert nb[i, j], "copied a state that is not a neighbour"
        assert score[j] > score[i], "copied a neighbour that did not score strictly more"
        assert score[j] == score[nb[i]].max(), "copied a neighbour that is not the best"
    if probability == 0.0:
        assert (source == -1).all()
    if probability == 1.0:  # everyone with a strictly better neighbour copies
        better = np.array([nb[i].any() and score[nb[i]].max() > score[i] for i in range(n)])
        np.testing.assert_array_equal(source >= 0, better)


def test_imitation_in_the_engine_spreads_the_better_behaviour() -> None:
    """A line ALLC - ALLD - ALLC: ALLD earns T=5 per game-round, each ALLC S=0; the ALLC states
    copy ALLD (probability 1) and ALLD never copies the worse-scoring ALLC."""
    beh = [c() for c in BUILTIN_BEHAVIOURS if c.name in ("always_cooperate", "always_confront")]
    names = [b.name for b in beh]
    c, d = names.index("always_cooperate"), names.index("always_confront")
    pairs = np.array([[0, 1], [1, 2]])
    engine = GameEngine(3, pairs, pair_payoffs(2).reshape(-1, 2, 2), beh, np.array([c, d, c]))
    rng = np.random.default_rng(0)
    for _ in range(5):
        engine.play_round(rng)
    np.testing.assert_allclose(engine.window_score(), [0.0, 5.0, 0.0])
    source = engine.imitation_step(1.0, rng)
    assert source.tolist() == [1, -1, 1]
    assert engine.code.tolist() == [d, d, d]
    engine.play_round(rng)
    assert engine.last_moves.all()


def test_engine_counts_cooperation_and_mutual_confrontation() -> None:
    beh = [c() for c in BUILTIN_BEHAVIOURS if c.name in ("tit_for_tat", "always_confront")]
    names = [b.name for b in beh]
    code = np.array([names.index("tit_for_tat"), names.index("always_confront")])
    engine = GameEngine(2, np.array([[0, 1]]), pair_payoffs(1).reshape(-1, 2, 2), beh, code)
    rng = np.random.default_rng(0)
    for _ in range(200):
        engine.play_round(rng)
    assert engine.pair_cooperations.tolist() == [1]  # TFT's first move only
    assert engine.pair_mutual_confrontations.tolist() == [199]
    assert engine.total.tolist() == [199.0, 204.0]


# --------------------------------------------------------------------------------------------
# The Mesa model end to end (simsim.run, the CLI, scenario validation)
# --------------------------------------------------------------------------------------------

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import yaml  # noqa: E402

import simsim  # noqa: E402
from simsim.errors import ScenarioError  # noqa: E402
from simsim.experiment import run_one  # noqa: E402
from simsim.scenario.loader import scenario_from_data  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"


def _scenario(actors: list[dict[str, Any]], steps: int = 200, **extra: Any) -> dict[str, Any]:
    return {"name": "t", "description": "test", "model": "games", "steps": steps, "replications": 2,
            "actors": actors, **extra}


def _run(data: dict[str, Any], seed: int = 1) -> tuple[dict[str, Any], Any]:
    return run_one(scenario_from_data(data), seed)


def test_model_reproduces_exact_match_scores() -> None:
    row, ts = _run(_scenario([
        {"id": "A", "name": "A", "behaviour": "tit_for_tat"},
        {"id": "B", "name": "B", "behaviour": "always_confront"},
    ]))
    assert (row["payoff.A"], row["payoff.B"]) == (199.0, 204.0)
    assert row["cooperation_rate.A-B"] == 1 / 400
    assert row["mutual_confrontations"] == 199
    assert row["top_scorer"] == "B"
    assert np.isnan(ts["cooperation_rate"].iloc[0])  # step 0: before the first round
    assert ts["cooperation_rate"].iloc[1] == 0.5 and (ts["cooperation_rate"].iloc[2:] == 0).all()
    assert (ts["mutual_confrontation_rate"].iloc[2:] == 1).all()


def test_dependence_relation_scales_the_cost_of_confrontation() -> None:
    """ALLD vs ALLC with w(A->B) = 0.5, w(B->A) = 0.25, kappa = 2: every round has a
    confrontation, so A gets T - 1 = 4 and B gets S - 0.5 = -0.5 per round."""
    row, _ = _run(_scenario(
        [{"id": "A", "name": "A", "behaviour": "always_confront"},
         {"id": "B", "name": "B", "behaviour": "always_cooperate"}],
        steps=100,
        settings={"dependence": "dep"},
        parameters={"dependence_cost": {"value": 2, "assumption": True, "range": [0, 4]}},
        relations={"dep": {"edges": [{"from": "A", "to": "B", "value": 0.5, "assumption": True},
                                     {"from": "B", "to": "A", "value": 0.25, "assumption": True}]}},
    ))
    assert row["payoff.A"] == pytest.approx(400.0)
    assert row["payoff.B"] == pytest.approx(-50.0)


def test_per_pair_named_and_asymmetric_payoffs() -> None:
    """A-B chicken (ALLD vs ALLC: T=5, S=1); B-C per-side matrices; A-C the default dilemma."""
    row, _ = _run(_scenario(
        [{"id": "A", "name": "A", "behaviour": "always_confront"},
         {"id": "B", "name": "B", "behaviour": "always_cooperate"},
         {"id": "C", "name": "C", "behaviour": "always_confront"}],
        steps=10,
        settings={"pairs": [
            {"between": ["A", "B"], "game": "chicken", "assumption": True},
            {"between": ["C", "B"], "assumption": True,
             "payoffs": {"B": {"R": 1, "S": -2, "T": 1, "P": 0}, "C": {"R": 1, "S": 0, "T": 7, "P": 0}}},
        ]},
    ))
    # A: 10 x 5 (chicken T vs B) + 10 x 1 (dilemma P vs C) = 60
    # B: 10 x 1 (chicken S) + 10 x -2 (its own S vs C) = -10;  C: 10 x 7 + 10 x 1 = 80
    assert (row["payoff.A"], row["payoff.B"], row["payoff.C"]) == (60.0, -10.0, 80.0)


def test_network_setting_limits_the_games_to_linked_pairs() -> None:
    scn = scenario_from_data(_scenario(
        [{"id": k, "name": k, "behaviour": "tit_for_tat"} for k in "ABCD"],
        steps=5,
        settings={"network": "contact"},
        relations={"contact": {"symmetric": True, "edges": [
            {"from": "A", "to": "B", "value": 1, "assumption": True},
            {"from": "C", "to": "D", "value": 1, "assumption": True}]}},
    ))
    row, _ = run_one(scn, 3)
    pair_cols = sorted(k for k in row if k.startswith("cooperation_rate."))
    assert pair_cols == ["cooperation_rate.A-B", "cooperation_rate.C-D"]
    assert row["payoff.A"] == 15.0  # one game of 5 rounds of R = 3


def test_imitation_spreads_the_better_scoring_behaviour() -> None:
    """ALLC, ALLC, ALLD, all pairs. Over a window an ALLC scores (R + S)/2 = 1.5 per game-round and
    ALLD 5: at the first imitation step (after round 5) both ALLC states copy ALLD."""
    row, ts = _run(_scenario(
        [{"id": "A", "name": "A", "behaviour": "always_cooperate"},
         {"id": "B", "name": "B", "behaviour": "always_cooperate"},
         {"id": "C", "name": "C", "behaviour": "always_confront"}],
        steps=20,
        parameters={"imitation_interval": {"value": 5, "assumption": True, "range": [1, 20]}},
    ))
    share = ts["share.always_confront"].to_numpy()
    np.testing.assert_allclose(share[:5], 1 / 3)
    np.testing.assert_allclose(share[5:], 1.0)
    assert row["share.always_confront"] == 1.0 and row["share.always_cooperate"] == 0.0
    # after the switch every move is a confrontation
    assert (ts["cooperation_rate"].iloc[6:] == 0).all()


def test_imitation_never_copies_a_worse_behaviour() -> None:
    """TFT states among ALLC states: TFT and ALLC earn R=3 against each other, so no one scores
    strictly more and nobody switches; ALLD absent."""
    row, ts = _run(_scenario(
        [{"id": k, "name": k, "behaviour": b} for k, b in
         zip("ABCD", ["tit_for_tat", "always_cooperate", "tit_for_tat", "always_cooperate"], strict=True)],
        steps=30,
        parameters={"imitation_interval": {"value": 3, "assumption": True, "range": [1, 10]}},
    ))
    assert (ts["share.tit_for_tat"] == 0.5).all()


def test_set_behaviour_event_and_pair_history() -> None:
    """B switches from ALLC to grim trigger at step 4: A (ALLD) confronted before, so grim confronts."""
    row, ts = _run(_scenario(
        [{"id": "A", "name": "A", "behaviour": "always_confront"},
         {"id": "B", "name": "B", "behaviour": "always_cooperate"}],
        steps=6,
        events=[{"step": 4, "type": "set_behaviour", "actor": "B", "behaviour": "grim_trigger"}],
    ))
    assert ts["cooperation_rate"].iloc[1:4].tolist() == [0.5, 0.5, 0.5]
    assert ts["cooperation_rate"].iloc[4:].tolist() == [0.0, 0.0, 0.0]
    assert ts["share.grim_trigger"].iloc[4] == 0.5 and ts["share.grim_trigger"].iloc[3] == 0.0
    assert row["payoff.A"] == 3 * 5 + 3 * 1


def test_behaviour_params_per_actor_and_uncertain() -> None:
    data = _scenario(
        [{"id": "A", "name": "A", "behaviour": "random",
          "behaviour_params": {"cooperation_probability": {"dist": "uniform", "low": 0.0, "high": 1.0,
                                                           "assumption": True}}},
         {"id": "B", "name": "B", "behaviour": "always_cooperate"}],
        steps=400,
    )
    res = simsim.run(scenario_from_data(data), replications=6, seed=5, jobs=1)
    p = res.runs["bparam.A.cooperation_probability"].to_numpy()
    coop = 2 * res.runs["cooperation_rate.A-B"].to_numpy() - 1  # A's own cooperation rate
    assert np.all(np.abs(coop - p) < 4 * np.sqrt(p * (1 - p) / 400) + 1e-9)


def test_shipped_scenarios_run_and_are_reproducible() -> None:
    for name in ("iterated_cooperation", "axelrod_tournament_1980"):
        scn = simsim.load_scenario(SCENARIOS / f"{name}.yaml")
        a = simsim.run(scn, replications=3, seed=11, jobs=1)
        b = simsim.run(scn, replications=3, seed=11, jobs=1)
        assert a.runs.equals(b.runs)
    runs = a.runs  # the tournament
    # deterministic pairings give the hand-calculated cooperation rates in every replication
    assert (runs["cooperation_rate.ALLD-TFT"] == 1 / 400).all()
    assert (runs["cooperation_rate.ALLC-STFT"] == 399 / 400).all()
    assert (runs["cooperation_rate.TFT-STFT"] == 0.5).all()
    nice = ["ALLC", "TFT", "GTFT", "GRIM", "WSLS"]
    assert (runs[[f"payoff.{k}" for k in nice]].mean(axis=1) > runs["payoff.ALLD"]).all()


def test_tournament_scenario_self_play_counts_once() -> None:
    """TFT's deterministic matches: vs ALLC, TFT, GTFT (nice, no D ever), GRIM, WSLS: 600 each;
    vs ALLD 199; vs STFT 500. Only the random and quantal-response matches vary."""
    row, _ = run_one(simsim.load_scenario(SCENARIOS / "axelrod_tournament_1980.yaml"), 2)
    fixed = 5 * 600 + 199 + 500
    variable = row["payoff.TFT"] - fixed
    assert 0 <= variable <= 2 * 200 * 5


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


BASE_ACTORS = [{"id": "A", "name": "A", "behaviour": "tit_for_tat"},
               {"id": "B", "name": "B", "behaviour": "always_confront"}]

BAD = [
    ({"settings": {"pairs": [{"between": ["A", "B"], "assumption": True, "payoffs": {"R": 3, "S": 0, "T": 5}}]}},
     "settings.pairs[0].payoffs", "missing P"),
    ({"settings": {"pairs": [{"between": ["A", "B"], "assumption": True,
                              "payoffs": {"R": 3, "S": 0, "T": "five", "P": 1}}]}},
     "settings.pairs[0].payoffs.T", "number"),
    ({"settings": {"pairs": [{"between": ["A", "B"], "assumption": True,
                              "payoffs": {"R": 3, "S": 0, "T": 5, "P": 1, "Q": 2}}]}},
     "settings.pairs[0].payoffs.Q", "unknown payoff"),
    ({"settings": {"pairs": [{"between": ["A", "B"], "assumption": True, "game": "chicken",
                              "payoffs": {"R": 3, "S": 0, "T": 5, "P": 1}}]}},
     "settings.pairs[0]", "exactly one of"),
    ({"settings": {"pairs": [{"between": ["A", "Z"], "assumption": True, "game": "chicken"}]}},
     "settings.pairs[0].between[1]", "unknown actor"),
    ({"settings": {"pairs": [{"between": ["A", "B"], "game": "chicken"}]}},
     "settings.pairs[0]", "assumption"),
    ({"settings": {"game": "poker"}}, "settings.game", "unknown game"),
    ({"settings": {"gmae": "chicken"}}, "settings.gmae", "unknown setting"),
    ({"settings": {"dependence": "nothing"}}, "settings.dependence", "not a relation"),
    ({"actors": [{"id": "A", "name": "A", "behaviour": "tit_for_tot"}, BASE_ACTORS[1]]},
     "actors[0].behaviour", "unknown behaviour"),
    ({"actors": [{"id": "A", "name": "A"}, BASE_ACTORS[1]]}, "actors[0]", "needs a behaviour"),
    ({"actors": [{"id": "A", "name": "A", "behaviour": "tit_for_tat",
                  "behaviour_params": {"forgiveness": {"value": 0.2, "assumption": True}}}, BASE_ACTORS[1]]},
     "actors[0].behaviour_params.forgiveness", "has no parameter"),
    ({"actors": [{"id": "A", "name": "A", "behaviour": "generous_tit_for_tat",
                  "behaviour_params": {"forgiveness": {"value": 1.5, "assumption": True}}}, BASE_ACTORS[1]]},
     "actors[0].behaviour_params.forgiveness", "must lie in"),
    ({"settings": {"network": "contact", "pairs": [{"between": ["A", "C"], "game": "chicken", "assumption": True}]},
      "actors": [*BASE_ACTORS, {"id": "C", "name": "C", "behaviour": "tit_for_tat"}],
      "relations": {"contact": {"edges": [{"from": "A", "to": "B", "value": 1, "assumption": True}]}}},
     "settings.pairs[0].between", "do not play"),
]


@pytest.mark.parametrize(("change", "key", "text"), BAD, ids=[b[1] + ":" + b[2] for b in BAD])
def test_malformed_games_input_is_one_clear_error(tmp_path: Path, change: dict[str, Any], key: str,
                                                  text: str) -> None:
    data = _scenario(BASE_ACTORS, steps=10) | change
    path = _write(tmp_path, data)
    with pytest.raises(ScenarioError) as err:
        simsim.load_scenario(path)
    assert err.value.key == key
    assert text in err.value.message
    assert err.value.file == str(path) and err.value.line is not None
    # the line named is the line of that key in the file
    lines = path.read_text().splitlines()
    leaf = key.rsplit(".", 1)[-1].split("[")[0]
    assert leaf in lines[err.value.line - 1] or "- " in lines[err.value.line - 1]


def test_settings_are_rejected_for_mechanisms_that_take_none(tmp_path: Path) -> None:
    from tests.conftest import MINIMAL

    data = yaml.safe_load(MINIMAL)  # a dilemma scenario without extends:
    data["settings"] = {"game": "chicken"}
    with pytest.raises(ScenarioError, match="takes no settings"):
        scenario_from_data(data, "x.yaml")


CLI = [sys.executable, "-m", "simsim.cli"]


@pytest.mark.slow  # starts a Python process
def test_cli_bad_payoff_matrix_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    bad = _write(tmp_path, _scenario(BASE_ACTORS, steps=10) | {
        "settings": {"pairs": [{"between": ["A", "B"], "assumption": True, "payoffs": {"R": 3, "S": 0, "T": 5}}]}})
    r = subprocess.run([*CLI, "run", str(bad), "-n", "2", "--no-plot", "--out", str(tmp_path / "o2")],
                       capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 2
    msg = r.stderr.strip()
    assert "Traceback" not in msg and len(msg.splitlines()) == 1
    assert f"{bad}:" in msg and "settings.pairs[0].payoffs" in msg and "missing P" in msg
    assert not (tmp_path / "o2").exists()


@pytest.mark.slow
def test_cli_validate_and_run_shipped_scenarios(tmp_path: Path) -> None:
    ok = subprocess.run([*CLI, "validate", str(SCENARIOS / "iterated_cooperation.yaml"),
                         str(SCENARIOS / "axelrod_tournament_1980.yaml")],
                        capture_output=True, text=True, cwd=REPO)
    assert ok.returncode == 0, ok.stderr
    out = tmp_path / "out"
    r = subprocess.run([*CLI, "run", str(SCENARIOS / "iterated_cooperation.yaml"), "-n", "50", "--seed", "1",
                        "--jobs", "1", "--no-plot", "--out", str(out)], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0, r.stderr
    res = simsim.Results.load(out)
    assert len(res.runs) == 50 and res.runs["cooperation_rate"].between(0, 1).all()
    assert set(res.timeseries["step"]) == set(range(101))


@pytest.mark.slow  # 40 single-run models, twice
@pytest.mark.parametrize("imitation", [False, True])
def test_results_identical_for_any_chunking(imitation: bool) -> None:
    # Stochastic behaviours, execution noise and an uncertain dependence cost (the iterated
    # cooperation scenario); then the tournament's nine behaviours with noise and imitation at an
    # uncertain interval: runs computed side by side equal runs computed alone.
    import pandas as pd

    from simsim.experiment.runner import RunSettings

    over: dict[str, Any] = {"steps": 30}
    name = "iterated_cooperation"
    if imitation:
        name = "axelrod_tournament_1980"
        over["parameters.imitation_interval"] = {"dist": "choice", "values": [0, 3, 5], "assumption": True}
        over["parameters.noise"] = {"dist": "uniform", "low": 0.0, "high": 0.1, "assumption": True}
    scn = simsim.load_scenario(SCENARIOS / f"{name}.yaml", over)
    res = [simsim.run(scn, settings=RunSettings(replications=40, seed=21, jobs=1, chunk_size=k)) for k in (1, 7, 40)]
    if imitation:  # imitation happened: some run ends with fewer behaviours than it started with
        shares = res[0].runs[[c for c in res[0].runs.columns if c.startswith("share.")]]
        assert ((shares > 0).sum(axis=1) < shares.shape[1]).any()
    for other in res[1:]:
        pd.testing.assert_frame_equal(res[0].runs, other.runs)
        pd.testing.assert_frame_equal(res[0].timeseries, other.timeseries)
