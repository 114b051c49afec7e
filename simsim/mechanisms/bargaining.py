"""Bueno de Mesquita's expected-utility bargaining model (``bargaining``).

The model as specified by Scholz, Calbert & Smith (2011), "Unravelling Bueno De
Mesquita's group decision model", *Journal of Theoretical Politics* 23(4): 510-531,
who reconstruct the model of Bueno de Mesquita (1994), "Political forecasting: an
expected utility method", in Stokman (ed.) *European Community Decision Making*,
Yale University Press, ch. 4, pp. 71-104.

Each of ``n`` actors has a capability ``c_i >= 0``, a position ``x_i`` on one issue
dimension and a salience ``s_i`` in [0, 1] (scenarios give salience on the 0-100
scale of the sources; the model divides by 100). Every round all actors evaluate
every other actor at once; the computations below work on ``(n, n)`` arrays (and one
``(n, n, n)`` array of votes), never on Python loops over pairs. Equation labels
(B1)-(B14) are this module's; ``docs/mechanisms/bargaining.md`` maps each to the
section of the paper where it appears and lists the ambiguities and the readings
chosen.

(B1)  Weighted mean position      xbar = sum_i c_i s_i x_i / sum_i c_i s_i
(B2)  Votes (risk neutral)        v^{jk} = sum_i c_i s_i (|x_i - x_k| - |x_i - x_j|) / span
(B3)  Median (Condorcet) position mu = the x_j with v^{jk} >= 0 for every k
(B4)  Support of voter k          v_k^{ij} = c_k s_k (d_kj^{r_k} - d_ki^{r_k}),  d_ab = |x_a - x_b| / span
(B5)  Probability of success      P_ij = sum_k max(v_k^{ij}, 0) / N
      with N = sum_k sum_a sum_b |v_k^{ab}| ("all_pairs", default) or
      N = sum_k |v_k^{ij}| ("pair", then P_ij + P_ji = 1)
(B6)  Utility of success          U_s = 2 - 4 (0.5 - 0.5 d_ij)^r
(B7)  Utility of failure          U_f = 2 - 4 (0.5 + 0.5 d_ij)^r
(B8)  Utility of better           U_b = 2 - 4 (0.5 - 0.25 (d_i,mu + d_ij))^r
(B9)  Utility of worse            U_w = 2 - 4 (0.5 + 0.25 (d_i,mu + d_ij))^r
(B10) Utility of status quo       U_sq = 2 - 4 (0.5)^r
(B11) Expected utility of i challenging j (seen by the actor whose exponent is r)
      E U_ij = s_j [P_ij U_s + (1 - P_ij) U_f] + (1 - s_j) U_s
               - Q U_sq - (1 - Q) [T U_b + (1 - T) U_w]
(B12) Security (threat) of j      S_j = sum_{i != j} E U_ij   (all r = 1)
(B13) Risk acceptance             R_i = (2 S_i - max_k S_k - min_k S_k) / (max_k S_k - min_k S_k)
(B14) Risk exponent               r_i = (1 - R_i / 3) / (1 + R_i / 3),  in [0.5, 2]

Offers. Actor i sees the dyad with j through a = E^i U_ij and b = E^i U_ji, both
computed with i's own exponent r_i. When b > 0 (i expects j to challenge):

* a > 0: confrontation; i loses if b > a and then moves to x_j;
* a <= 0 and |a| < b: compromise; i moves to x_i + (x_j - x_i) |a| / b;
* a < 0 and |a| >= b: capitulation; i moves to x_j.

Each actor moves to the offer that changes its position least (ties: the challenger
with the larger b, then the lower index); all actors move at once. Rounds repeat
until no position changes by more than a tolerance, or the step limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from simsim.mechanisms.declarations.bargaining import (
    CAPITULATION,
    COMPROMISE,
    CONFRONTATION,
    OFFER_KINDS,
    BargainingDeclaration,
)
from simsim.model import DiplomacyModel
from simsim.registry import register_mechanism

__all__ = [
    "CAPITULATION",
    "COMPROMISE",
    "CONFRONTATION",
    "OFFER_KINDS",
    "OFFER_RULES",
    "POSITION_TOLERANCE",
    "BargainingModel",
    "RoundResult",
    "bargaining_round",
    "basic_utilities",
    "condorcet_median",
    "expected_utilities",
    "fearon_bargaining_range",
    "resolve_offers",
    "risk_exponents",
    "run_rounds",
    "success_probability",
    "vote_matrix",
    "voter_support",
    "weighted_mean_position",
]

Normalisation = Literal["all_pairs", "pair"]
OfferRule = Literal["least_change", "replication"]
#: Offer rules by the code of the ``offer_rule`` parameter (0 and 1).
OFFER_RULES: tuple[str, ...] = ("least_change", "replication")
#: Positions closer than this fraction of the issue scale's span count as one position: such
#: actors make no offers to each other, and changes of position this close tie. It keeps a
#: perturbation of an input by 1e-13 from changing the path (exact equality would).
POSITION_TOLERANCE = 1e-9


FloatArray = NDArray[np.float64]


def _as_float(a: ArrayLike) -> FloatArray:
    return np.asarray(a, dtype=np.float64)


def _runs(a: ArrayLike, shape: tuple[int, ...]) -> FloatArray:
    """``a`` broadcast to ``shape`` (a scalar per run, or per run and actor)."""
    return np.broadcast_to(_as_float(a), shape)


# -- batched kernels: every array has a leading axis of R runs ------------------------------
# The public functions below call them with R = 1. Sums run over explicit axes (never BLAS),
# so each run's numbers do not depend on how many runs are computed together.


def _wmean(x: FloatArray, w: FloatArray) -> FloatArray:
    total = w.sum(axis=-1)
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, (w * x).sum(axis=-1) / safe, x.mean(axis=-1))


def _distances(x: FloatArray, span: FloatArray) -> FloatArray:
    return np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]


def _votes(x: FloatArray, w: FloatArray, span: FloatArray) -> FloatArray:
    load = (w[:, :, None] * _distances(x, span)).sum(axis=1)  # load[r, k] = sum_i w_i d_ik
    return load[:, None, :] - load[:, :, None]


def _median(x: FloatArray, w: FloatArray, span: FloatArray) -> tuple[FloatArray, NDArray[np.int64]]:
    v = _votes(x, w, span)
    worst = v.min(axis=2)
    tol = 1e-12 * np.maximum(1.0, np.abs(v).max(axis=(1, 2), initial=0.0))
    best = worst >= (worst.max(axis=1) - tol)[:, None]
    mean = _wmean(x, w)
    idx = np.broadcast_to(np.arange(x.shape[1]), x.shape)
    # lexicographic: a Condorcet winner, closest to the mean, then smallest position, then lowest index
    j = np.lexsort((idx, x, np.abs(x - mean[:, None]), ~best), axis=-1)[:, 0]
    return x[np.arange(x.shape[0]), j], j


def _support(x: FloatArray, w: FloatArray, span: FloatArray, r: FloatArray) -> FloatArray:
    d = _distances(x, span) ** r[:, :, None]  # d[r, k, a]
    return w[:, :, None, None] * (d[:, :, None, :] - d[:, :, :, None])


def _net_support(x: FloatArray, w: FloatArray, span: FloatArray, r: FloatArray) -> FloatArray:
    """``S[r, i, j] = sum_k max(v_k^{ij}, 0)``: the voters' support for i over j (B4, B5's numerator).

    Accumulated voter by voter, so no ``(R, n, n, n)`` array is built.
    """
    d = _distances(x, span) ** r[:, :, None]  # d[r, k, a]
    out = np.zeros_like(d)
    for k in range(x.shape[1]):
        dk = d[:, k]
        out += w[:, k, None, None] * np.maximum(dk[:, None, :] - dk[:, :, None], 0.0)
    return out


def _probability(support: FloatArray, pair: NDArray[np.bool_]) -> FloatArray:
    """(B5) from the net support ``S``.

    With non-negative weights ``|v_k^{ij}| = max(v_k^{ij}, 0) + max(v_k^{ji}, 0)``, so the total
    absolute vote on the pair is ``S_ij + S_ji`` and over all pairs ``2 sum S``.
    """
    out = np.empty_like(support)
    if (~pair).any():
        sub = support[~pair]
        total = 2.0 * sub.sum(axis=(1, 2))
        safe = np.where(total > 0, total, 1.0)
        out[~pair] = np.where(total[:, None, None] > 0, sub / safe[:, None, None], 0.0)
    if pair.any():
        sub = support[pair]
        total_pair = sub + sub.transpose(0, 2, 1)
        safe_pair = np.where(total_pair > 0, total_pair, 1.0)
        out[pair] = np.where(total_pair > 0, sub / safe_pair, 0.5)
    return out


def _eu(x: FloatArray, s: FloatArray, p: FloatArray, r: FloatArray, mu: FloatArray, span: FloatArray,
        q: FloatArray, t: FloatArray, other: bool = True) -> tuple[FloatArray, FloatArray]:
    d = _distances(x, span)
    dmu = np.abs(x - mu[:, None]) / span[:, None]
    q3, t3 = q[:, None, None], t[:, None, None]
    diag = np.arange(x.shape[1])
    own = _challenge_eu(d, dmu[:, :, None], p, s[:, None, :], r[:, :, None], q3, t3)
    own[:, diag, diag] = 0.0
    if not other:
        return own, own
    oth = _challenge_eu(d, dmu[:, None, :], p.transpose(0, 2, 1), s[:, :, None], r[:, :, None], q3, t3)
    oth[:, diag, diag] = 0.0
    return own, oth


def _risk(x: FloatArray, w: FloatArray, s: FloatArray, mu: FloatArray, span: FloatArray, q: FloatArray,
          t: FloatArray, pair: NDArray[np.bool_]) -> FloatArray:
    ones = np.ones_like(x)
    p = _probability(_net_support(x, w, span, ones), pair)
    own, _ = _eu(x, s, p, ones, mu, span, q, t, other=False)
    security = own.sum(axis=1)  # diagonal is zero: sum over challengers i != j
    hi, lo = security.max(axis=1), security.min(axis=1)
    flat = hi - lo <= 1e-12 * np.maximum(1.0, np.maximum(np.abs(hi), np.abs(lo)))
    width = np.where(flat, 1.0, hi - lo)
    big_r = (2.0 * security - hi[:, None] - lo[:, None]) / width[:, None]
    r = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
    r[flat] = 1.0
    return r


def _first_min(key: FloatArray, tol: FloatArray) -> NDArray[np.int64]:
    """Per row, the first index whose key is within ``tol`` of the row's minimum."""
    least = key.min(axis=2, keepdims=True)
    return np.argmax(key <= least + tol[:, None, None], axis=2).astype(np.int64)


