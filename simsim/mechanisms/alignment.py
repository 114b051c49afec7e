"""Landscape theory of aggregation (Axelrod & Bennett 1993): alignment of actors into two blocs.

Each actor ``i`` has a size ``s_i > 0``; each pair has a symmetric propensity ``p_ij`` (positive:
the two prefer to be together; negative: apart; ``p_ii = 0``). A configuration ``X`` puts every
actor in one of two blocs; ``d_ij(X) = 1`` when ``i`` and ``j`` are in different blocs, else 0.

Frustration of actor ``i``::

    F_i(X) = sum_j s_j p_ij d_ij(X)

Energy of the configuration::

    E(X) = sum_i s_i F_i(X) = sum_{i != j} s_i s_j p_ij d_ij(X)      (ordered pairs)

Dynamics: one actor at a time switches bloc, and only when switching lowers its own frustration.
Switching actor ``i`` turns ``F_i`` into ``R_i - F_i`` with ``R_i = sum_j s_j p_ij``, and changes
the energy by ``2 s_i (R_i - 2 F_i)``, twice the actor's own change weighted by its size, so the
energy never rises and descent ends in a local minimum: a configuration in which no actor can
lower its frustration by switching alone. Many random starts give the basins of attraction.

Computation uses spins ``sigma_i = +1`` (bloc 0) or ``-1`` (bloc 1), ``d_ij = (1 - sigma_i
sigma_j) / 2`` and ``Q_ij = p_ij s_j`` (diagonal zero): with the local field ``h = Q sigma``,
``F_i = (R_i - sigma_i h_i) / 2`` and the gain from switching is ``F_i - (R_i - F_i) = -sigma_i
h_i``; an actor switches when its gain is positive. A configuration is encoded as an integer whose
bit ``i`` is actor ``i``'s bloc; the two labellings of one partition are the same configuration,
and the canonical code keeps actor 0 in bloc 0.

References
----------
Axelrod, R. & Bennett, D. S. (1993). A landscape theory of aggregation. *British Journal of
Political Science* 23(2), 211-233.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simsim.mechanisms.declarations.alignment import (
    CITATION,
    MAX_ENUMERATE,
    AlignmentDeclaration,
    _enumerates,
    _pairs,
)
from simsim.model import DiplomacyModel
from simsim.registry import register_mechanism

if TYPE_CHECKING:
    from simsim.scenario.schema import SetRelation

__all__ = [
    "CITATION",
    "Enumeration",
    "DescentResult",
    "basins",
    "canonical",
    "co_membership",
    "configuration_label",
    "decode",
    "descend",
    "descent_move",
    "encode",
    "energy",
    "enumerate_configurations",
    "frustration",
    "gains",
    "is_local_minimum",
    "symmetry_violations",
    "AlignmentModel",
]

#: Label of the configuration in which every actor is in one bloc.
GRAND_COALITION = "none"


# --------------------------------------------------------------------------------------------
# Kernel: plain numpy functions
# --------------------------------------------------------------------------------------------


def _weights(size: np.ndarray, propensity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``Q`` (``Q_ij = p_ij s_j``, zero diagonal) and ``R`` (row sums of ``Q``)."""
    s = np.asarray(size, dtype=np.float64)
    p = np.asarray(propensity, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] != p.shape[1] or s.shape != (p.shape[0],):
        raise ValueError(f"size has shape {s.shape} and propensity {p.shape}; need (n,) and (n, n)")
    q = p * s[None, :]
    np.fill_diagonal(q, 0.0)
    return q, q.sum(axis=1)


def _tolerance(q: np.ndarray) -> float:
    """Gains at or below this count as zero (absorbs rounding; exact for integer inputs)."""
    return 1e-9 * (float(np.abs(q).sum(axis=1).max(initial=0.0)) + 1.0)


def _spins(blocs: np.ndarray) -> np.ndarray:
    return 1.0 - 2.0 * np.asarray(blocs, dtype=np.float64)


