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


def _reference_dir() -> Path:
    """The published Syria 2016 landscape, copied into the project (see tests/reference/README.md)."""
    return Path(__file__).resolve().parents[1] / "reference" / "landscape_syria_2016"


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


@pytest.mark.slow
def test_enumeration_of_2_20_configurations_takes_seconds():
    import time

    rng = np.random.default_rng(21)
    s, p = random_instance(rng, 21, integer=False)
    t0 = time.perf_counter()
    en = al.enumerate_configurations(s, p, keep_energies=True)
    elapsed = time.perf_counter() - t0
    assert en.count == 2**20
    assert elapsed < 10.0, f"enumeration of 2**20 configurations took {elapsed:.1f} s"
    # spot-check energies and the local-minimum set against the definitions
    k = rng.integers(0, 2**20, 500)
    codes = k << 1
    assert np.allclose(en.energies[k], al.energy(al.decode(codes, 21), s, p))
    assert al.is_local_minimum(al.decode(en.minima, 21), s, p).all()
    others = np.setdiff1d(codes, en.minima)
    assert not al.is_local_minimum(al.decode(others, 21), s, p).any()
    assert en.global_energy == en.energies.min()


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


# ---------------------------------------------------------------- the mechanism end to end

REPO = Path(__file__).resolve().parents[2]
SYRIA_YAML = REPO / "scenarios" / "landscape_syria_2016.yaml"
BRICS_YAML = REPO / "scenarios" / "brics_alignment.yaml"

SMALL = """\
name: small_alignment
description: Three actors for tests.
model: alignment
steps: {steps}
replications: 5
actors:
  - {{id: AAA, name: A, attributes: {{size: {{value: 1, assumption: true}}}}}}
  - {{id: BBB, name: B, attributes: {{size: {{value: 2, assumption: true}}}}}}
  - {{id: CCC, name: C, attributes: {{size: {{value: 3, assumption: true}}}}}}
relations:
  propensity:
{relation}
parameters:
  starts: {{value: 20, assumption: true}}
{extra}
"""
SYMMETRIC_EDGES = """\
    symmetric: true
    edges:
      - {from: AAA, to: BBB, value: 2, assumption: true}
      - {from: AAA, to: CCC, value: -1, assumption: true}
      - {from: BBB, to: CCC, value: -1, assumption: true}
"""