def _resolve(x: FloatArray, a: FloatArray, b: FloatArray, replication: NDArray[np.bool_], atol: FloatArray
             ) -> tuple[NDArray[np.int8], FloatArray, NDArray[np.int64], FloatArray]:
    R, n = x.shape
    xi, xj = x[:, :, None], x[:, None, :]
    apart = np.abs(xi - xj) > atol[:, None, None]  # positions within atol are one position
    offered = (b > 0) & apart
    confront = offered & (a > 0)
    compromise = offered & (a <= 0) & (-a < b)
    capitulate = offered & (a < 0) & (-a >= b)
    kinds = np.zeros((R, n, n), dtype=np.int8)
    kinds[confront] = CONFRONTATION
    kinds[compromise] = COMPROMISE
    kinds[capitulate] = CAPITULATION

    ratio = np.divide(np.abs(a), b, out=np.zeros_like(a), where=b > 0)
    proposals = np.where(compromise, xi + (xj - xi) * ratio, np.broadcast_to(xj, (R, n, n)))
    loses = confront & (b > a)
    proposals = np.where(confront & ~loses, np.broadcast_to(xi, (R, n, n)), proposals)

    moves = loses | compromise | capitulate
    cost = np.where(moves, np.abs(proposals - xi), np.inf)
    # changes of position that differ by less than the tolerance are ties
    tol = np.maximum(atol, 1e-12 * np.maximum(1.0, np.abs(x).max(axis=1, initial=0.0)))
    least = cost.min(axis=2, keepdims=True)
    tied = moves & (cost <= least + tol[:, None, None])
    chosen = np.argmax(np.where(tied, b, -np.inf), axis=2).astype(np.int64)
    if replication.any():
        # confrontations first (least change), then the compromise with the lowest EU-weighted
        # position (|a| x_i + |b| x_j) / (|a| + |b|), then capitulations (least change)
        with np.errstate(invalid="ignore", divide="ignore"):
            weighted = (np.abs(a) * xi + np.abs(b) * xj) / (np.abs(a) + np.abs(b))
        rep = np.where(
            loses.any(axis=2),
            _first_min(np.where(loses, cost, np.inf), tol),
            np.where(compromise.any(axis=2),
                     _first_min(np.where(compromise, weighted, np.inf), tol),
                     _first_min(np.where(capitulate, cost, np.inf), tol)),
        )
        chosen = np.where(replication[:, None], rep, chosen)
    has = moves.any(axis=2)
    chosen[~has] = -1
    rr, ii = np.nonzero(has)
    new_x = x.copy()
    new_x[rr, ii] = proposals[rr, ii, chosen[rr, ii]]
    return kinds, proposals, chosen, new_x