def frustration(blocs: np.ndarray, size: np.ndarray, propensity: np.ndarray) -> np.ndarray:
    """Frustration of every actor, ``F_i(X) = sum_j s_j p_ij d_ij(X)``.

    Parameters
    ----------
    blocs : array of 0/1, shape (n,) or (m, n)
        Bloc of each actor, for one configuration or for ``m`` configurations.
    size : array, shape (n,)
        Actor sizes ``s``.
    propensity : array, shape (n, n)
        Propensities ``p`` (the diagonal is ignored).

    Returns
    -------
    numpy.ndarray
        ``F`` with the shape of ``blocs``.
    """
    q, r = _weights(size, propensity)
    sigma = _spins(blocs)
    return 0.5 * (r - sigma * (sigma @ q.T))


def energy(blocs: np.ndarray, size: np.ndarray, propensity: np.ndarray) -> np.ndarray | float:
    """Energy ``E(X) = sum_i s_i F_i(X)`` (sum over ordered pairs ``i != j``).

    Parameters
    ----------
    blocs : array of 0/1, shape (n,) or (m, n)
        Bloc of each actor, for one configuration or for ``m`` configurations.
    size : array, shape (n,)
        Actor sizes ``s``.
    propensity : array, shape (n, n)
        Propensities ``p`` (the diagonal is ignored).

    Returns
    -------
    float or numpy.ndarray
        A float for one configuration, shape (m,) for ``m``.
    """
    f = frustration(blocs, size, propensity)
    e = f @ np.asarray(size, dtype=np.float64)
    return float(e) if np.ndim(e) == 0 else e


def gains(blocs: np.ndarray, size: np.ndarray, propensity: np.ndarray) -> np.ndarray:
    """Decrease of each actor's own frustration if it alone switched bloc, ``2 F_i - R_i``.

    Positive means the actor would switch. Same shape as ``blocs``.
    """
    q, _ = _weights(size, propensity)
    sigma = _spins(blocs)
    return -sigma * (sigma @ q.T)


def is_local_minimum(
    blocs: np.ndarray, size: np.ndarray, propensity: np.ndarray
) -> np.ndarray | bool:
    """Whether no actor can lower its own frustration by switching alone.

    Returns a bool for one configuration (shape (n,)) or a bool array for shape (m, n).
    """
    q, _ = _weights(size, propensity)
    g = gains(blocs, size, propensity)
    out = (g <= _tolerance(q)).all(axis=-1)
    return bool(out) if np.ndim(out) == 0 else out


def encode(blocs: np.ndarray) -> np.ndarray | int:
    """Integer code of a configuration: bit ``i`` is actor ``i``'s bloc (not canonicalised)."""
    b = np.asarray(blocs, dtype=np.int64)
    weights = np.left_shift(np.int64(1), np.arange(b.shape[-1], dtype=np.int64))
    out = b @ weights
    return int(out) if np.ndim(out) == 0 else out


def decode(code: int | np.ndarray, n: int) -> np.ndarray:
    """Blocs (0/1 int8) from integer codes; shape (n,) for one code, (m, n) for ``m``."""
    c = np.asarray(code, dtype=np.int64)
    return ((c[..., None] >> np.arange(n, dtype=np.int64)) & 1).astype(np.int8)


def canonical(code: int | np.ndarray, n: int) -> np.ndarray | int:
    """Canonical code of the partition: relabel the blocs so that actor 0 is in bloc 0."""
    c = np.asarray(code, dtype=np.int64)
    full = np.int64((1 << n) - 1)
    out = np.where(c & 1, c ^ full, c)
    return int(out) if np.ndim(out) == 0 else out


def configuration_label(code: int, ids: Sequence[str]) -> str:
    """Canonical label: the sorted ids of the bloc not containing the first actor, joined by ``+``.

    The configuration with every actor in one bloc is labelled ``"none"``.
    """
    n = len(ids)
    c = int(canonical(int(code), n))
    other = sorted(ids[i] for i in range(n) if (c >> i) & 1)
    return "+".join(other) if other else GRAND_COALITION