def write(
    tmp_path: Path, relation: str = SYMMETRIC_EDGES, extra: str = "", steps: int = 50
) -> Path:
    path = tmp_path / "scn.yaml"
    path.write_text(SMALL.format(relation=relation, extra=extra, steps=steps))
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(k for k, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_mechanism_is_registered_and_documented():
    import simsim

    cls = simsim.get_mechanism("alignment")
    assert cls is al.AlignmentModel
    assert "Axelrod" in cls.citation and "F_i(X)" in (cls.__doc__ or "")
    assert (REPO / "docs" / "mechanisms" / "alignment.md").is_file()


def test_syria_scenario_end_to_end():
    import simsim

    scn = simsim.load_scenario(SYRIA_YAML)
    res = simsim.run(scn, replications=20, seed=1, jobs=1)
    runs = res.runs
    assert len(runs) == 20
    assert (runs["global_configuration"] == PUBLISHED_LABEL).all()
    assert (runs["global_energy"] == PUBLISHED_ENERGY).all()
    # brute force finds exactly one local minimum here, so every descent must end in it
    s, p = syria()
    assert list(bf_local_minima(s.tolist(), p.tolist())) == [
        sum(1 << SYRIA_IDS.index(a) for a in ("TUR", "ISIS", "NUS"))
    ]
    assert (runs["configuration"] == PUBLISHED_LABEL).all()
    assert (runs["energy"] == PUBLISHED_ENERGY).all()
    assert runs["is_global"].all() and (runs["minimum_rank"] == 1).all()
    assert (runs["global_basin"] == 1.0).all() and (runs["local_minima"] == 1).all()
    assert runs["same_bloc.TUR.ISIS"].all() and not runs["same_bloc.USA.ISIS"].any()
    # frustration of start 0 against the definition, for Turkey
    x = tuple(int(i in ("TUR", "ISIS", "NUS")) for i in SYRIA_IDS)
    f_tur = bf_frustration(x, SYRIA_SIZE, p.tolist())[SYRIA_IDS.index("TUR")]
    assert (runs["frustration.TUR"] == f_tur).all()
    # energy never rises along the recorded descent of start 0
    ts = res.timeseries
    for _, g in ts.groupby("run"):
        assert (np.diff(g.sort_values("step")["energy"].to_numpy()) <= 0).all()
    summ = res.summary()
    assert "configuration" in set(summ["outcome"])


def test_same_seed_same_results_and_chunking():
    import simsim

    scn = simsim.load_scenario(BRICS_YAML)
    a = simsim.run(scn, replications=6, seed=3, jobs=1)
    b = simsim.run(scn, replications=6, seed=3, jobs=1)
    pd.testing.assert_frame_equal(a.runs, b.runs)
    row, _ = simsim.run_one(scn, int(a.runs.loc[4, "seed"]), run_id=4)
    assert row["configuration"] == a.runs.loc[4, "configuration"]
    assert row["energy"] == a.runs.loc[4, "energy"]


def test_brics_uncertainty_propagates_to_co_membership():
    import simsim

    scn = simsim.load_scenario(BRICS_YAML)
    assert len(scn.actors) <= 16
    res = simsim.run(scn, replications=40, seed=2, jobs=1)
    runs = res.runs
    ids = scn.ids
    # propensities are sampled per run (assumptions with ranges)
    assert runs["rel.propensity.CHN->IND"].nunique() == len(runs)
    assert runs["rel.propensity.CHN->IND"].between(-1.0, 1.0).all()
    # same_bloc columns agree with the configuration label of every run
    for _, r in runs.iterrows():
        other = (
            set()
            if r["configuration"] == al.GRAND_COALITION
            else set(r["configuration"].split("+"))
        )
        for i, j in [(0, 3), (2, 3), (10, 11), (5, 15)]:
            a, b = ids[i], ids[j]
            assert r[f"same_bloc.{a}.{b}"] == ((a in other) == (b in other))
    m = al.co_membership(runs, ids)
    assert list(m.index) == ids
    assert np.allclose(m.to_numpy(), m.to_numpy().T)
    assert ((m.to_numpy() >= 0) & (m.to_numpy() <= 1)).all()
    assert m.loc["IND", "CHN"] == runs["same_bloc.CHN.IND"].mean()
    # each run's reported energy is the energy of its configuration under its own sampled inputs
    assert (runs["energy"] >= runs["global_energy"] - 1e-9).all()
    assert (runs["is_global"] == np.isclose(runs["energy"], runs["global_energy"])).all()


@pytest.mark.slow  # two interpreter start-ups (importing mesa dominates)
def test_cli_run_and_validate(tmp_path: Path):
    import subprocess
    import sys

    pytest.importorskip("simsim.cli")

    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "simsim.cli"]
    r = subprocess.run(
        [*cmd, "run", str(SYRIA_YAML), "-n", "50", "--seed", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert r.returncode == 0, r.stderr
    import simsim

    res = simsim.Results.load(out)
    assert len(res.runs) == 50 and (res.runs["global_energy"] == PUBLISHED_ENERGY).all()
    bad = write(
        tmp_path,
        relation="""\
    edges:
      - {from: AAA, to: BBB, value: 2, assumption: true}
      - {from: BBB, to: AAA, value: -1, assumption: true}
""",
    )
    r = subprocess.run(
        [*cmd, "validate", str(SYRIA_YAML), str(BRICS_YAML), str(bad)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert r.returncode == 2
    assert r.stdout.count("ok: ") == 2
    msg = r.stderr.strip()
    assert len(msg.splitlines()) == 1 and "Traceback" not in msg
    assert f"scn.yaml:{_line_of(bad, 'from: AAA, to: BBB')}" in msg and "symmetric" in msg


def test_asymmetric_propensity_rejected(tmp_path: Path):
    import simsim

    bad = write(
        tmp_path,
        relation="""\
    edges:
      - {from: AAA, to: BBB, value: 2, assumption: true}
      - {from: BBB, to: AAA, value: -1, assumption: true}
""",
    )
    with pytest.raises(simsim.ScenarioError) as exc:
        simsim.load_scenario(bad)
    err = exc.value
    assert err.file.endswith("scn.yaml")
    assert err.line == _line_of(bad, "from: AAA, to: BBB")
    assert err.key.startswith("relations.propensity.edges[0]")
    assert "symmetric" in err.message and "AAA->BBB is 2" in err.message and "is -1" in err.message
    # one direction only: the other is the default, 0
    bad = write(
        tmp_path,
        relation="""\
    edges:
      - {from: AAA, to: BBB, value: 2, assumption: true}
""",
    )
    with pytest.raises(simsim.ScenarioError, match="not given"):
        simsim.load_scenario(bad)
    # an uncertain edge in a relation not declared symmetric would be drawn per direction
    bad = write(
        tmp_path,
        relation="""\
    edges:
      - {from: AAA, to: BBB, dist: uniform, low: 0, high: 1, assumption: true}
      - {from: BBB, to: AAA, dist: uniform, low: 0, high: 1, assumption: true}
""",
    )
    with pytest.raises(simsim.ScenarioError, match="uncertain"):
        simsim.load_scenario(bad)
    # both directions given equal: accepted, and equivalent to symmetric: true
    ok = write(
        tmp_path,
        relation="""\
    edges:
      - {from: AAA, to: BBB, value: 2, assumption: true}
      - {from: BBB, to: AAA, value: 2, assumption: true}
      - {from: AAA, to: CCC, value: -1, assumption: true}
      - {from: CCC, to: AAA, value: -1, assumption: true}
      - {from: BBB, to: CCC, value: -1, assumption: true}
      - {from: CCC, to: BBB, value: -1, assumption: true}
""",
    )
    res = simsim.run(simsim.load_scenario(ok), replications=3, seed=1, jobs=1)
    assert (res.runs["global_configuration"] == "CCC").all()


def test_nonpositive_size_rejected(tmp_path: Path):
    import simsim

    path = write(tmp_path)
    text = path.read_text().replace(
        "size: {value: 2, assumption: true}", "size: {value: 0, assumption: true}"
    )
    path.write_text(text)
    with pytest.raises(simsim.ScenarioError, match="must be > 0") as exc:
        simsim.load_scenario(path)
    assert exc.value.line == _line_of(path, "id: BBB")


def test_small_landscape_by_hand(tmp_path: Path):
    import simsim

    # A, B like each other (2), C dislikes both (-1); sizes 1, 2, 3.
    # {A,B} vs {C}: E = 2 * (1*3*(-1) + 2*3*(-1)) = -18, the global minimum (hand calculation).
    res = simsim.run(simsim.load_scenario(write(tmp_path)), replications=5, seed=1, jobs=1)
    runs = res.runs
    assert (runs["global_configuration"] == "CCC").all()
    assert (runs["global_energy"] == -18).all()
    assert (runs["configuration"] == "CCC").all() and (runs["energy"] == -18).all()
    assert (runs["frustration.CCC"] == -3).all() and (runs["frustration.AAA"] == -3).all()
    assert runs["same_bloc.AAA.BBB"].all() and not runs["same_bloc.AAA.CCC"].any()


def test_set_relation_event_changes_the_landscape(tmp_path: Path):
    import simsim

    # From step 5, A and C like each other strongly (3): then {A, B, C} together has E = 0 while
    # splitting costs: {C} alone: 2*(1*3*3 + 2*3*(-1)) = 6; {B} alone: 2*(1*2*2 + 2*3*(-1)) = -4;
    # {A} alone: 2*(1*2*2 + 1*3*3) = 26. Global minimum: B alone, energy -4.
    extra = "events:\n  - {step: 5, type: set_relation, relation: propensity, from: CCC, to: AAA, value: 3}\n"
    res = simsim.run(
        simsim.load_scenario(write(tmp_path, extra=extra, steps=30)), replications=5, seed=1, jobs=1
    )
    runs = res.runs
    assert (runs["global_configuration"] == "BBB").all()
    assert (runs["global_energy"] == -4).all()
    assert (runs["configuration"] == "BBB").all()
    ts = res.timeseries
    assert ts["step"].max() >= 5  # the run did not stop before the event


@pytest.mark.slow  # 40 single-run models
def test_results_identical_for_any_chunking_and_varying_starts(tmp_path: Path):
    # Runs computed side by side equal runs computed alone, also when the number of starts
    # differs between the runs of a chunk (an uncertain `starts`) and an event fires in only
    # some runs (probability 0.5).
    import simsim
    from simsim.experiment.runner import RunSettings

    extra = ("events:\n  - {step: 3, type: set_relation, relation: propensity, from: CCC, to: AAA, value: 3,"
             " probability: 0.5}\n")
    scn = simsim.load_scenario(write(tmp_path, extra=extra, steps=12),
                               {"parameters.starts": {"dist": "choice", "values": [3, 9, 20], "assumption": True}})
    res = [simsim.run(scn, settings=RunSettings(replications=40, seed=8, jobs=1, chunk_size=k)) for k in (1, 7, 40)]
    assert res[0].runs["param.starts"].nunique() == 3
    assert res[0].runs["global_configuration"].nunique() == 2  # the event fired in some runs only
    for other in res[1:]:
        pd.testing.assert_frame_equal(res[0].runs, other.runs)
        pd.testing.assert_frame_equal(res[0].timeseries, other.timeseries)