def _round(x: FloatArray, c: FloatArray, s: FloatArray, span: FloatArray, q: FloatArray, t: FloatArray,
           pair: NDArray[np.bool_], replication: NDArray[np.bool_], atol: FloatArray,
           mu: FloatArray | None = None) -> dict[str, np.ndarray]:
    """One round for R runs at once; salience on the 0-1 scale; every argument has a leading run axis.

    ``mu``, the median of ``x`` (B3), is computed unless given.
    """
    w = c * s
    if mu is None:
        mu, _ = _median(x, w, span)
    r = _risk(x, w, s, mu, span, q, t, pair)
    p = _probability(_net_support(x, w, span, r), pair)
    own, other = _eu(x, s, p, r, mu, span, q, t)
    kinds, proposals, chosen, new_x = _resolve(x, own, other, replication, atol)
    return {"x_before": x, "x_after": new_x, "median": mu, "r": r, "p": p, "own": own, "other": other,
            "kinds": kinds, "proposals": proposals, "chosen": chosen}


def _check_normalisation(normalisation: str) -> bool:
    if normalisation not in ("all_pairs", "pair"):
        raise ValueError(f"unknown normalisation {normalisation!r}; use 'all_pairs' or 'pair'")
    return normalisation == "pair"


def _check_rule(rule: str) -> bool:
    if rule not in OFFER_RULES:
        raise ValueError(f"unknown offer rule {rule!r}; use one of {', '.join(OFFER_RULES)}")
    return rule == "replication"