def symmetry_violations(propensity: np.ndarray, atol: float = 1e-12) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` with ``i < j`` where ``p_ij != p_ji`` (beyond ``atol``)."""
    p = np.asarray(propensity, dtype=np.float64)
    i, j = np.nonzero(np.triu(~np.isclose(p, p.T, rtol=0.0, atol=atol), k=1))
    return list(zip(i.tolist(), j.tolist(), strict=True))


@dataclass(frozen=True)
class Enumeration:
    """Every two-bloc configuration of one landscape (result of :func:`enumerate_configurations`).

    Attributes
    ----------
    n : int
        Number of actors.
    count : int
        Number of configurations examined, ``2**(n-1)`` (actor 0 kept in bloc 0).
    minima : numpy.ndarray of int64
        Canonical codes of every local minimum, sorted by energy (lowest first), ties by code.
    minima_energy : numpy.ndarray of float64
        Their energies.
    energies : numpy.ndarray or None
        Energy of every canonical configuration, indexed by ``code >> 1``, if requested.
    """

    n: int
    count: int
    minima: np.ndarray
    minima_energy: np.ndarray
    energies: np.ndarray | None = None

    @property
    def global_minimum(self) -> int:
        """Canonical code of the lowest-energy configuration (ties: lowest code)."""
        return int(self.minima[0])

    @property
    def global_energy(self) -> float:
        """Lowest energy over all configurations."""
        return float(self.minima_energy[0])

    def rank(self, code: int) -> int:
        """1-based rank of a configuration among the local minima by energy; 0 if not one."""
        hit = np.nonzero(self.minima == canonical(int(code), self.n))[0]
        return int(hit[0]) + 1 if hit.size else 0

    def table(self, ids: Sequence[str]) -> pd.DataFrame:
        """Local minima as a DataFrame: rank, configuration label, code, energy, is_global."""
        return pd.DataFrame(
            {
                "rank": np.arange(1, self.minima.size + 1),
                "configuration": [configuration_label(int(c), ids) for c in self.minima],
                "code": self.minima,
                "energy": self.minima_energy,
                "is_global": np.isclose(
                    self.minima_energy,
                    self.global_energy,
                    rtol=0,
                    atol=1e-9 * (abs(self.global_energy) + 1),
                ),
            }
        )


def enumerate_configurations(
    size: np.ndarray,
    propensity: np.ndarray,
    *,
    chunk: int = 1 << 11,
    keep_energies: bool = False,
) -> Enumeration:
    """Examine every two-bloc configuration: global minimum and every local minimum.

    The ``2**(n-1)`` canonical configurations (actor 0 in bloc 0; the partition with every actor
    in one bloc included) are counted by an integer ``k`` whose bits are the blocs of actors
    1..n-1, and processed in aligned blocks of ``chunk`` consecutive values (a bit matrix per
    block, no Python loop over configurations). Within a block the low bits run through the same
    pattern and the high bits are constant, so the local field ``h = Q sigma`` is the sum of a
    table computed once for the low patterns and one vector per block; frustrations, energies and
    switching gains then follow for the whole block at once. Memory is bounded by ``chunk * n``
    floats whatever ``n``.

    Parameters
    ----------
    size : array, shape (n,)
        Actor sizes.
    propensity : array, shape (n, n)
        Symmetric propensities (diagonal ignored).
    chunk : int, optional
        Configurations per block, rounded down to a power of two (bounds memory).
    keep_energies : bool, optional
        Also return the energy of every configuration (``2**(n-1)`` floats).

    Returns
    -------
    Enumeration
        Local minima sorted by energy; the first is the global minimum.

    Notes
    -----
    A local minimum is a configuration in which no actor's gain from switching alone is positive
    (Axelrod & Bennett 1993); the global minimum is always one. 2**20 configurations (21 actors)
    take about 0.1 s on one core (measured; see docs/mechanisms/alignment.md).
    """
    q, r = _weights(size, propensity)
    s = np.asarray(size, dtype=np.float64)
    n = q.shape[0]
    if n < 1:
        raise ValueError("need at least one actor")
    if n > MAX_ENUMERATE:
        raise ValueError(f"{n} actors: exact enumeration is limited to {MAX_ENUMERATE}")
    tol = _tolerance(q)
    total = 1 << (n - 1)
    # Counter k in [0, total) holds the blocs of actors 1..n-1 (bit b of k -> actor b + 1); actor
    # 0 stays in bloc 0. Blocks are aligned runs of 2**low consecutive k, so the low bits
    # (actors 1..low) run through the same pattern in every block while the high bits are
    # constant within a block. The local field splits accordingly,
    #   h = Q sigma = (Q sigma_low)[row] + (Q sigma_high)[block],
    # so the n x n product is done once for the 2**low low patterns and once per block for the
    # high part; each block then costs O(2**low * n) elementwise work.
    low = min(n - 1, max(0, int(chunk).bit_length() - 1))
    rows = 1 << low
    k_low = np.arange(rows, dtype=np.int64)
    sig = np.zeros((rows, n), dtype=np.float64)
    sig[:, 0] = 1.0
    sig[:, 1 : low + 1] = 1.0 - 2.0 * ((k_low[:, None] >> np.arange(low, dtype=np.int64)) & 1)
    field_low = sig @ q.T  # actors 0..low only
    high_actors = np.arange(low + 1, n)
    q_high = q[:, high_actors]  # (n, n_high)
    high_shifts = np.arange(n - 1 - low, dtype=np.int64)
    rs = float(r @ s)
    min_codes: list[np.ndarray] = []
    min_energy: list[np.ndarray] = []
    all_energy = np.empty(total, dtype=np.float64) if keep_energies else None
    field = np.empty_like(field_low)
    sh = np.empty_like(field_low)
    for block in range(total >> low):
        sigma_high = 1.0 - 2.0 * ((block >> high_shifts) & 1)
        sig[:, low + 1 :] = sigma_high
        np.add(field_low, q_high @ sigma_high, out=field)  # h for every row of the block
        np.multiply(sig, field, out=sh)  # sigma_i h_i = -gain_i
        e = 0.5 * (rs - sh @ s)  # E = sum_i s_i (R_i - sigma_i h_i)/2
        start = block << low
        if all_energy is not None:
            all_energy[start : start + rows] = e
        local = (sh >= -tol).all(axis=1)
        if local.any():
            min_codes.append((k_low[local] + start) << 1)
            min_energy.append(e[local])
    codes = np.concatenate(min_codes) if min_codes else np.empty(0, dtype=np.int64)
    energies = np.concatenate(min_energy) if min_energy else np.empty(0, dtype=np.float64)
    order = np.lexsort((codes, energies))
    return Enumeration(
        n=n, count=total, minima=codes[order], minima_energy=energies[order], energies=all_energy
    )


@functools.lru_cache(maxsize=16)
def _enumerate_cached(size_bytes: bytes, prop_bytes: bytes, n: int) -> Enumeration:
    size = np.frombuffer(size_bytes, dtype=np.float64)
    prop = np.frombuffer(prop_bytes, dtype=np.float64).reshape(n, n)
    return enumerate_configurations(size, prop)


@dataclass(frozen=True)
class DescentResult:
    """End states of best-response descent from many starts (see :func:`descend`).

    Attributes
    ----------
    blocs : numpy.ndarray of int8, shape (m, n)
        Final bloc of each actor for each start.
    moves : numpy.ndarray of int64, shape (m,)
        Number of switches made from each start.
    settled : numpy.ndarray of bool, shape (m,)
        Whether each start reached a local minimum within ``max_moves``.
    energy_path : numpy.ndarray or None, shape (moves + 1, m)
        Energy of every start after each move (if requested).
    """

    blocs: np.ndarray
    moves: np.ndarray
    settled: np.ndarray
    energy_path: np.ndarray | None = None

    @property
    def codes(self) -> np.ndarray:
        """Canonical codes of the final configurations."""
        return np.asarray(canonical(encode(self.blocs), self.blocs.shape[1]))


def descent_move(
    blocs: np.ndarray, q: np.ndarray, rng: np.random.Generator, tol: float
) -> np.ndarray:
    """One sequential best-response move for each of ``m`` configurations, in place.

    In each configuration one actor that can lower its own frustration by switching is chosen
    uniformly at random and switches. This is the embedded jump chain of "pick any actor
    uniformly at random; it switches only if that lowers its frustration": picks that change
    nothing are skipped, which leaves the sequence of switches and the end state's distribution
    unchanged.

    Parameters
    ----------
    blocs : int array, shape (m, n)
        Configurations; modified in place.
    q : array, shape (n, n)
        ``Q_ij = p_ij s_j`` with zero diagonal.
    rng : numpy.random.Generator
        Source of the random choices (one ``random((m, n))`` draw per call).
    tol : float
        Gains at or below ``tol`` count as no improvement.

    Returns
    -------
    numpy.ndarray of bool, shape (m,)
        Which configurations moved (the others are local minima).
    """
    sigma = _spins(blocs)
    g = -sigma * (sigma @ q.T)
    improving = g > tol
    u = rng.random(blocs.shape)
    moved = improving.any(axis=1)
    pick = np.where(improving, u, -1.0).argmax(axis=1)
    rows = np.nonzero(moved)[0]
    blocs[rows, pick[rows]] ^= 1
    return moved


def descend(
    size: np.ndarray,
    propensity: np.ndarray,
    start: np.ndarray,
    rng: np.random.Generator,
    *,
    max_moves: int | None = None,
    record_energy: bool = False,
) -> DescentResult:
    """Sequential best-response descent from each start configuration until a local minimum.

    Parameters
    ----------
    size : array, shape (n,)
        Actor sizes.
    propensity : array, shape (n, n)
        Symmetric propensities.
    start : int array of 0/1, shape (m, n)
        Start configurations (one row per start).
    rng : numpy.random.Generator
        The only source of randomness.
    max_moves : int, optional
        Stop after this many moves per start (default: no limit; descent always terminates
        because every switch strictly lowers the energy and there are finitely many
        configurations).
    record_energy : bool, optional
        Record the energy of every start after every move.

    Returns
    -------
    DescentResult
    """
    q, _ = _weights(size, propensity)
    tol = _tolerance(q)
    blocs = np.array(start, dtype=np.int8, ndmin=2, copy=True)
    moves = np.zeros(blocs.shape[0], dtype=np.int64)
    path = [energy(blocs, size, propensity)] if record_energy else None
    limit = np.inf if max_moves is None else max_moves
    active = np.ones(blocs.shape[0], dtype=bool)
    step = 0
    while active.any() and step < limit:
        idx = np.nonzero(active)[0]
        sub = blocs[idx]
        moved = descent_move(sub, q, rng, tol)
        blocs[idx] = sub
        moves[idx[moved]] += 1
        active[idx[~moved]] = False
        step += 1
        if path is not None and moved.any():
            path.append(energy(blocs, size, propensity))
    settled = np.asarray(is_local_minimum(blocs, size, propensity), dtype=bool).reshape(-1)
    return DescentResult(
        blocs=blocs,
        moves=moves,
        settled=settled,
        energy_path=None if path is None else np.vstack(path),
    )


def basins(
    size: np.ndarray,
    propensity: np.ndarray,
    ids: Sequence[str],
    rng: np.random.Generator,
    starts: int = 1000,
) -> pd.DataFrame:
    """Basins of attraction: where descent from uniformly random starts ends, and how often.

    Parameters
    ----------
    size, propensity : arrays
        The landscape.
    ids : sequence of str
        Actor ids (for labels).
    rng : numpy.random.Generator
        Source of the start configurations and of the descent's choices.
    starts : int
        Number of random starts (each actor's bloc drawn uniformly).

    Returns
    -------
    pandas.DataFrame
        One row per configuration reached: ``configuration`` label, ``energy``, ``count``,
        ``share``; sorted by energy.
    """
    n = len(ids)
    start = rng.integers(0, 2, size=(starts, n), dtype=np.int8)
    res = descend(size, propensity, start, rng)
    codes, counts = np.unique(res.codes, return_counts=True)
    e = energy(decode(codes, n), size, propensity)
    df = pd.DataFrame(
        {
            "configuration": [configuration_label(int(c), ids) for c in codes],
            "energy": np.atleast_1d(e),
            "count": counts,
            "share": counts / starts,
        }
    )
    return df.sort_values(["energy", "configuration"], ignore_index=True)


_PAIR = re.compile(r"^same_bloc\.([^.]+)\.([^.]+)$")


def co_membership(runs: pd.DataFrame, ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Probability that each pair of actors ends in the same bloc, across runs.

    Computed from the ``same_bloc.<A>.<B>`` columns of a Results runs table (one row per run)
    as the mean over runs (missing values ignored).

    Parameters
    ----------
    runs : pandas.DataFrame
        The ``Results.runs`` table of an ``alignment`` experiment.
    ids : sequence of str, optional
        Actor order for the matrix; default: order of first appearance in the columns.

    Returns
    -------
    pandas.DataFrame
        Symmetric matrix indexed and labelled by actor id, ones on the diagonal.
    """
    pairs: list[tuple[str, str, str]] = []
    seen: list[str] = []
    for col in runs.columns:
        m = _PAIR.match(str(col))
        if m:
            a, b = m.group(1), m.group(2)
            pairs.append((col, a, b))
            for x in (a, b):
                if x not in seen:
                    seen.append(x)
    if not pairs:
        raise ValueError("runs table has no same_bloc.<A>.<B> columns")
    order = list(ids) if ids is not None else seen
    pos = {a: k for k, a in enumerate(order)}
    mat = np.full((len(order), len(order)), np.nan)
    np.fill_diagonal(mat, 1.0)
    for col, a, b in pairs:
        if a in pos and b in pos:
            v = pd.to_numeric(runs[col].astype("float64"), errors="coerce").mean()
            mat[pos[a], pos[b]] = mat[pos[b], pos[a]] = v
    return pd.DataFrame(mat, index=pd.Index(order, name="actor"), columns=order)


# --------------------------------------------------------------------------------------------
# Mechanism: the Mesa model
# --------------------------------------------------------------------------------------------


@register_mechanism
class AlignmentModel(AlignmentDeclaration, DiplomacyModel):
    """Landscape theory of aggregation: actors sort themselves into two blocs.

    Inputs: actor attribute ``size`` (``s_i > 0``) and the symmetric relation ``propensity``
    (``p_ij``). With ``d_ij(X) = 1`` when ``i`` and ``j`` are in different blocs of configuration
    ``X``, actor ``i``'s frustration is ``F_i(X) = sum_j s_j p_ij d_ij(X)`` and the energy is
    ``E(X) = sum_i s_i F_i(X)`` (a sum over ordered pairs ``i != j``).

    A run draws ``starts`` random configurations (each actor's bloc uniformly at random). Each
    step, in every configuration one actor that can lower its own frustration by switching bloc
    is chosen uniformly at random and switches (sequential best response; the energy never
    rises); a configuration where no actor wants to switch is a local minimum and stays put. The
    run stops when every start has reached a local minimum (and no event is pending) or after
    ``steps`` steps. Start 0 is the run's reported descent (configuration, energy, frustrations,
    co-membership); all starts together give the basins of attraction. When the number of actors
    is at most ``enumerate_max``, every two-bloc configuration of the run's landscape is
    enumerated, giving the global minimum and every local minimum.

    Citation: Axelrod, R. & Bennett, D. S. (1993). A landscape theory of aggregation. British
    Journal of Political Science 23(2), 211-233.
    """

    # -- state: R runs side by side ----------------------------------------------------------
    vectorised = True

    def setup(self) -> None:
        """Draw the random start configurations of every run (stream ``starts``)."""
        R, n = self.R, self.n
        self.p = {k: np.broadcast_to(np.asarray(v, dtype=float), (R,)).copy() for k, v in self.p.items()}
        self.m = self.p["starts"].astype(np.int64)  # starts per run
        m_max = int(self.m.max())
        self.valid = np.arange(m_max)[None, :] < self.m[:, None]  # (R, M): start k exists in run r
        # start k's bloc of actor i is uniform k * n + i of the run's stream: independent of the
        # other runs and of their numbers of starts
        self.blocs = (self.uniforms("starts", (m_max, n)) < 0.5).astype(np.int8)
        self.moves = np.zeros((R, m_max), dtype=np.int64)
        self._landscape_changed()

    def _landscape_changed(self) -> None:
        """Recompute the weights and every start's local field ``h = Q sigma`` from scratch."""
        size, prop = self._landscape()
        q = prop * size[:, None, :]
        d = np.arange(self.n)
        q[:, d, d] = 0.0
        self.q = q
        self.tol = 1e-9 * (np.abs(q).sum(axis=2).max(axis=1, initial=0.0) + 1.0)
        self.sigma = 1.0 - 2.0 * self.blocs
        self.h = np.matmul(self.sigma, q.transpose(0, 2, 1))  # (R, M, n)
        self.active = self.valid.copy()  # starts that may still move
        self._cache: tuple[np.ndarray, np.ndarray] | None = None

    def _landscape(self) -> tuple[np.ndarray, np.ndarray]:
        return self.attr["size"], self.rel["propensity"]

    def _state(self) -> tuple[np.ndarray, np.ndarray]:
        """Energy (R, M) of every start and whether it is settled (cached until a move or event).

        ``E = sum_i s_i (R_i - sigma_i h_i) / 2``.
        """
        if self._cache is None:
            size = self.attr["size"]
            sh = self.sigma * self.h
            rs = (self.q.sum(axis=2) * size).sum(axis=1)
            e = 0.5 * (rs[:, None] - (sh * size[:, None, :]).sum(axis=2))
            self._cache = (e, (-sh <= self.tol[:, None, None]).all(axis=2))
        return self._cache

    def _energies(self) -> np.ndarray:
        return self._state()[0]

    def _settled(self) -> np.ndarray:
        return self._state()[1]

    def fire(self, event: Any, mask: np.ndarray | None = None) -> None:
        """Apply an event (base class); the landscape may have changed."""
        super().fire(event, mask)
        self._landscape_changed()

    def on_set_relation(self, event: SetRelation, mask: np.ndarray | None = None) -> None:
        """Event ``set_relation``; for ``propensity`` both directions are set (it is symmetric)."""
        super().on_set_relation(event, mask)
        if event.relation == "propensity":
            i, j = self.idx[event.from_], self.idx[event.to]
            self.rel["propensity"][mask, j, i] = float(event.value)

    def reporters(self) -> dict[str, Any]:
        """Per-step energy of start 0, mean energy over starts, share of starts not yet settled."""
        return {
            "energy": AlignmentModel._energy0,
            "mean_energy": AlignmentModel._mean_energy,
            "unsettled": AlignmentModel._unsettled,
        }

    def _energy0(self) -> np.ndarray:
        return self._energies()[:, 0]

    def _mean_energy(self) -> np.ndarray:
        e = self._energies()
        return np.where(self.valid, e, 0.0).sum(axis=1) / self.m

    def _unsettled(self) -> np.ndarray:
        return 1.0 - (self._settled() & self.valid).sum(axis=1) / self.m

    def advance(self) -> None:
        """One best-response move in every start, of every run, that is not at a local minimum.

        Among the actors that would lower their frustration by switching, start ``k`` of run ``r``
        moves the ``floor(u * count)``-th (in actor order), ``u`` being uniform ``k`` of the
        run's stream ``move.<step>``: each improving actor with equal probability, as in
        :func:`descent_move`. Local fields are updated incrementally (a switch of actor ``a``
        changes ``h_i`` by ``-2 sigma_a Q_ia``); only starts that moved in the previous step (or
        all, after an event) are examined.
        """
        rr, mm = np.nonzero(self.active)
        if rr.size == 0:
            return
        improving = -self.sigma[rr, mm] * self.h[rr, mm] > self.tol[rr, None]  # (K, n)
        count = improving.sum(axis=1)
        moved = count > 0
        self.active[rr[~moved], mm[~moved]] = False
        if not moved.any():
            return
        rr, mm, improving, count = rr[moved], mm[moved], improving[moved], count[moved]
        u = self.uniforms(f"move.{self.steps}", (self.blocs.shape[1],))[rr, mm]
        k = np.minimum((u * count).astype(np.int64), count - 1)
        aa = np.argmax(np.cumsum(improving, axis=1, dtype=np.int32) > k[:, None], axis=1)
        old = self.sigma[rr, mm, aa].copy()
        self.sigma[rr, mm, aa] = -old
        self.blocs[rr, mm, aa] ^= 1
        self.h[rr, mm] -= 2.0 * old[:, None] * self.q[rr, :, aa]
        self.moves[rr, mm] += 1
        self._cache = None

    def outcomes(self) -> dict[str, Any]:
        """Outcomes of start 0, basins over all starts, and the enumerated landscape, per run.

        The enumeration of every configuration is computed run by run (it is cached by landscape,
        so runs sharing a landscape share one enumeration); see docs/mechanisms/alignment.md.
        """
        size, prop = self._landscape()
        ids, n, R = self.ids, self.n, self.R
        e_all = self._energies()
        settled = self._settled()
        b0 = self.blocs[:, 0]
        codes = np.asarray(canonical(encode(self.blocs), n)).reshape(R, -1)
        code0 = codes[:, 0]
        labels: dict[int, str] = {}

        def label(code: int) -> str:
            if code not in labels:
                labels[code] = configuration_label(code, ids)
            return labels[code]

        modal = np.empty(R, dtype=object)
        share = np.empty(R)
        distinct = np.empty(R)
        for r in range(R):
            uniq, counts = np.unique(codes[r, : self.m[r]], return_counts=True)
            modal[r] = label(int(uniq[counts.argmax()]))
            share[r] = counts.max() / self.m[r]
            distinct[r] = uniq.size
        out: dict[str, Any] = {
            "configuration": np.array([label(int(c)) for c in code0], dtype=object),
            "energy": e_all[:, 0].copy(),
            "local_minimum": settled[:, 0].copy(),
            "moves": self.moves[:, 0].astype(np.int64),
            "modal_configuration": modal,
            "modal_share": share,
            "distinct_configurations": distinct.astype(np.int64),
        }
        if _enumerates(self.spec):
            cols: dict[str, list[Any]] = {k: [] for k in (
                "is_global", "minimum_rank", "global_basin", "global_configuration", "global_energy", "local_minima")}
            tol = self.tol
            for r in range(R):
                s64 = np.ascontiguousarray(size[r], dtype=np.float64)
                p64 = np.ascontiguousarray(prop[r], dtype=np.float64)
                en = _enumerate_cached(s64.tobytes(), p64.tobytes(), n)
                at_global = e_all[r, : self.m[r]] <= en.global_energy + 2.0 * float(s64.sum()) * tol[r]
                cols["is_global"].append(bool(at_global[0]))
                cols["minimum_rank"].append(en.rank(int(code0[r])))
                cols["global_basin"].append(float(at_global.mean()))
                cols["global_configuration"].append(label(en.global_minimum))
                cols["global_energy"].append(en.global_energy)
                cols["local_minima"].append(int(en.minima.size))
            out |= {k: np.array(v, dtype=object if k == "global_configuration" else None) for k, v in cols.items()}
        q = self.q
        f = 0.5 * (q.sum(axis=2) - (1.0 - 2.0 * b0) * np.matmul(q, (1.0 - 2.0 * b0)[:, :, None])[:, :, 0])
        out |= {f"frustration.{a}": f[:, i].copy() for i, a in enumerate(ids)}
        out |= {f"same_bloc.{ids[i]}.{ids[j]}": b0[:, i] == b0[:, j] for i, j in _pairs(ids)}
        return out
