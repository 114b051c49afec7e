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
from functools import partial
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from simsim.model import DiplomacyModel, OutcomeSpec, Param, ReporterSpec
from simsim.registry import register_mechanism

if TYPE_CHECKING:
    from simsim.scenario.schema import Scenario

__all__ = [
    "CAPITULATION",
    "COMPROMISE",
    "CONFRONTATION",
    "OFFER_KINDS",
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

#: Offer kinds as stored in the ``kinds`` matrix of :func:`resolve_offers` (0 = no offer).
CONFRONTATION = 1
COMPROMISE = 2
CAPITULATION = 3
OFFER_KINDS: dict[int, str] = {
    CONFRONTATION: "confrontation",
    COMPROMISE: "compromise",
    CAPITULATION: "capitulation",
}

FloatArray = NDArray[np.float64]


def _as_float(a: ArrayLike) -> FloatArray:
    return np.asarray(a, dtype=np.float64)


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
    x, w = _as_float(x), _as_float(c) * _as_float(s)
    total = w.sum()
    if total <= 0:
        return float(x.mean())
    return float(w @ x / total)


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
    x, w = _as_float(x), _as_float(c) * _as_float(s)
    dist = np.abs(x[:, None] - x[None, :]) / span  # dist[i, k] = |x_i - x_k| / span
    load = w @ dist  # load[k] = sum_i w_i |x_i - x_k| / span
    return load[None, :] - load[:, None]


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
    v = vote_matrix(x, c, s, span)
    worst = v.min(axis=1)
    tol = 1e-12 * max(1.0, float(np.abs(v).max(initial=0.0)))
    best = worst >= worst.max() - tol
    mean = weighted_mean_position(x, c, s)
    # lexicographic: closest to the mean, then smallest position, then lowest index
    order = np.lexsort((np.arange(x.size), x, np.abs(x - mean), ~best))
    j = int(order[0])
    return float(x[j]), j


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
    x, w = _as_float(x), _as_float(c) * _as_float(s)
    r = np.ones_like(x) if r is None else _as_float(r)
    d = (np.abs(x[:, None] - x[None, :]) / span) ** r[:, None]  # d[k, a]
    return w[:, None, None] * (d[:, None, :] - d[:, :, None])


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
    v = voter_support(x, c, s, span, r)
    support = np.clip(v, 0.0, None).sum(axis=0)
    if normalisation == "all_pairs":
        total = float(np.abs(v).sum())
        if total <= 0:
            return np.zeros_like(support)
        return support / total
    if normalisation == "pair":
        total_pair = np.abs(v).sum(axis=0)
        out = np.full_like(support, 0.5)
        np.divide(support, total_pair, out=out, where=total_pair > 0)
        return out
    raise ValueError(f"unknown normalisation {normalisation!r}; use 'all_pairs' or 'pair'")


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
    """``2 - 4 base**r``; the common risk-neutral case ``r = 1`` without the power."""
    if np.all(r == 1.0):
        return 2.0 - 4.0 * base
    return 2.0 - 4.0 * np.power(base, r)


def _challenge_eu(
    d_ij: FloatArray,
    d_imu: FloatArray,
    p: FloatArray,
    s_target: FloatArray,
    r: FloatArray,
    q: float,
    t: float,
) -> FloatArray:
    # (B6), (B7), (B10); (B8)-(B9) only when they carry weight (Q < 1). Same values as
    # basic_utilities(), computed without the terms that Q = 1 multiplies by zero.
    u_s = _utility(0.5 - 0.5 * d_ij, r)
    u_f = _utility(0.5 + 0.5 * d_ij, r)
    u_sq = _utility(np.asarray(0.5), r)
    challenge = s_target * (p * u_s + (1.0 - p) * u_f) + (1.0 - s_target) * u_s
    no_challenge = q * u_sq
    if q < 1.0:
        u_b = _utility(0.5 - 0.25 * (d_imu + d_ij), r)
        u_w = _utility(0.5 + 0.25 * (d_imu + d_ij), r)
        no_challenge = no_challenge + (1.0 - q) * (t * u_b + (1.0 - t) * u_w)
    return challenge - no_challenge


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
    x, s, p, r = _as_float(x), _as_float(s), _as_float(p), _as_float(r)
    d = np.abs(x[:, None] - x[None, :]) / span
    dmu = np.abs(x - mu) / span
    own = _challenge_eu(d, dmu[:, None], p, s[None, :], r[:, None], q, t)
    other = _challenge_eu(d, dmu[None, :], p.T, s[:, None], r[:, None], q, t)
    np.fill_diagonal(own, 0.0)
    np.fill_diagonal(other, 0.0)
    return own, other


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
    ones = np.ones_like(x)
    p = success_probability(x, c, s, span, ones, normalisation)
    own, _ = expected_utilities(x, s, p, ones, mu, span, q, t)
    security = own.sum(axis=0)  # diagonal is zero: sum over challengers i != j
    hi, lo = float(security.max()), float(security.min())
    if hi - lo <= 1e-12 * max(1.0, abs(hi), abs(lo)):
        return ones
    big_r = (2.0 * security - hi - lo) / (hi - lo)
    return (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


def resolve_offers(
    x: ArrayLike, own: ArrayLike, other: ArrayLike
) -> tuple[NDArray[np.int8], FloatArray, NDArray[np.int64], FloatArray]:
    """Classify every offer and move each actor to its best one.

    Parameters
    ----------
    x
        Positions, shape ``(n,)``.
    own, other
        ``E^i U_ij`` and ``E^i U_ji`` from :func:`expected_utilities`.

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
    x, a, b = _as_float(x), _as_float(own), _as_float(other)
    n = x.size
    xi, xj = x[:, None], x[None, :]
    offered = (b > 0) & (xi != xj)
    confront = offered & (a > 0)
    compromise = offered & (a <= 0) & (-a < b)
    capitulate = offered & (a < 0) & (-a >= b)
    kinds = np.zeros((n, n), dtype=np.int8)
    kinds[confront] = CONFRONTATION
    kinds[compromise] = COMPROMISE
    kinds[capitulate] = CAPITULATION

    ratio = np.divide(np.abs(a), b, out=np.zeros_like(a), where=b > 0)
    proposals = np.where(compromise, xi + (xj - xi) * ratio, np.broadcast_to(xj, (n, n)))
    loses = confront & (b > a)
    proposals = np.where(confront & ~loses, np.broadcast_to(xi, (n, n)), proposals)

    moves = loses | compromise | capitulate
    cost = np.where(moves, np.abs(proposals - xi), np.inf)
    least = cost.min(axis=1, keepdims=True)
    scale = max(1.0, float(np.abs(x).max(initial=0.0)))
    tied = moves & (cost <= least + 1e-12 * scale)
    chosen = np.argmax(np.where(tied, b, -np.inf), axis=1).astype(np.int64)
    has = moves.any(axis=1)
    chosen[~has] = -1
    new_x = x.copy()
    rows = np.flatnonzero(has)
    new_x[rows] = proposals[rows, chosen[rows]]
    return kinds, proposals, chosen, new_x


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

    Returns
    -------
    RoundResult
        The round's intermediate arrays and the new positions.
    """
    x, c, s = _as_float(x), _as_float(c), _as_float(s)
    if span <= 0:
        raise ValueError("span must be positive")
    mu, _ = condorcet_median(x, c, s, span)
    r = risk_exponents(x, c, s, mu, span, q, t, normalisation)
    p = success_probability(x, c, s, span, r, normalisation)
    own, other = expected_utilities(x, s, p, r, mu, span, q, t)
    kinds, proposals, chosen, new_x = resolve_offers(x, own, other)
    return RoundResult(x, new_x, mu, r, p, own, other, kinds, proposals, chosen)


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
    q, t, normalisation
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
        res = bargaining_round(path[-1], c, s, span, q, t, normalisation)
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


def _actor_position(model: BargainingModel, i: int) -> float:
    return float(model.x[i])


@register_mechanism
class BargainingModel(DiplomacyModel):
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

    name = "bargaining"
    citation = (
        "Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De Mesquita's "
        "group decision model. Journal of Theoretical Politics 23(4): 510-531; "
        "Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. "
        "In Stokman (ed.), European Community Decision Making, Yale UP, 71-104."
    )
    parameters: ClassVar[dict[str, Param]] = {
        "q": Param(
            default=1.0,
            low=0.0,
            high=1.0,
            doc="Q in (B11): probability that the status quo persists when an actor does not challenge.",
        ),
        "t": Param(
            default=1.0,
            low=0.0,
            high=1.0,
            doc="T in (B11): probability that a changing status quo moves in the actor's favour.",
        ),
        "scale_min": Param(
            default=None,
            doc="Lower end of the issue scale; with scale_max it sets the span of (B2)-(B9). "
            "Omitted: the range of the actors' initial positions in each run.",
        ),
        "scale_max": Param(default=None, doc="Upper end of the issue scale (see scale_min)."),
        "pair_normalisation": Param(
            default=0,
            low=0,
            high=1,
            integer=True,
            doc="(B5) denominator: 0 = all pairs (published replication), 1 = the pair only (P_ij + P_ji = 1).",
        ),
        "tolerance": Param(
            default=1e-9,
            low=0.0,
            doc="Stop when no position moves by more than tolerance x span in a round.",
        ),
    }
    attributes: ClassVar[dict[str, Param]] = {
        "capability": Param(default=None, low=0.0, doc="Capability c_i (any non-negative scale)."),
        "position": Param(default=None, doc="Position x_i on the issue scale."),
        "salience": Param(default=None, low=0.0, high=100.0, doc="Salience s_i on a 0-100 scale."),
    }
    main_reporters: ClassVar[tuple[str, ...]] = ("mean_position", "median_position")

    @classmethod
    def reporter_specs(cls, scenario: Scenario) -> list[ReporterSpec]:
        """Labels and units of the per-step reporters."""
        unit = "position on the issue scale"
        specs = [ReporterSpec("mean_position", "Weighted mean position (forecast)", unit),
                 ReporterSpec("median_position", "Median position", unit)]
        specs += [ReporterSpec(f"position.{a.id}", f"Position of {a.name}", unit) for a in scenario.actors]
        for kind in OFFER_KINDS.values():
            specs += [ReporterSpec(f"offers.{kind}", f"Offers of kind {kind} this round", "offers"),
                      ReporterSpec(f"accepted.{kind}", f"Accepted offers of kind {kind} this round", "offers")]
        return specs

    # -- scenario-level hooks ------------------------------------------------------------
    @classmethod
    def outcome_specs(cls, scenario: Scenario) -> list[OutcomeSpec]:
        """Per-run outcomes: the forecast, final median, offer counts and each actor's end."""
        specs = [
            OutcomeSpec("forecast", "number", "Weighted mean position (B1) after the last round.",
                        label="Forecast: weighted mean position after the last round",
                        unit="position on the issue scale"),
            OutcomeSpec("final_median", "number", "Median (Condorcet) position (B3) after the last round.",
                        label="Median position after the last round", unit="position on the issue scale"),
            OutcomeSpec("initial_mean", "number", "Weighted mean position (B1) before round 1.",
                        label="Weighted mean position before round 1", unit="position on the issue scale"),
            OutcomeSpec("initial_median", "number", "Median (Condorcet) position (B3) before round 1.",
                        label="Median position before round 1", unit="position on the issue scale"),
            OutcomeSpec("confrontations", "number", "Confrontation offers over the run (receiver-challenger pairs).",
                        label="Confrontation offers", unit="offers"),
            OutcomeSpec("compromises", "number", "Compromise offers over the run.", label="Compromise offers",
                        unit="offers"),
            OutcomeSpec("capitulations", "number", "Capitulation offers over the run.", label="Capitulation offers",
                        unit="offers"),
            OutcomeSpec("moves", "number", "Offers accepted (actor-rounds in which an actor moved).",
                        label="Offers accepted (moves)", unit="moves"),
            OutcomeSpec("rounds", "number", "Rounds run.", label="Rounds run", unit="rounds"),
            OutcomeSpec("converged", "bool", "Whether positions stopped changing before the step limit.",
                        label="Positions settled before the last round", unit=""),
        ]
        for a in scenario.actors:
            specs.append(OutcomeSpec(f"final_position.{a.id}", "number", f"Position of {a.name} after the last round.",
                                     label=f"Position of {a.name} after the last round",
                                     unit="position on the issue scale"))
            specs.append(OutcomeSpec(f"challenges_made.{a.id}", "number", f"Offers {a.name} made over the run.",
                                     label=f"Offers made by {a.name}", unit="offers"))
            specs.append(
                OutcomeSpec(f"moves_caused.{a.id}", "number", f"Offers of {a.name} that another actor accepted.",
                            label=f"Offers of {a.name} accepted by others", unit="offers")
            )
        return specs

    @classmethod
    def check(cls, scenario: Scenario) -> None:
        """Scale bounds ordered, positions inside the scale, at least two actors."""
        if len(scenario.actors) < 2:
            raise scenario.error(("actors",), "the bargaining model needs at least two actors")
        params = scenario.parameters
        given = [k for k in ("scale_min", "scale_max") if k in params]
        if len(given) == 1:
            missing = "scale_max" if given[0] == "scale_min" else "scale_min"
            raise scenario.error(("parameters", given[0]), f"give '{missing}' too, or neither")
        if not given:
            return
        lo_q, hi_q = params["scale_min"], params["scale_max"]
        if lo_q.uncertain or hi_q.uncertain:
            raise scenario.error(("parameters", "scale_min"), "the issue scale must be fixed values")
        lo, hi = lo_q.central(), hi_q.central()
        if not hi > lo:
            raise scenario.error(("parameters", "scale_max"), f"scale_max ({hi:g}) must exceed scale_min ({lo:g})")
        for i, a in enumerate(scenario.actors):
            q = a.attributes.get("position")
            if q is None:
                continue
            plo, phi = q.support()
            if plo < lo or phi > hi:
                raise scenario.error(
                    ("actors", i, "attributes", "position"),
                    f"position of '{a.id}' ({q.describe()}) leaves the issue scale [{lo:g}, {hi:g}]",
                )

    # -- run -----------------------------------------------------------------------------
    def setup(self) -> None:
        """Arrays for this run: positions, capabilities, saliences (0-1) and the span."""
        self.x0 = self.attr["position"].astype(float).copy()
        self.x = self.x0.copy()
        self.c = self.attr["capability"].astype(float)
        self.s_raw = self.attr["salience"].astype(float)
        lo, hi = self.p.get("scale_min", np.nan), self.p.get("scale_max", np.nan)
        if np.isfinite(lo) and np.isfinite(hi):
            self.span = float(hi - lo)
        else:
            self.span = float(self.x0.max() - self.x0.min()) or 1.0
        self.mean_position = weighted_mean_position(self.x, self.c, self.s_raw)
        self.median_position = condorcet_median(self.x, self.c, self.s_raw, self.span)[0]
        self.initial_mean, self.initial_median = self.mean_position, self.median_position
        zero = dict.fromkeys(OFFER_KINDS.values(), 0)
        self.offers = dict(zero)
        self.accepted = dict(zero)
        self.total_offers = dict(zero)
        self.moves_total = 0
        self.made = np.zeros(self.n, dtype=np.int64)
        self.caused = np.zeros(self.n, dtype=np.int64)
        self.rounds_run = 0
        self.converged = False

    def reporters(self) -> dict[str, object]:
        """Mean and median position, each actor's position, and offers per kind per round."""
        rep: dict[str, object] = {"mean_position": "mean_position", "median_position": "median_position"}
        for i, aid in enumerate(self.ids):
            rep[f"position.{aid}"] = partial(_actor_position, i=i)
        for kind in OFFER_KINDS.values():
            rep[f"offers.{kind}"] = partial(_count, table="offers", kind=kind)
            rep[f"accepted.{kind}"] = partial(_count, table="accepted", kind=kind)
        return rep

    def advance(self) -> None:
        """One round (B1)-(B14) for all actors at once."""
        norm: Normalisation = "pair" if self.p["pair_normalisation"] >= 0.5 else "all_pairs"
        res = bargaining_round(self.x, self.c, self.s_raw / _SALIENCE_SCALE, self.span, self.p["q"], self.p["t"], norm)
        self.last_round = res
        self.offers = res.offer_counts()
        self.accepted = res.accepted_counts()
        for k, v in self.offers.items():
            self.total_offers[k] += v
        moved = np.flatnonzero(res.chosen >= 0)
        self.moves_total += int(moved.size)
        self.made += (res.kinds > 0).sum(axis=0)
        np.add.at(self.caused, res.chosen[moved], 1)
        change = float(np.max(np.abs(res.x_after - res.x_before), initial=0.0))
        self.x = res.x_after
        self.attr["position"] = self.x  # agents read their current position from here
        self.mean_position = weighted_mean_position(self.x, self.c, self.s_raw)
        self.median_position = condorcet_median(self.x, self.c, self.s_raw, self.span)[0]
        self.rounds_run += 1
        if change <= self.p["tolerance"] * self.span:
            self.converged = True
            self.running = False

    def outcomes(self) -> dict[str, float | bool | str]:
        """Per-run outcomes (see :meth:`outcome_specs`)."""
        out: dict[str, float | bool | str] = {
            "forecast": self.mean_position,
            "final_median": self.median_position,
            "initial_mean": self.initial_mean,
            "initial_median": self.initial_median,
            "confrontations": float(self.total_offers["confrontation"]),
            "compromises": float(self.total_offers["compromise"]),
            "capitulations": float(self.total_offers["capitulation"]),
            "moves": float(self.moves_total),
            "rounds": float(self.rounds_run),
            "converged": self.converged,
        }
        for i, aid in enumerate(self.ids):
            out[f"final_position.{aid}"] = float(self.x[i])
            out[f"challenges_made.{aid}"] = float(self.made[i])
            out[f"moves_caused.{aid}"] = float(self.caused[i])
        return out


def _count(model: BargainingModel, table: str, kind: str) -> int:
    return int(getattr(model, table)[kind])