# -- one run ----------------------------------------------------------------------------------


def weighted_mean_position(x: ArrayLike, c: ArrayLike, s: ArrayLike) -> float:
    """Capability-and-salience weighted mean position (B1).

    Parameters
    ----------
    x, c, s
        Positions, capabilities and saliences, shape ``(n,)``. The salience scale
        cancels (0-1 or 0-100 give the same mean).

    Returns
    -------
    float
        ``sum(c s x) / sum(c s)``; the unweighted mean when every weight is zero.
    """
    x = _as_float(x)
    return float(_wmean(x[None], (_as_float(c) * _as_float(s))[None])[0])


def vote_matrix(x: ArrayLike, c: ArrayLike, s: ArrayLike, span: float) -> FloatArray:
    """Capability-and-salience weighted pairwise votes between positions (B2).

    Parameters
    ----------
    x, c, s
        Positions, capabilities and saliences, shape ``(n,)``.
    span
        Length of the issue scale used to normalise distances (> 0).

    Returns
    -------
    numpy.ndarray
        ``V`` of shape ``(n, n)``; ``V[j, k]`` is the net weighted vote for actor j's
        position over actor k's, ``sum_i c_i s_i (|x_i - x_k| - |x_i - x_j|) / span``.
        ``V`` is antisymmetric.
    """
    x = _as_float(x)
    return _votes(x[None], (_as_float(c) * _as_float(s))[None], np.array([float(span)]))[0]


def condorcet_median(x: ArrayLike, c: ArrayLike, s: ArrayLike, span: float) -> tuple[float, int]:
    """Median voter (Condorcet) position among the actors' positions (B3).

    The winner is the position whose worst pairwise vote ``min_k V[j, k]`` is largest;
    with one-dimensional risk-neutral votes this is the Condorcet winner (it beats or
    ties every other position) and equals the weighted median.

    Parameters
    ----------
    x, c, s
        Positions, capabilities and saliences, shape ``(n,)``.
    span
        Length of the issue scale (> 0).

    Returns
    -------
    tuple of (float, int)
        The median position and the index of an actor holding it. Ties between
        distinct positions (an exact even split of weight) go to the position closest
        to the weighted mean, then to the lower position.
    """
    x = _as_float(x)
    mu, j = _median(x[None], (_as_float(c) * _as_float(s))[None], np.array([float(span)]))
    return float(mu[0]), int(j[0])


def voter_support(x: ArrayLike, c: ArrayLike, s: ArrayLike, span: float, r: ArrayLike | None = None) -> FloatArray:
    """Each voter's support for one actor's position over another's (B4).

    Parameters
    ----------
    x, c, s
        Positions, capabilities and saliences (salience on any fixed scale).
    span
        Length of the issue scale (> 0).
    r
        Risk exponents of the voters, shape ``(n,)``; ones when omitted.

    Returns
    -------
    numpy.ndarray
        ``v`` of shape ``(n, n, n)``; ``v[k, i, j] = c_k s_k (d_kj^{r_k} - d_ki^{r_k})``,
        positive when voter k prefers x_i to x_j.
    """
    x = _as_float(x)
    r = np.ones_like(x) if r is None else _runs(r, x.shape)
    return _support(x[None], (_as_float(c) * _as_float(s))[None], np.array([float(span)]), r[None])[0]


def success_probability(
    x: ArrayLike,
    c: ArrayLike,
    s: ArrayLike,
    span: float,
    r: ArrayLike | None = None,
    normalisation: Normalisation = "all_pairs",
) -> FloatArray:
    """Probability that actor i prevails over actor j (B5).

    Parameters
    ----------
    x, c, s, span, r
        As in :func:`voter_support`.
    normalisation
        ``"all_pairs"`` (default): divide the support for i over j by the total
        absolute vote over all voters and all ordered pairs of actors, the
        normalisation of the published replication. ``"pair"``: divide by the total
        absolute vote on the pair (i, j) only, so that ``P_ij + P_ji = 1``.

    Returns
    -------
    numpy.ndarray
        ``P`` of shape ``(n, n)`` with values in [0, 1]. Where no voter distinguishes
        x_i from x_j (same position) ``P`` is 0.5 under ``"pair"`` and 0 under
        ``"all_pairs"``; the expected utility of challenging an actor at one's own
        position is zero either way.
    """
    pair = _check_normalisation(normalisation)
    x = _as_float(x)
    r = np.ones_like(x) if r is None else _runs(r, x.shape)
    support = _net_support(x[None], (_as_float(c) * _as_float(s))[None], np.array([float(span)]), r[None])
    return _probability(support, np.array([pair]))[0]


