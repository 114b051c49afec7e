"""Contract tests: every built-in behaviour goes through the same checks.

Each check could fail for a badly written behaviour: a missing name or citation, metadata that
lies (a "deterministic" rule that uses random numbers, a "nice" rule that confronts first, a
wrong declared first move), play that depends on anything but the seed, an object that does not
pickle, or a rule that is not registered.
"""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest

from simsim.behaviours import BUILTIN_BEHAVIOURS, Behaviour, PairHistory
from simsim.mechanisms.games import play_match, round_robin

NAMES = [cls.name for cls in BUILTIN_BEHAVIOURS]
OPPONENTS = NAMES  # every behaviour meets every other one

REQUIRED = {
    "always_cooperate",
    "always_confront",
    "tit_for_tat",
    "suspicious_tit_for_tat",
    "generous_tit_for_tat",
    "grim_trigger",
    "win_stay_lose_shift",
    "random",
    "quantal_response",
}


def test_the_library_has_every_behaviour_the_mechanism_promises() -> None:
    assert REQUIRED <= set(NAMES)
    assert len(NAMES) == len(set(NAMES))


@pytest.fixture(params=BUILTIN_BEHAVIOURS, ids=lambda c: c.name)
def cls(request: pytest.FixtureRequest) -> type[Behaviour]:
    return request.param


def test_registered_under_its_name(cls: type[Behaviour]) -> None:
    from simsim.registry import behaviour_names, get_behaviour

    assert cls.name in behaviour_names()
    assert get_behaviour(cls.name) is cls


def test_documented(cls: type[Behaviour]) -> None:
    assert re.fullmatch(r"[a-z][a-z0-9_]*", cls.name)
    doc = cls.__doc__ or ""
    assert len(doc.strip()) > 40
    assert "Origin" in doc, "the docstring must state the rule's origin"
    assert re.search(r"\(\d{4}\)", cls.origin), "origin must be a citation with a year"
    assert {"stochastic", "memory_depth", "nice", "first_move"} <= set(cls.metadata)
    assert cls.metadata["first_move"] in {"cooperate", "confront", "random"}
    for pname, spec in cls.parameters.items():
        assert spec.low <= spec.default <= spec.high, pname
        assert spec.doc


def _play_all(b: Behaviour, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [play_match(b, o, rounds=60, rng=rng).moves for o in OPPONENTS]


def test_same_seed_same_play(cls: type[Behaviour]) -> None:
    a = _play_all(cls(), 123)
    b = _play_all(cls(), 123)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


def test_deterministic_flag_is_honest(cls: type[Behaviour]) -> None:
    """A rule declared deterministic plays the same with any seed against deterministic rules."""
    deterministic = [c for c in BUILTIN_BEHAVIOURS if not c.metadata["stochastic"]]
    seeds_differ = []
    for opp in deterministic:
        m1 = play_match(cls(), opp(), rounds=60, rng=np.random.default_rng(1)).moves
        m2 = play_match(cls(), opp(), rounds=60, rng=np.random.default_rng(2)).moves
        seeds_differ.append(not np.array_equal(m1, m2))
    if cls.metadata["stochastic"]:
        assert any(seeds_differ), "a stochastic rule should vary with the seed"
    else:
        assert not any(seeds_differ)


def test_pickles(cls: type[Behaviour]) -> None:
    b = cls()
    clone = pickle.loads(pickle.dumps(b))
    assert type(clone) is cls
    assert clone == b
    x = play_match(b, "tit_for_tat", rounds=40, rng=np.random.default_rng(5)).moves
    y = play_match(clone, "tit_for_tat", rounds=40, rng=np.random.default_rng(5)).moves
    np.testing.assert_array_equal(x, y)


def test_first_move_as_declared(cls: type[Behaviour]) -> None:
    hist = PairHistory.empty(np.broadcast_to([[3.0, 0.0], [5.0, 1.0]], (400, 2, 2)).copy())
    first = cls().decide(hist, np.arange(400), np.random.default_rng(0))
    assert first.dtype == bool and first.shape == (400,)
    declared = cls.metadata["first_move"]
    if declared == "cooperate":
        assert not first.any()
    elif declared == "confront":
        assert first.all()
    else:
        assert 0 < first.sum() < 400


def test_nice_flag_is_honest(cls: type[Behaviour]) -> None:
    """A nice rule never confronts a partner that has never confronted (here: always_cooperate)."""
    moves = play_match(cls(), "always_cooperate", rounds=100, rng=np.random.default_rng(9)).moves
    if cls.metadata["nice"]:
        assert not moves[:, 0].any()
    else:
        assert moves[:, 0].any()


def test_decides_for_a_subset_of_slots_only(cls: type[Behaviour]) -> None:
    """A slot's move depends on its own pair's history only, not on which other slots are asked."""
    n = 8
    payoff = np.broadcast_to([[3.0, 0.0], [5.0, 1.0]], (n, 2, 2)).copy()
    hist = PairHistory.empty(payoff)
    partner = np.arange(n) ^ 1
    hist.record(np.array([False, True, True, False, True, True, False, False]), partner)
    hist.record(np.array([True, True, False, False, True, False, False, True]), partner)
    sel = np.array([1, 2, 6])
    b = cls()
    part = b.decide(hist, sel, np.random.default_rng(0))
    assert part.dtype == bool and part.shape == (3,)
    if not cls.metadata["stochastic"]:
        whole = b.decide(hist, np.arange(n), np.random.default_rng(0))
        np.testing.assert_array_equal(part, whole[sel])


def test_round_robin_is_reproducible() -> None:
    a = round_robin(NAMES, rounds=50, rng=np.random.default_rng(4), noise=0.05)
    b = round_robin(NAMES, rounds=50, rng=np.random.default_rng(4), noise=0.05)
    np.testing.assert_array_equal(a, b)
