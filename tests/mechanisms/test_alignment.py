"""Tests for the alignment mechanism (landscape theory, Axelrod & Bennett 1993).

Expected values come from the published Syria replication (Furnas with Axelrod, 2016), from the
definitions evaluated by brute force in plain Python, or from invariants of the dynamics.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simsim.mechanisms import alignment as al

# Transcribed from shared/reference/landscape_syria_2016 (actors.csv, propensities.csv; 1-5 scale).
SYRIA_IDS = ["USA", "RUS", "SYR", "TUR", "SAU", "IRN", "ISIS", "HEZ", "KRD", "NUS", "IRQ"]
SYRIA_SIZE = [10, 10, 50, 10, 10, 20, 100, 20, 40, 10, 50]
SYRIA_RAW = [
    [0, 2, 2, 5, 4, 2, 1, 1, 4, 2, 4],
    [2, 0, 4, 2, 3, 3, 1, 3, 2, 2, 4],
    [2, 4, 0, 1, 2, 4, 1, 4, 1, 2, 3],
    [5, 2, 1, 0, 3, 2, 2, 3, 2, 2, 3],
    [4, 3, 2, 3, 0, 1, 1, 3, 3, 2, 3],
    [2, 3, 4, 2, 1, 0, 2, 5, 3, 2, 2],
    [1, 1, 1, 2, 1, 2, 0, 2, 1, 2, 1],
    [1, 3, 4, 3, 3, 5, 2, 0, 3, 2, 3],
    [4, 2, 1, 2, 3, 3, 1, 3, 0, 2, 3],
    [2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 2],
    [4, 4, 3, 3, 3, 2, 1, 3, 3, 2, 0],
]
PUBLISHED_ENERGY = -83_200
PUBLISHED_LABEL = "ISIS+NUS+TUR"  # {Turkey, ISIS, Nusra} against all others


def syria() -> tuple[np.ndarray, np.ndarray]:
    """Sizes and rescaled propensities p = value - 3 with a zero diagonal."""
    p = np.array(SYRIA_RAW, dtype=float) - 3.0
    np.fill_diagonal(p, 0.0)
    return np.array(SYRIA_SIZE, dtype=float), p


def _reference_dir() -> Path | None:
    here = Path(__file__).resolve()
    for base in [*here.parents, Path("/work")]:
        cand = base / "shared" / "reference" / "landscape_syria_2016"
        if cand.is_dir():
            return cand
    return None


# ---------------------------------------------------------------- plain-Python brute force


def bf_frustration(x: tuple[int, ...], s: list, p: list) -> list:
    n = len(x)
    return [sum(s[j] * p[i][j] * (x[i] != x[j]) for j in range(n) if j != i) for i in range(n)]


def bf_energy(x: tuple[int, ...], s: list, p: list) -> float:
    n = len(x)
    return sum(s[i] * s[j] * p[i][j] * (x[i] != x[j]) for i in range(n) for j in range(n) if i != j)


def bf_local_minima(s: list, p: list) -> dict[int, float]:
    """Canonical code -> energy of every configuration where no actor gains by switching alone."""
    n = len(s)
    out = {}
    for x in itertools.product((0, 1), repeat=n):
        if x[0] != 0:
            continue
        f = bf_frustration(x, s, p)
        stable = True
        for i in range(n):
            y = list(x)
            y[i] ^= 1
            if bf_frustration(tuple(y), s, p)[i] < f[i]:
                stable = False
                break
        if stable:
            out[sum(b << k for k, b in enumerate(x))] = bf_energy(x, s, p)
    return out


def random_instance(
    rng: np.random.Generator, n: int, integer: bool
) -> tuple[np.ndarray, np.ndarray]:
    if integer:
        s = rng.integers(1, 6, n).astype(float)
        p = rng.integers(-3, 4, (n, n)).astype(float)
        p = np.triu(p, 1)
        p = p + p.T
    else:
        s = rng.uniform(0.5, 5.0, n)
        p = rng.normal(size=(n, n))
        p = (p + p.T) / 2
        np.fill_diagonal(p, 0.0)
    return s, p


# ---------------------------------------------------------------- published reference


def test_syria_reference_matches_transcription():
    ref = _reference_dir()
    if ref is None:
        pytest.skip("shared/reference not available")
    actors = pd.read_csv(ref / "actors.csv")
    props = pd.read_csv(ref / "propensities.csv", index_col=0)
    assert list(actors["id"]) == SYRIA_IDS
    assert list(actors["size"]) == SYRIA_SIZE
    raw = np.nan_to_num(props.loc[SYRIA_IDS, SYRIA_IDS].to_numpy(dtype=float), nan=0.0)
    assert np.array_equal(raw, np.array(SYRIA_RAW, dtype=float))
    # the published matrix is exactly symmetric, so no symmetrisation is needed
    assert np.array_equal(raw, raw.T)


def test_syria_global_minimum_and_energy_exact():
    s, p = syria()
    en = al.enumerate_configurations(s, p)
    assert en.count == 2**10
    assert al.configuration_label(en.global_minimum, SYRIA_IDS) == PUBLISHED_LABEL
    assert en.global_energy == PUBLISHED_ENERGY
    # independent check of the energy by the ordered-pair definition
    x = tuple(int(i in ("TUR", "ISIS", "NUS")) for i in SYRIA_IDS)
    assert bf_energy(x, SYRIA_SIZE, p.tolist()) == PUBLISHED_ENERGY
    assert al.energy(np.array(x), s, p) == PUBLISHED_ENERGY
    # and it is the lowest energy over every configuration, by brute force
    best = min(
        bf_energy((0, *y), SYRIA_SIZE, p.tolist()) for y in itertools.product((0, 1), repeat=10)
    )
    assert best == PUBLISHED_ENERGY


def test_syria_descent_reaches_published_minimum():
    s, p = syria()
    rng = np.random.default_rng(11)
    table = al.basins(s, p, SYRIA_IDS, rng, starts=500)
    assert table.loc[0, "configuration"] == PUBLISHED_LABEL
    assert table.loc[0, "energy"] == PUBLISHED_ENERGY
    assert table["count"].sum() == 500


# ---------------------------------------------------------------- definitions and encoding


def test_frustration_and_energy_by_hand():
    # three actors: A and B like each other (p=2), C dislikes both (p=-1); sizes 1, 2, 3
    s = np.array([1.0, 2.0, 3.0])
    p = np.array([[0, 2, -1], [2, 0, -1], [-1, -1, 0]], dtype=float)
    x = np.array([0, 0, 1])  # C alone
    # F_A = s_C p_AC = -3, F_B = -3, F_C = s_A p_CA + s_B p_CB = -1 - 2 = -3
    assert al.frustration(x, s, p).tolist() == [-3.0, -3.0, -3.0]
    assert al.energy(x, s, p) == 1 * -3 + 2 * -3 + 3 * -3
    y = np.array([0, 1, 1])  # B with C
    # F_A = 2*2 + 3*(-1) = 1; F_B = 1*2 = 2; F_C = 1*(-1) = -1
    assert al.frustration(y, s, p).tolist() == [1.0, 2.0, -1.0]
    assert al.gains(y, s, p).tolist() == [2 * 1 - (4 - 3), 2 * 2 - (2 - 3), 2 * -1 - (-1 - 2)]
    assert al.is_local_minimum(x, s, p) is True
    assert al.is_local_minimum(y, s, p) is False


def test_labels_are_canonical():
    ids = ["B", "A", "C"]
    # {A} vs {B, C} in both labellings
    assert al.configuration_label(0b010, ids) == "A"
    assert al.configuration_label(0b101, ids) == "A"
    assert al.configuration_label(0b110, ids) == "A+C"
    assert al.configuration_label(0, ids) == al.GRAND_COALITION
    assert al.configuration_label(0b111, ids) == al.GRAND_COALITION
    codes = np.array([0b101, 0b010, 0b011])
    assert al.canonical(codes, 3).tolist() == [0b010, 0b010, 0b100]
    assert al.encode(al.decode(codes, 3)).tolist() == codes.tolist()


def test_symmetry_violations():
    p = np.zeros((3, 3))
    assert al.symmetry_violations(p) == []
    p[0, 2] = 1.0
    assert al.symmetry_violations(p) == [(0, 2)]


# ---------------------------------------------------------------- enumeration vs brute force


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("integer", [True, False])
def test_enumeration_agrees_with_brute_force(seed: int, integer: bool):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 8))
    s, p = random_instance(rng, n, integer)
    bf = bf_local_minima(s.tolist(), p.tolist())
    # small chunk forces several blocks, exercising the split of the local field
    for chunk in (2, 1 << 11):
        en = al.enumerate_configurations(s, p, chunk=chunk, keep_energies=True)
        assert set(en.minima.tolist()) == set(bf)
        for code, e in zip(en.minima.tolist(), en.minima_energy.tolist(), strict=True):
            assert e == pytest.approx(bf[code], abs=1e-9)
        assert list(en.minima_energy) == sorted(en.minima_energy)
        all_bf = [
            bf_energy((0, *y), s.tolist(), p.tolist())
            for y in itertools.product((0, 1), repeat=n - 1)
        ]
        assert en.global_energy == pytest.approx(min(all_bf), abs=1e-9)
        # energies indexed by k = code >> 1, bit b of k is actor b + 1
        expected = [
            bf_energy(tuple(((k << 1) >> i) & 1 for i in range(n)), s.tolist(), p.tolist())
            for k in range(2 ** (n - 1))
        ]
        assert np.allclose(en.energies, expected, atol=1e-9)


def test_enumeration_single_actor():
    en = al.enumerate_configurations(np.array([2.0]), np.zeros((1, 1)))
    assert en.count == 1 and en.minima.tolist() == [0] and en.global_energy == 0.0


@pytest.mark.parametrize("seed", range(6))
def test_descent_minima_are_enumerated_minima(seed: int):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(6, 13))
    s, p = random_instance(rng, n, integer=bool(seed % 2))
    en = al.enumerate_configurations(s, p)
    start = rng.integers(0, 2, (400, n))
    res = al.descend(s, p, start, rng)
    assert res.settled.all()
    assert set(res.codes.tolist()) <= set(en.minima.tolist())
    # the global minimum is a local minimum and no reached state beats it
    assert al.energy(res.blocs, s, p).min() >= en.global_energy - 1e-9


# ---------------------------------------------------------------- dynamics invariants


@st.composite
def symmetric_instances(draw):
    n = draw(st.integers(2, 9))
    sizes = draw(st.lists(st.floats(0.1, 100.0), min_size=n, max_size=n))
    upper = draw(
        st.lists(st.floats(-5.0, 5.0), min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2)
    )
    p = np.zeros((n, n))
    p[np.triu_indices(n, 1)] = upper
    p = p + p.T
    start = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    seed = draw(st.integers(0, 2**32 - 1))
    return np.array(sizes), p, np.array(start), seed


@settings(max_examples=150, deadline=None)
@given(symmetric_instances())
def test_energy_never_rises_along_descent(inst):
    s, p, start, seed = inst
    rng = np.random.default_rng(seed)
    res = al.descend(s, p, start[None, :], rng, record_energy=True)
    path = res.energy_path[:, 0]
    scale = 1e-9 * (np.abs(s[:, None] * s[None, :] * p).sum() + 1)
    assert np.all(np.diff(path) <= scale)
    assert path.size == res.moves[0] + 1
    assert res.settled[0]
    assert al.is_local_minimum(res.blocs[0], s, p)


def test_each_move_lowers_the_movers_frustration():
    rng = np.random.default_rng(5)
    s, p = random_instance(rng, 9, integer=False)
    q = p * s[None, :]
    np.fill_diagonal(q, 0.0)
    blocs = rng.integers(0, 2, (50, 9)).astype(np.int8)
    for _ in range(40):
        before = blocs.copy()
        f_before = al.frustration(before, s, p)
        moved = al.descent_move(blocs, q, rng, 1e-12)
        changed = before != blocs
        assert (changed.sum(axis=1) == moved.astype(int)).all()  # one actor at a time
        f_after = al.frustration(blocs, s, p)
        rows, cols = np.nonzero(changed)
        assert np.all(f_after[rows, cols] < f_before[rows, cols])


# ---------------------------------------------------------------- co-membership


def test_co_membership_from_runs_table():
    runs = pd.DataFrame(
        {
            "run": [0, 1, 2, 3],
            "same_bloc.A.B": [True, True, False, True],
            "same_bloc.A.C": [False, False, False, True],
            "same_bloc.B.C": [False, True, True, True],
            "energy": [1.0, 2.0, 3.0, 4.0],
        }
    )
    m = al.co_membership(runs)
    assert list(m.index) == ["A", "B", "C"]
    assert m.loc["A", "B"] == m.loc["B", "A"] == 0.75
    assert m.loc["A", "C"] == 0.25
    assert m.loc["B", "C"] == 0.75
    assert (np.diag(m.to_numpy()) == 1.0).all()
    with pytest.raises(ValueError):
        al.co_membership(runs[["run", "energy"]])