def basic_utilities(d_ij: ArrayLike, d_imu: ArrayLike, r: ArrayLike) -> dict[str, FloatArray]:
    """Utilities of success, failure, better, worse and status quo (B6)-(B10).

    Parameters
    ----------
    d_ij
        Normalised distance ``|x_i - x_j| / span`` between challenger and target.
    d_imu
        Normalised distance ``|x_i - mu| / span`` between challenger and median.
    r
        Risk exponent of the actor whose view is computed. All three broadcast.

    Returns
    -------
    dict
        Arrays ``"success"``, ``"failure"``, ``"better"``, ``"worse"``, ``"status_quo"``.
    """
    d_ij, d_imu, r = _as_float(d_ij), _as_float(d_imu), _as_float(r)
    return {
        "success": 2.0 - 4.0 * (0.5 - 0.5 * d_ij) ** r,
        "failure": 2.0 - 4.0 * (0.5 + 0.5 * d_ij) ** r,
        "better": 2.0 - 4.0 * (0.5 - 0.25 * (d_imu + d_ij)) ** r,
        "worse": 2.0 - 4.0 * (0.5 + 0.25 * (d_imu + d_ij)) ** r,
        "status_quo": np.broadcast_to(2.0 - 4.0 * 0.5**r, np.broadcast(d_ij, d_imu, r).shape),
    }


def _utility(base: FloatArray, r: FloatArray) -> FloatArray:
    """``2 - 4 base**r``; the common risk-neutral case ``r = 1`` without the power.

    ``base`` is floored at zero: it is negative only when a distance exceeds the span by
    rounding (a position a hair outside the scale), where the power would be ``nan``.
    """
    if np.all(r == 1.0):
        return 2.0 - 4.0 * base
    return 2.0 - 4.0 * np.power(np.maximum(base, 0.0), r)


def _challenge_eu(
    d_ij: FloatArray,
    d_imu: FloatArray,
    p: FloatArray,
    s_target: FloatArray,
    r: FloatArray,
    q: FloatArray | float,
    t: FloatArray | float,
) -> FloatArray:
    # (B6), (B7), (B10); (B8)-(B9) only when they carry weight (Q < 1). Same values as
    # basic_utilities(), computed without the terms that Q = 1 multiplies by zero.
    u_s = _utility(0.5 - 0.5 * d_ij, r)
    u_f = _utility(0.5 + 0.5 * d_ij, r)
    u_sq = _utility(np.asarray(0.5), r)
    challenge = s_target * (p * u_s + (1.0 - p) * u_f) + (1.0 - s_target) * u_s
    no_challenge = q * u_sq
    if np.any(np.asarray(q) < 1.0):
        u_b = _utility(0.5 - 0.25 * (d_imu + d_ij), r)
        u_w = _utility(0.5 + 0.25 * (d_imu + d_ij), r)
        no_challenge = no_challenge + (1.0 - q) * (t * u_b + (1.0 - t) * u_w)
    return challenge - no_challenge  # type: ignore[no-any-return]


def expected_utilities(
    x: ArrayLike,
    s: ArrayLike,
    p: ArrayLike,
    r: ArrayLike,
    mu: float,
    span: float,
    q: float = 1.0,
    t: float = 1.0,
) -> tuple[FloatArray, FloatArray]:
    """Expected utilities of challenging, from each actor's own point of view (B11).

    Parameters
    ----------
    x
        Positions, shape ``(n,)``.
    s
        Saliences on the 0-1 scale (the probability that a target resists).
    p
        Probabilities of success ``P[i, j]`` from :func:`success_probability`.
    r
        Risk exponents, shape ``(n,)``.
    mu
        Median position (B3), used by the better/worse utilities.
    span
        Length of the issue scale (> 0).
    q
        Probability that the status quo persists if i does not challenge.
    t
        Probability that, if it changes, the status quo changes in i's favour.

    Returns
    -------
    tuple of numpy.ndarray
        ``own[i, j] = E^i U_ij`` (i challenges j, with r_i) and
        ``other[i, j] = E^i U_ji`` (i's estimate of j challenging i, also with r_i).
        Diagonals are zero.
    """
    x = _as_float(x)
    one = np.array
    own, other = _eu(x[None], _runs(s, x.shape)[None], _as_float(p)[None], _runs(r, x.shape)[None],
                     one([float(mu)]), one([float(span)]), one([float(q)]), one([float(t)]))
    return own[0], other[0]


def risk_exponents(
    x: ArrayLike,
    c: ArrayLike,
    s: ArrayLike,
    mu: float,
    span: float,
    q: float = 1.0,
    t: float = 1.0,
    normalisation: Normalisation = "all_pairs",
) -> FloatArray:
    """Risk exponents from each actor's security (B12)-(B14).

    Expected utilities are first computed with every ``r = 1``; the security of j is
    the sum of the other actors' expected utilities of challenging j; the most
    threatened actor gets ``R = 1`` (``r = 0.5``), the least ``R = -1`` (``r = 2``).

    Parameters
    ----------
    x, c, s
        Positions, capabilities and saliences (salience on the 0-1 scale).
    mu, span, q, t, normalisation
        As in :func:`expected_utilities` and :func:`success_probability`.

    Returns
    -------
    numpy.ndarray
        ``r`` of shape ``(n,)`` in [0.5, 2]; all ones when every security is equal.
    """
    x = _as_float(x)
    s = _runs(s, x.shape)
    one = np.array
    return _risk(x[None], (_as_float(c) * s)[None], s[None], one([float(mu)]), one([float(span)]),
                 one([float(q)]), one([float(t)]), one([_check_normalisation(normalisation)]))[0]


