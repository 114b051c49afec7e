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