def resolve_offers(
    x: ArrayLike, own: ArrayLike, other: ArrayLike, rule: OfferRule = "least_change", atol: float = 0.0
) -> tuple[NDArray[np.int8], FloatArray, NDArray[np.int64], FloatArray]:
    """Classify every offer and move each actor to its best one.

    Parameters
    ----------
    x
        Positions, shape ``(n,)``.
    own, other
        ``E^i U_ij`` and ``E^i U_ji`` from :func:`expected_utilities`.
    rule
        Which offer an actor accepts. ``"least_change"`` (the paper's rule): the one that
        changes its position least, ties to the challenger with the larger ``E^i U_ji``, then
        the lower index. ``"replication"`` (the rule of Scholz et al.'s code as ported in the
        published replication): any confrontation it loses first (least change), else the
        compromise with the lowest EU-weighted position
        ``(|E^i U_ij| x_i + |E^i U_ji| x_j) / (|E^i U_ij| + |E^i U_ji|)``, else a capitulation
        (least change); ties to the lower index.
    atol
        Position tolerance: actors closer than ``atol`` hold one position (they make no
        offers to each other), and changes of position within ``atol`` of each other tie.

    Returns
    -------
    kinds
        ``(n, n)`` int8; ``kinds[i, j]`` is the kind of j's offer as i sees it
        (0 none, :data:`CONFRONTATION`, :data:`COMPROMISE`, :data:`CAPITULATION`).
    proposals
        ``(n, n)``; the position i would move to by accepting j's offer (``x_i`` for a
        confrontation that i expects to win).
    chosen
        ``(n,)``; index of the offer each actor accepts, -1 when it keeps its position.
    new_x
        ``(n,)``; positions after the round.
    """
    x = _as_float(x)
    kinds, proposals, chosen, new_x = _resolve(x[None], _as_float(own)[None], _as_float(other)[None],
                                               np.array([_check_rule(rule)]), np.array([float(atol)]))
    return kinds[0], proposals[0], chosen[0], new_x[0]


@dataclass(frozen=True)
class RoundResult:
    """Everything one round of the model computes.

    Attributes
    ----------
    x_before, x_after
        Positions at the start and the end of the round.
    median
        Median (Condorcet) position at the start of the round (B3).
    r
        Risk exponents used in the round (B14).
    p
        Probabilities of success (B5), computed with ``r``.
    own, other
        ``E^i U_ij`` and ``E^i U_ji`` (B11).
    kinds, proposals, chosen
        As returned by :func:`resolve_offers`.
    """

    x_before: FloatArray
    x_after: FloatArray
    median: float
    r: FloatArray
    p: FloatArray
    own: FloatArray
    other: FloatArray
    kinds: NDArray[np.int8]
    proposals: FloatArray
    chosen: NDArray[np.int64]

    def offer_counts(self) -> dict[str, int]:
        """Number of offers of each kind made in the round (ordered receiver-challenger pairs)."""
        return {name: int((self.kinds == k).sum()) for k, name in OFFER_KINDS.items()}

    def accepted_counts(self) -> dict[str, int]:
        """Number of actors that moved by accepting an offer of each kind."""
        movers = np.flatnonzero(self.chosen >= 0)
        kinds = self.kinds[movers, self.chosen[movers]]
        return {name: int((kinds == k).sum()) for k, name in OFFER_KINDS.items()}


def bargaining_round(
    x: ArrayLike,
    c: ArrayLike,
    s: ArrayLike,
    span: float,
    q: float = 1.0,
    t: float = 1.0,
    normalisation: Normalisation = "all_pairs",
    rule: OfferRule = "least_change",
    position_tolerance: float = POSITION_TOLERANCE,
) -> RoundResult:
    """One round of the model for all actors at once.

    Parameters
    ----------
    x, c
        Positions and capabilities, shape ``(n,)``.
    s
        Saliences on the 0-1 scale.
    span
        Length of the issue scale (> 0).
    q, t, normalisation
        As in :func:`expected_utilities` and :func:`success_probability`.
    rule
        Offer rule, see :func:`resolve_offers`.
    position_tolerance
        Positions closer than ``position_tolerance * span`` are one position (see
        :data:`POSITION_TOLERANCE` and :func:`resolve_offers`).

    Returns
    -------
    RoundResult
        The round's intermediate arrays and the new positions.
    """
    x, c, s = _as_float(x), _as_float(c), _as_float(s)
    if span <= 0:
        raise ValueError("span must be positive")
    one = np.array
    out = _round(x[None], c[None], s[None], one([float(span)]), one([float(q)]), one([float(t)]),
                 one([_check_normalisation(normalisation)]), one([_check_rule(rule)]),
                 one([float(position_tolerance) * float(span)]))
    return RoundResult(x, out["x_after"][0], float(out["median"][0]), out["r"][0], out["p"][0], out["own"][0],
                       out["other"][0], out["kinds"][0], out["proposals"][0], out["chosen"][0])  # type: ignore[arg-type]


def run_rounds(
    x: ArrayLike,
    c: ArrayLike,
    s: ArrayLike,
    rounds: int,
    span: float | None = None,
    q: float = 1.0,
    t: float = 1.0,
    normalisation: Normalisation = "all_pairs",
    tolerance: float = 0.0,
    rule: OfferRule = "least_change",
    position_tolerance: float = POSITION_TOLERANCE,
) -> tuple[FloatArray, list[RoundResult]]:
    """Run up to ``rounds`` rounds without Mesa (used by tests and the docs).

    Parameters
    ----------
    x, c
        Initial positions and capabilities.
    s
        Saliences on the 0-1 scale.
    rounds
        Maximum number of rounds.
    span
        Length of the issue scale; the range of the initial positions when omitted.
    q, t, normalisation, rule, position_tolerance
        As in :func:`bargaining_round`.
    tolerance
        Stop after a round in which no position changed by more than this.

    Returns
    -------
    tuple
        Positions of shape ``(rounds_run + 1, n)`` (row 0 the initial positions) and
        the list of :class:`RoundResult`.
    """
    x = _as_float(x).copy()
    if span is None:
        span = float(x.max() - x.min()) or 1.0
    path = [x]
    results: list[RoundResult] = []
    for _ in range(rounds):
        res = bargaining_round(path[-1], c, s, span, q, t, normalisation, rule, position_tolerance)
        results.append(res)
        path.append(res.x_after)
        if np.max(np.abs(res.x_after - res.x_before), initial=0.0) <= tolerance:
            break
    return np.vstack(path), results


def fearon_bargaining_range(p: float, c_a: float, c_b: float) -> tuple[float, float]:
    """Splits both sides prefer to war in Fearon's (1995) crisis bargaining model.

    Two risk-neutral states divide a good of size 1. War gives A the whole good with
    probability ``p`` and costs A ``c_a`` and B ``c_b``; A's expected war payoff is
    ``p - c_a`` and B's is ``1 - p - c_b``. A split giving A the share ``x`` is
    preferred to war by A iff ``x > p - c_a`` and by B iff ``1 - x > 1 - p - c_b``,
    i.e. ``x < p + c_b``. Fearon, J. D. (1995). Rationalist explanations for war.
    *International Organization* 49(3): 379-414.

    Parameters
    ----------
    p
        A's probability of winning, in [0, 1].
    c_a, c_b
        Costs of war to A and B, > 0, in units of the good.

    Returns
    -------
    tuple of float
        The open interval ``(p - c_a, p + c_b)``; with positive costs it is never
        empty. It may extend beyond [0, 1]; feasible splits are its intersection
        with [0, 1].
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if c_a <= 0 or c_b <= 0:
        raise ValueError(f"war costs must be positive, got c_a={c_a}, c_b={c_b}")
    return (p - c_a, p + c_b)


# =======================================================================================
# Mesa model
# =======================================================================================

_SALIENCE_SCALE = 100.0


@register_mechanism
class BargainingModel(BargainingDeclaration, DiplomacyModel):
    """Bueno de Mesquita's expected-utility model of bargaining over one issue.

    Every step is one round of the model: the median (Condorcet) position (B3), the
    risk exponents from each actor's security (B12)-(B14), the probabilities of success
    (B5), the utilities (B6)-(B10) and expected utilities of challenging (B11) for all
    ordered pairs at once; then every actor classifies the offers it receives as
    confrontation, compromise or capitulation and moves to the one that changes its
    position least. The run stops when no position changes by more than
    ``tolerance`` times the scale length, or after ``steps`` rounds. The forecast is the
    capability-and-salience weighted mean position (B1) after the last round.

    The equations, the ambiguities of the specification and the readings chosen are in
    the module docstring and in ``docs/mechanisms/bargaining.md``.

    References
    ----------
    Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De Mesquita's
    group decision model. *Journal of Theoretical Politics* 23(4): 510-531.
    Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In
    F. Stokman (ed.), *European Community Decision Making*, Yale University Press, 71-104.
    """

    # -- run: R runs side by side ----------------------------------------------------------
    vectorised = True

    def setup(self) -> None:
        """Arrays of every run: positions, capabilities, saliences (0-1), spans and options."""
        R, n = self.R, self.n
        # every parameter as an array over the runs (a single run's inputs may be scalars)
        self.p = {k: np.broadcast_to(np.asarray(v, dtype=float), (R,)).copy() for k, v in self.p.items()}
        self.x0 = self.attr["position"].astype(float).copy()
        self.x = self.x0.copy()
        self.c = self.attr["capability"].astype(float)
        self.s_raw = self.attr["salience"].astype(float)
        self.s = self.s_raw / _SALIENCE_SCALE
        self.w = self.c * self.s
        lo, hi = self.p["scale_min"], self.p["scale_max"]
        rng_span = self.x0.max(axis=1) - self.x0.min(axis=1)
        self.span = np.where(np.isfinite(lo) & np.isfinite(hi), hi - lo, np.where(rng_span > 0, rng_span, 1.0))
        self.pair = self.p["pair_normalisation"] >= 0.5
        self.replication = self.p["offer_rule"] >= 0.5
        self.atol = POSITION_TOLERANCE * self.span
        self.mean_position = _wmean(self.x, self.w)
        self.median_position = _median(self.x, self.w, self.span)[0]
        self.initial_mean, self.initial_median = self.mean_position.copy(), self.median_position.copy()
        zero = {k: np.zeros(R, dtype=np.int64) for k in OFFER_KINDS.values()}
        self.offers = {k: v.copy() for k, v in zero.items()}
        self.accepted = {k: v.copy() for k, v in zero.items()}
        self.total_offers = {k: v.copy() for k, v in zero.items()}
        self.moves_total = np.zeros(R, dtype=np.int64)
        self.made = np.zeros((R, n), dtype=np.int64)
        self.caused = np.zeros((R, n), dtype=np.int64)
        self.rounds_run = np.zeros(R, dtype=np.int64)
        self.converged = np.zeros(R, dtype=bool)

    def reporters(self) -> dict[str, object]:
        """Mean and median position, each actor's position, and offers per kind per round."""
        rep: dict[str, object] = {"mean_position": "mean_position", "median_position": "median_position"}
        for i, aid in enumerate(self.ids):
            rep[f"position.{aid}"] = [self._position, [i]]
        for kind in OFFER_KINDS.values():
            rep[f"offers.{kind}"] = [self._count, ["offers", kind]]
            rep[f"accepted.{kind}"] = [self._count, ["accepted", kind]]
        return rep

    def _position(self, i: int) -> FloatArray:
        return self.x[:, i].copy()

    def _count(self, table: str, kind: str) -> NDArray[np.int64]:
        return getattr(self, table)[kind].copy()  # type: ignore[no-any-return]

    def advance(self) -> None:
        """One round (B1)-(B14) for all actors of every run that has not converged."""
        active = ~self.converged
        for table in (self.offers, self.accepted):
            for v in table.values():
                v[:] = 0
        if not active.any():
            return
        a = np.flatnonzero(active)
        res = _round(self.x[a], self.c[a], self.s[a], self.span[a], self.p["q"][a], self.p["t"][a],
                     self.pair[a], self.replication[a], self.atol[a], mu=self.median_position[a])
        kinds, chosen = res["kinds"], res["chosen"]
        rr, ii = np.nonzero(chosen >= 0)
        taken = kinds[rr, ii, chosen[rr, ii]]
        for k, name in OFFER_KINDS.items():
            self.offers[name][a] = (kinds == k).sum(axis=(1, 2))
            self.accepted[name][a] = np.bincount(rr[taken == k], minlength=a.size)
            self.total_offers[name] += self.offers[name]
        self.moves_total[a] += (chosen >= 0).sum(axis=1)
        self.made[a] += (kinds > 0).sum(axis=1)
        np.add.at(self.caused, (a[rr], chosen[rr, ii]), 1)
        change = np.max(np.abs(res["x_after"] - self.x[a]), axis=1, initial=0.0)
        self.x[a] = res["x_after"]
        self.attr["position"] = self.x  # agents read their current position from here
        self.mean_position = _wmean(self.x, self.w)
        self.median_position = _median(self.x, self.w, self.span)[0]
        self.rounds_run[a] += 1
        self.converged[a] = change <= self.p["tolerance"][a] * self.span[a]

    def outcomes(self) -> dict[str, NDArray[Any]]:
        """Per-run outcomes (see :meth:`outcome_specs`), arrays over the runs of the model."""
        out: dict[str, NDArray[Any]] = {
            "forecast": self.mean_position.copy(),
            "final_median": self.median_position.copy(),
            "initial_mean": self.initial_mean,
            "initial_median": self.initial_median,
            "confrontations": self.total_offers["confrontation"].astype(float),
            "compromises": self.total_offers["compromise"].astype(float),
            "capitulations": self.total_offers["capitulation"].astype(float),
            "moves": self.moves_total.astype(float),
            "rounds": self.rounds_run.astype(float),
            "converged": self.converged.copy(),
        }
        for i, aid in enumerate(self.ids):
            out[f"final_position.{aid}"] = self.x[:, i].copy()
            out[f"challenges_made.{aid}"] = self.made[:, i].astype(float)
            out[f"moves_caused.{aid}"] = self.caused[:, i].astype(float)
        return out
