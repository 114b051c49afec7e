r"""Iterated cooperate/confront games between pairs of states (the ``games`` mechanism).

Kernel
------
Pairs of states play repeated rounds of a 2x2 game. In each round both sides of every pair move
simultaneously, *cooperate* (C) or *confront* (D). Side :math:`i` of a pair with partner
:math:`j` receives

.. math:: u_i(a_i, a_j) = U_{ij}[a_i, a_j] - \kappa\, w_{ij}\, [a_i = D \lor a_j = D],

where :math:`U_{ij} = \begin{pmatrix} R & S \\ T & P \end{pmatrix}` is the pair's payoff matrix
for side :math:`i` (rows: own move C, D; columns: partner's move C, D), :math:`w_{ij}` an
optional relation (e.g. :math:`i`'s trade dependence on :math:`j`) and :math:`\kappa \ge 0` the
``dependence_cost``: every round in which either side confronts costs :math:`i` an amount
proportional to what it stands to lose from the relation. With :math:`\kappa = 0` the game is
the plain matrix. The cost lowers :math:`T, S, P` by :math:`\kappa w_{ij}` and leaves :math:`R`
unchanged, so a prisoner's dilemma (:math:`T > R > P > S`) stops being one for side
:math:`i` once :math:`\kappa w_{ij} > T - R` (confronting a cooperator no longer pays).

Moves come from each state's *behaviour* (:mod:`simsim.behaviours`), which sees the history of
its own pair only. With execution noise :math:`e`, each chosen move is flipped independently with
probability :math:`e` before it is played; both sides see and score the executed moves (the
match semantics of Axelrod's tournaments and of the ``axelrod`` library).

Optional imitation (evolutionary dynamics): every :math:`k` rounds each state, with probability
:math:`\mu`, compares its mean payoff per game-round over the last :math:`k` rounds with that of
its game partners and adopts the behaviour (and behaviour parameters) of the best-scoring partner
if that partner scored strictly more; ties among best partners are broken at random. All states
revise simultaneously from the pre-revision behaviours.

References
----------
Axelrod, R. (1980). Effective choice in the prisoner's dilemma. *Journal of Conflict Resolution*
24(1): 3-25. Axelrod, R. (1984). *The Evolution of Cooperation*. Basic Books.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from simsim.behaviours import BUILTIN_BEHAVIOURS, Behaviour, PairHistory
from simsim.model import DiplomacyModel, OutcomeSpec, Param, ReporterSpec
from simsim.registry import register_mechanism
from simsim.scenario.schema import EventSpec, Scenario

__all__ = [
    "NAMED_GAMES",
    "GameEngine",
    "GamesConfig",
    "GamesModel",
    "MatchResult",
    "SetBehaviour",
    "all_pairs",
    "behaviour_instance",
    "imitate",
    "pair_payoffs",
    "pairs_from_relation",
    "parse_settings",
    "payoff_matrix",
    "play_match",
    "round_robin",
    "slot_payoffs",
]

NAMED_GAMES: dict[str, dict[str, float]] = {
    "prisoners_dilemma": {"R": 3.0, "S": 0.0, "T": 5.0, "P": 1.0},
    "chicken": {"R": 3.0, "S": 1.0, "T": 5.0, "P": 0.0},
    "stag_hunt": {"R": 5.0, "S": 0.0, "T": 3.0, "P": 1.0},
    "harmony": {"R": 5.0, "S": 3.0, "T": 1.0, "P": 0.0},
}
"""Symmetric named games: the payoffs {5, 3, 1, 0} ordered as each game requires.

prisoner's dilemma T > R > P > S (Axelrod's 5, 3, 1, 0); chicken T > R > S > P; stag hunt
R > T > P > S; harmony R > S > T > P (cooperation dominant). Orderings as classified by
Rapoport & Guyer (1966), A taxonomy of 2x2 games, *General Systems* 11: 203-214.
"""


def payoff_matrix(R: float, S: float, T: float, P: float) -> np.ndarray:
    """One side's 2x2 payoff matrix ``[[R, S], [T, P]]`` (rows own move C, D; columns partner's).

    Parameters
    ----------
    R, S, T, P : float
        Reward (both cooperate), sucker's payoff (cooperate against confront), temptation
        (confront against cooperate), punishment (both confront).

    Returns
    -------
    numpy.ndarray, shape (2, 2)
    """
    return np.array([[R, S], [T, P]], dtype=float)


def all_pairs(n: int, self_play: bool = False) -> np.ndarray:
    """Every unordered pair ``(i, j)``, ``i < j`` (and ``(i, i)`` if ``self_play``), row-major.

    Parameters
    ----------
    n : int
        Number of states.
    self_play : bool
        Add a pair of each state with itself (Axelrod's tournaments had each entry play its twin).

    Returns
    -------
    numpy.ndarray of int, shape (pairs, 2)
    """
    k = 0 if self_play else 1
    i, j = np.triu_indices(n, k=k)
    return np.column_stack([i, j]).astype(np.intp)


def pairs_from_relation(relation: np.ndarray) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, joined by a nonzero edge of a relation in either direction.

    Parameters
    ----------
    relation : numpy.ndarray, shape (n, n)

    Returns
    -------
    numpy.ndarray of int, shape (pairs, 2)
    """
    rel = np.asarray(relation)
    linked = (rel != 0) | (rel.T != 0)
    i, j = np.nonzero(np.triu(linked, k=1))
    return np.column_stack([i, j]).astype(np.intp)


def pair_payoffs(n_pairs: int, game: str = "prisoners_dilemma") -> np.ndarray:
    """Payoff tensor of ``n_pairs`` pairs all playing one named symmetric game.

    Parameters
    ----------
    n_pairs : int
    game : str
        A key of :data:`NAMED_GAMES`.

    Returns
    -------
    numpy.ndarray, shape (n_pairs, 2, 2, 2)
        ``U[p, side, own_move, partner_move]``.
    """
    m = payoff_matrix(**NAMED_GAMES[game])
    return np.broadcast_to(m, (n_pairs, 2, 2, 2)).copy()


_CONFRONT_OUTCOME = np.array([[0.0, 1.0], [1.0, 1.0]])  # [own, partner]: any confrontation


def slot_payoffs(
    pairs: np.ndarray,
    payoffs: np.ndarray,
    dependence: np.ndarray | None = None,
    cost: float = 0.0,
) -> np.ndarray:
    r"""Each slot's effective payoff matrix, with the dependence cost applied.

    Slot ``2p`` is side 0 (state ``pairs[p, 0]``) and slot ``2p + 1`` side 1 of pair ``p``.
    The effective matrix is :math:`U - \kappa\, w_{ij}\,[a_i = D \lor a_j = D]`.

    Parameters
    ----------
    pairs : numpy.ndarray of int, shape (pairs, 2)
    payoffs : numpy.ndarray, shape (pairs, 2, 2, 2)
        ``U[p, side, own_move, partner_move]``.
    dependence : numpy.ndarray, shape (n, n), optional
        Relation :math:`w`; ``w[i, j]`` scales the cost to ``i`` of confrontation with ``j``.
    cost : float
        :math:`\kappa`, the cost per unit of ``w`` of a round with any confrontation.

    Returns
    -------
    numpy.ndarray, shape (2 * pairs, 2, 2)
    """
    out = np.asarray(payoffs, dtype=float).reshape(-1, 2, 2).copy()
    if dependence is not None and cost != 0.0:
        me = pairs.reshape(-1)
        other = pairs[:, ::-1].reshape(-1)
        w = np.asarray(dependence, dtype=float)[me, other]
        out -= (cost * w)[:, None, None] * _CONFRONT_OUTCOME
    return out


def imitate(
    score: np.ndarray,
    neighbours: np.ndarray,
    probability: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Which state each state copies in one imitation step (``-1`` = keeps its behaviour).

    Each state revises with probability ``probability``; a revising state looks at its
    neighbours, picks the best-scoring one (ties broken uniformly at random) and copies it only
    if that neighbour's score is strictly higher than its own. Revisions are simultaneous.

    Parameters
    ----------
    score : numpy.ndarray of float, shape (n,)
        Each state's score over the imitation window (mean payoff per game-round).
    neighbours : numpy.ndarray of bool, shape (n, n)
        ``neighbours[i, j]``: ``j`` is a game partner of ``i`` (diagonal ignored).
    probability : float
        Revision probability (mu) per state per imitation step.
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray of int, shape (n,)
        Index of the state copied, or ``-1``.
    """
    score = np.asarray(score, dtype=float)
    n = score.shape[0]
    nb = np.asarray(neighbours, dtype=bool).copy()
    np.fill_diagonal(nb, False)
    revise = rng.random(n) < probability
    tie = rng.random((n, n))
    cand = np.where(nb, score[None, :], -np.inf)
    best = cand.max(axis=1) if n else np.zeros(0)
    is_best = nb & (cand == best[:, None])
    pick = np.argmax(np.where(is_best, tie, -1.0), axis=1) if n else np.zeros(0, dtype=np.intp)
    copy = revise & nb.any(axis=1) & (best > score)
    return np.where(copy, pick, -1).astype(np.intp)


def behaviour_instance(behaviour: str | Behaviour | type[Behaviour]) -> Behaviour:
    """A behaviour instance from a registry name, a class or an instance.

    Parameters
    ----------
    behaviour : str or Behaviour or type
        Registry name (e.g. ``"tit_for_tat"``), a :class:`Behaviour` subclass or instance.

    Returns
    -------
    Behaviour

    Raises
    ------
    simsim.errors.SimsimError
        If no behaviour is registered under the name.
    """
    if isinstance(behaviour, Behaviour):
        return behaviour
    if isinstance(behaviour, type) and issubclass(behaviour, Behaviour):
        return behaviour()
    from simsim.registry import get_behaviour

    cls = get_behaviour(str(behaviour))
    return cls()


class GameEngine:
    """Arrays and one-round update of many iterated games played simultaneously.

    Parameters
    ----------
    n : int
        Number of states.
    pairs : numpy.ndarray of int, shape (pairs, 2)
        The games; a pair ``(i, i)`` is a game of a state against a twin of itself.
    payoff : numpy.ndarray, shape (2 * pairs, 2, 2)
        Each slot's payoff matrix (see :func:`slot_payoffs`).
    behaviours : Sequence[Behaviour]
        The distinct behaviours in use; ``code`` indexes into it.
    code : numpy.ndarray of int, shape (n,)
        Each state's behaviour.
    params : Mapping[str, numpy.ndarray], optional
        Behaviour parameters per state (arrays of shape (n,)).

    Attributes
    ----------
    history : PairHistory
        What each slot knows (its pair's history).
    total : numpy.ndarray, shape (n,)
        Cumulative payoff of each state (a self-play game counts the mean of its two sides).
    window : numpy.ndarray, shape (n,)
        Payoff since the last imitation step.
    games : numpy.ndarray, shape (n,)
        Number of games each state plays per round.
    pair_cooperations : numpy.ndarray of int, shape (pairs,)
        Cooperative moves made in each pair so far (0 to 2 per round).
    pair_mutual_confrontations : numpy.ndarray of int, shape (pairs,)
        Rounds in which both sides of the pair confronted.
    last_moves : numpy.ndarray of bool, shape (2 * pairs,)
        Executed moves of the last round.
    slot_total : numpy.ndarray, shape (2 * pairs,)
        Cumulative payoff of each slot (each side of each game).
    flips : int
        Number of moves flipped by execution noise so far.
    """

    def __init__(
        self,
        n: int,
        pairs: np.ndarray,
        payoff: np.ndarray,
        behaviours: Sequence[Behaviour],
        code: np.ndarray,
        params: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.n = int(n)
        self.pairs = np.asarray(pairs, dtype=np.intp).reshape(-1, 2)
        n_slots = 2 * self.pairs.shape[0]
        self.slot_actor = self.pairs.reshape(-1)
        self.partner = np.arange(n_slots, dtype=np.intp) ^ 1
        self_pair = self.pairs[:, 0] == self.pairs[:, 1]
        self.slot_weight = np.where(np.repeat(self_pair, 2), 0.5, 1.0)
        self.games = np.bincount(self.slot_actor, weights=self.slot_weight, minlength=self.n)
        self.behaviours = list(behaviours)
        self.code = np.asarray(code, dtype=np.intp).copy()
        self.actor_params = {k: np.asarray(v, dtype=float).copy() for k, v in (params or {}).items()}
        self.history = PairHistory.empty(payoff)
        self.total = np.zeros(self.n)
        self.window = np.zeros(self.n)
        self.window_rounds = 0
        self.pair_cooperations = np.zeros(self.pairs.shape[0], dtype=np.int64)
        self.pair_mutual_confrontations = np.zeros(self.pairs.shape[0], dtype=np.int64)
        self.last_moves = np.zeros(n_slots, dtype=bool)
        self.last_payoff = np.zeros(n_slots)
        self.slot_total = np.zeros(n_slots)
        self.flips = 0
        self._regroup()

    def _regroup(self) -> None:
        """Recompute slot groups per behaviour and per-slot parameters after a change."""
        slot_code = self.code[self.slot_actor]
        self.groups = [
            (self.behaviours[k], np.flatnonzero(slot_code == k)) for k in range(len(self.behaviours))
        ]
        self.groups = [(b, sel) for b, sel in self.groups if sel.size]
        self.history.params = {k: v[self.slot_actor] for k, v in self.actor_params.items()}

    def set_payoff(self, payoff: np.ndarray) -> None:
        """Replace the slots' payoff matrices (e.g. after a parameter or relation change)."""
        self.history.payoff = np.asarray(payoff, dtype=float)

    def decide(self, rng: np.random.Generator | None = None, uniforms: np.ndarray | None = None) -> np.ndarray:
        """Intended moves of every slot for the next round (before execution noise).

        Stochastic behaviours draw one uniform per slot: from ``rng``, or, when ``uniforms``
        (one per slot) is given, slot ``s`` uses ``uniforms[s]`` whatever the other slots do.
        """
        moves = np.zeros(self.slot_actor.shape[0], dtype=bool)
        for behaviour, sel in self.groups:
            source: Any = rng if uniforms is None else PresetUniforms(uniforms[sel])
            moves[sel] = behaviour.decide(self.history, sel, source)
        return moves

    def play_round(self, rng: np.random.Generator, noise: float = 0.0) -> np.ndarray:
        """Play one simultaneous round in every pair and update all records.

        Parameters
        ----------
        rng : numpy.random.Generator
            The run's generator.
        noise : float
            Execution noise :math:`e`: each chosen move flips with this probability.

        Returns
        -------
        numpy.ndarray of bool, shape (2 * pairs,)
            Executed moves (``True`` = confront).
        """
        moves = self.decide(rng)
        if noise > 0.0:
            flip = rng.random(moves.shape[0]) < noise
            self.flips += int(np.count_nonzero(flip))
            moves ^= flip
        return self.execute(moves)

    def execute(self, moves: np.ndarray) -> np.ndarray:
        """Record one round of executed ``moves`` (after any noise) in every pair; return them."""
        pay = self.history.record(moves, self.partner)
        per_actor = np.bincount(self.slot_actor, weights=pay * self.slot_weight, minlength=self.n)
        self.total += per_actor
        self.window += per_actor
        self.window_rounds += 1
        side = moves.reshape(-1, 2)
        self.pair_cooperations += 2 - side.sum(axis=1)
        self.pair_mutual_confrontations += side.all(axis=1)
        self.slot_total += pay
        self.last_moves = moves
        self.last_payoff = pay
        return moves

    def neighbours(self) -> np.ndarray:
        """Boolean (n, n) matrix of game partners (self-play games excluded)."""
        nb = np.zeros((self.n, self.n), dtype=bool)
        i, j = self.pairs[:, 0], self.pairs[:, 1]
        nb[i, j] = True
        nb[j, i] = True
        np.fill_diagonal(nb, False)
        return nb

    def window_score(self) -> np.ndarray:
        """Mean payoff per game-round since the last imitation step (0 for states without games)."""
        denom = self.games * max(self.window_rounds, 1)
        return np.divide(self.window, denom, out=np.zeros(self.n), where=denom > 0)

    def imitation_step(self, probability: float, rng: np.random.Generator) -> np.ndarray:
        """Let states copy better-scoring partners (see :func:`imitate`) and reset the window.

        Returns
        -------
        numpy.ndarray of int, shape (n,)
            The state each state copied, or ``-1``.
        """
        source = imitate(self.window_score(), self.neighbours(), probability, rng)
        self.copy_behaviours(source)
        self.window[:] = 0.0
        self.window_rounds = 0
        return source

    def copy_behaviours(self, source: np.ndarray) -> None:
        """State ``i`` takes the behaviour (and its parameters) of state ``source[i]`` where it is >= 0."""
        changed = source >= 0
        if changed.any():
            self.code[changed] = self.code[source[changed]]
            for values in self.actor_params.values():
                values[changed] = values[source[changed]]
            self._regroup()


class PresetUniforms:
    """Stands in for a generator in :meth:`Behaviour.decide`: serves uniforms drawn beforehand.

    A behaviour draws ``rng.random(len(sel))`` once per decision; given the selected slots'
    preset uniforms, each slot's decision depends only on its own uniform.
    """

    def __init__(self, values: np.ndarray) -> None:
        self.values = np.asarray(values, dtype=float)

    def random(self, size: int | tuple[int, ...] | None = None) -> np.ndarray:
        """The preset uniforms (``size`` must match their number)."""
        n = int(np.prod(size)) if size is not None else 1
        if n != self.values.size:
            raise ValueError(f"{n} uniforms asked for, {self.values.size} preset")
        return self.values.reshape(() if size is None else size)


@dataclass(frozen=True)
class MatchResult:
    """Outcome of one match between two behaviours.

    Attributes
    ----------
    moves : numpy.ndarray of bool, shape (rounds, 2)
        Executed moves per round (``True`` = confront), first player in column 0.
    payoffs : numpy.ndarray, shape (rounds, 2)
        Payoff of each player per round.
    """

    moves: np.ndarray
    payoffs: np.ndarray

    @property
    def scores(self) -> tuple[float, float]:
        """Total payoff of each player."""
        total = self.payoffs.sum(axis=0)
        return float(total[0]), float(total[1])

    def actions(self) -> list[str]:
        """Moves as strings ``"CD"`` per round (first player, second player)."""
        letters = np.where(self.moves, "D", "C")
        return ["".join(row) for row in letters]


def _as_matrix(payoff: str | Mapping[str, float] | np.ndarray) -> np.ndarray:
    if isinstance(payoff, str):
        return payoff_matrix(**NAMED_GAMES[payoff])
    if isinstance(payoff, Mapping):
        return payoff_matrix(**{k: float(payoff[k]) for k in ("R", "S", "T", "P")})
    return np.asarray(payoff, dtype=float).reshape(2, 2)


def play_match(
    first: str | Behaviour | type[Behaviour],
    second: str | Behaviour | type[Behaviour],
    rounds: int = 200,
    payoff: str | Mapping[str, float] | np.ndarray = "prisoners_dilemma",
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
    params: Mapping[str, Sequence[float]] | None = None,
) -> MatchResult:
    """Play one iterated match between two behaviours (the semantics of Axelrod's tournaments).

    Parameters
    ----------
    first, second : str or Behaviour or type
        The two behaviours (registry names, classes or instances).
    rounds : int
        Number of rounds (Axelrod 1980: 200).
    payoff : str or Mapping or numpy.ndarray
        A named game, ``{"R", "S", "T", "P"}``, or a 2x2 matrix, used by both sides.
    noise : float
        Execution noise (probability each chosen move flips).
    rng : numpy.random.Generator, optional
        Needed when a behaviour is stochastic or ``noise > 0``.
    params : Mapping[str, Sequence[float]], optional
        Behaviour parameters as ``name -> (value for first, value for second)``.

    Returns
    -------
    MatchResult
    """
    b1, b2 = behaviour_instance(first), behaviour_instance(second)
    if rng is None:
        rng = np.random.default_rng(np.random.SeedSequence(0))
    m = _as_matrix(payoff)
    payoffs = np.broadcast_to(m, (2, 2, 2)).copy()
    if type(b1) is type(b2):
        behaviours, code = [b1], np.array([0, 0])
    else:
        behaviours, code = [b1, b2], np.array([0, 1])
    engine = GameEngine(
        2,
        np.array([[0, 1]]),
        payoffs,
        behaviours,
        code,
        {k: np.asarray(v, dtype=float) for k, v in (params or {}).items()},
    )
    moves = np.zeros((rounds, 2), dtype=bool)
    pays = np.zeros((rounds, 2))
    for t in range(rounds):
        moves[t] = engine.play_round(rng, noise)
        pays[t] = engine.last_payoff
    return MatchResult(moves=moves, payoffs=pays)


def round_robin(
    behaviours: Sequence[str | Behaviour | type[Behaviour]],
    rounds: int = 200,
    payoff: str | Mapping[str, float] | np.ndarray = "prisoners_dilemma",
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
    self_play: bool = True,
) -> np.ndarray:
    """Score matrix of a round-robin tournament, every match played simultaneously.

    Parameters
    ----------
    behaviours : Sequence
        The entrants (one state per entry; an entry may appear more than once).
    rounds : int
        Rounds per match.
    payoff, noise, rng
        As in :func:`play_match`.
    self_play : bool
        Each entry also plays a twin of itself, as in Axelrod (1980).

    Returns
    -------
    numpy.ndarray, shape (n, n)
        ``M[i, j]``: total payoff of entry ``i`` in its match against ``j`` (for ``i == j``, the
        mean of the twin's two sides).
    """
    if rng is None:
        rng = np.random.default_rng(np.random.SeedSequence(0))
    entries = [behaviour_instance(b) for b in behaviours]
    distinct: list[Behaviour] = []
    code = np.zeros(len(entries), dtype=np.intp)
    for k, b in enumerate(entries):
        if b not in distinct:
            distinct.append(b)
        code[k] = distinct.index(b)
    n = len(entries)
    pairs = all_pairs(n, self_play=self_play)
    m = _as_matrix(payoff)
    engine = GameEngine(n, pairs, np.broadcast_to(m, (2 * len(pairs), 2, 2)).copy(), distinct, code)
    for _ in range(rounds):
        engine.play_round(rng, noise)
    out = np.zeros((n, n))
    side = engine.slot_total.reshape(-1, 2)
    i, j = pairs[:, 0], pairs[:, 1]
    out[i, j] = side[:, 0]
    out[j, i] = side[:, 1]
    diag = i == j
    out[i[diag], i[diag]] = side[diag].mean(axis=1)
    return out


# ============================================================================================
# The Mesa model
# ============================================================================================

_PAYOFF_KEYS = ("R", "S", "T", "P")
_SETTINGS_KEYS = ("game", "network", "dependence", "self_play", "behaviour", "pairs")
_PAIR_KEYS = ("between", "game", "payoffs", "source", "assumption", "note")


def _behaviour_classes() -> dict[str, type[Behaviour]]:
    from simsim.registry import behaviours

    return {k: v for k, v in behaviours().items() if isinstance(v, type) and issubclass(v, Behaviour)}


def _behaviour_parameters() -> dict[str, Param]:
    """Mechanism parameters that give every behaviour parameter a scenario-wide default."""
    out: dict[str, Param] = {}
    for cls in BUILTIN_BEHAVIOURS:
        for pname, spec in cls.parameters.items():
            out[pname] = Param(spec.default, spec.low, spec.high,
                               f"{spec.doc} Default for states that do not set it in behaviour_params.")
    return out


class SetBehaviour(EventSpec):
    """Event ``set_behaviour``: ``actor`` follows ``behaviour`` from this step on."""

    actor_fields: ClassVar[tuple[str, ...]] = ("actor",)
    actor: str
    behaviour: str


@dataclass(frozen=True)
class GamesConfig:
    """The validated ``settings:`` of a ``games`` scenario (see :meth:`GamesModel.config`).

    Attributes
    ----------
    game : str
        Named game of every pair not listed in ``pairs``.
    network : str or None
        Relation whose nonzero edges (either direction) define the pairs; ``None``: all pairs.
    dependence : str or None
        Relation :math:`w` that scales the cost of confrontation (``dependence_cost``).
    self_play : bool
        Each state also plays a twin of itself (tournament structure of Axelrod 1980).
    behaviour : str or None
        Behaviour of actors that do not name one.
    pair_payoffs : dict
        ``(i, j) -> 2x2x2 array`` of per-pair payoffs ``[side, own, partner]`` for listed pairs.
    """

    game: str
    network: str | None
    dependence: str | None
    self_play: bool
    behaviour: str | None
    pair_payoffs: dict[tuple[int, int], np.ndarray]


def _number(scn: Scenario, path: tuple[Any, ...], value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise scn.error(path, f"must be a finite number (got {value!r})")
    return float(value)


def _rstp(scn: Scenario, path: tuple[Any, ...], spec: Any) -> np.ndarray:
    if not isinstance(spec, Mapping):
        raise scn.error(path, "a payoff matrix is a mapping {R: .., S: .., T: .., P: ..}")
    unknown = [k for k in spec if k not in _PAYOFF_KEYS]
    if unknown:
        raise scn.error((*path, unknown[0]), f"unknown payoff '{unknown[0]}'; a payoff matrix has R, S, T, P")
    missing = [k for k in _PAYOFF_KEYS if k not in spec]
    if missing:
        raise scn.error(path, f"payoff matrix needs R, S, T and P (missing {', '.join(missing)})")
    v = {k: _number(scn, (*path, k), spec[k]) for k in _PAYOFF_KEYS}
    return payoff_matrix(**v)


def _name(scn: Scenario, path: tuple[Any, ...], value: Any) -> str:
    """``value`` if it is a name (text); a list, mapping or number where a name belongs is a located error."""
    if not isinstance(value, str):
        raise scn.error(path, f"expected a name, not {type(value).__name__} ({value!r})")
    return value


def parse_settings(scn: Scenario) -> GamesConfig:
    """Validate a scenario's ``settings:`` for the ``games`` mechanism.

    Parameters
    ----------
    scn : Scenario

    Returns
    -------
    GamesConfig

    Raises
    ------
    ScenarioError
        The first problem, naming file, line and key.
    """
    raw = scn.settings
    if not isinstance(raw, Mapping):
        raise scn.error(("settings",), "settings must be a mapping")
    for key in raw:
        if key not in _SETTINGS_KEYS:
            raise scn.error(("settings", key),
                            f"unknown setting '{key}' for mechanism 'games'; known: {', '.join(_SETTINGS_KEYS)}")
    game = _name(scn, ("settings", "game"), raw.get("game", "prisoners_dilemma"))
    if game not in NAMED_GAMES:
        raise scn.error(("settings", "game"), f"unknown game {game!r}; known: {', '.join(NAMED_GAMES)}")
    rel_names = set(scn.relations)
    names: dict[str, str | None] = {}
    for key in ("network", "dependence"):
        val = raw.get(key)
        if val is not None and _name(scn, ("settings", key), val) not in rel_names:
            raise scn.error(("settings", key), f"'{val}' is not a relation of this scenario; "
                                               f"known: {', '.join(sorted(rel_names)) or 'none'}")
        names[key] = val
    self_play = raw.get("self_play", False)
    if not isinstance(self_play, bool):
        raise scn.error(("settings", "self_play"), "self_play must be true or false")
    known = _behaviour_classes()
    default_beh = raw.get("behaviour")
    if default_beh is not None and _name(scn, ("settings", "behaviour"), default_beh) not in known:
        raise scn.error(("settings", "behaviour"), f"unknown behaviour {default_beh!r}; known: {', '.join(known)}")
    idx = {a: i for i, a in enumerate(scn.ids)}
    sources = {s.id for s in scn.sources}
    pairs_raw = raw.get("pairs", ()) or ()
    if not isinstance(pairs_raw, (list, tuple)):
        raise scn.error(("settings", "pairs"), "pairs must be a list of {between: [A, B], game: ..} entries")
    pair_payoffs: dict[tuple[int, int], np.ndarray] = {}
    for k, entry in enumerate(pairs_raw):
        path = ("settings", "pairs", k)
        if not isinstance(entry, Mapping):
            raise scn.error(path, "each pair is a mapping {between: [A, B], game: .. or payoffs: ..}")
        for key in entry:
            if key not in _PAIR_KEYS:
                raise scn.error((*path, key), f"unknown key '{key}' in a pair; known: {', '.join(_PAIR_KEYS)}")
        between = entry.get("between")
        if not isinstance(between, (list, tuple)) or len(between) != 2:
            raise scn.error((*path, "between"), "between must list two actor ids, e.g. [USA, CHN]")
        for m, aid in enumerate(between):
            if _name(scn, (*path, "between", m), aid) not in idx:
                raise scn.error((*path, "between", m), f"unknown actor {aid!r}")
        a, b = between
        if a == b:
            raise scn.error((*path, "between"), "a pair needs two different actors")
        i, j = idx[a], idx[b]
        key2 = (min(i, j), max(i, j))
        if key2 in pair_payoffs:
            raise scn.error((*path, "between"), f"pair {a}-{b} is listed twice")
        if ("game" in entry) == ("payoffs" in entry):
            raise scn.error(path, "give exactly one of 'game' (a named game) or 'payoffs'")
        if entry.get("source") is None and entry.get("assumption") is not True:
            raise scn.error(path, "say where this game comes from: 'source: <id>' or 'assumption: true'")
        if entry.get("source") is not None and _name(scn, (*path, "source"), entry["source"]) not in sources:
            raise scn.error((*path, "source"), f"unknown source {entry['source']!r}")
        if "game" in entry:
            if _name(scn, (*path, "game"), entry["game"]) not in NAMED_GAMES:
                raise scn.error((*path, "game"), f"unknown game {entry['game']!r}; known: {', '.join(NAMED_GAMES)}")
            m0 = m1 = payoff_matrix(**NAMED_GAMES[entry["game"]])
        else:
            spec = entry["payoffs"]
            ppath = (*path, "payoffs")
            if isinstance(spec, Mapping) and set(spec) & {a, b}:
                if set(spec) != {a, b}:
                    raise scn.error(ppath, f"per-side payoffs need exactly the keys {a} and {b}")
                m_a, m_b = _rstp(scn, (*ppath, a), spec[a]), _rstp(scn, (*ppath, b), spec[b])
            else:
                m_a = m_b = _rstp(scn, ppath, spec)
            m0, m1 = (m_a, m_b) if i < j else (m_b, m_a)
        pair_payoffs[key2] = np.stack([m0, m1])
    return GamesConfig(game, names["network"], names["dependence"], self_play, default_beh, pair_payoffs)


@register_mechanism
class GamesModel(DiplomacyModel):
    r"""Iterated cooperate/confront games between pairs of states, each following a behaviour.

    Every step is one simultaneous round in every pair. Side :math:`i` of pair :math:`(i, j)`
    receives :math:`u_i = U_{ij}[a_i, a_j] - \kappa\, w_{ij}\,[a_i = D \lor a_j = D]` with the
    pair's payoff matrix :math:`U_{ij} = ((R, S), (T, P))` (a named game or given per pair), the
    relation :math:`w` named by ``settings.dependence`` and :math:`\kappa` = ``dependence_cost``.
    Each state's behaviour (:mod:`simsim.behaviours`) chooses its move from its pair's history;
    each chosen move flips with probability ``noise``. Every ``imitation_interval`` rounds each
    state, with probability ``imitation_probability``, adopts the behaviour of its best-scoring
    partner if that partner's mean payoff per game-round in the window was strictly higher
    (Nowak & May 1992). Match semantics as in Axelrod (1980): simultaneous moves, pair history
    only, first move as the behaviour defines.

    Citation: Axelrod, R. (1980), Effective choice in the prisoner's dilemma, *Journal of
    Conflict Resolution* 24(1): 3-25; Axelrod, R. (1984), *The Evolution of Cooperation*.
    Full description: ``docs/mechanisms/games.md``.
    """

    name = "games"
    citation = (
        "Axelrod, R. (1980). Effective choice in the prisoner's dilemma. Journal of Conflict "
        "Resolution 24(1): 3-25; Axelrod, R. (1984). The Evolution of Cooperation. Basic Books."
    )
    parameters: ClassVar[dict[str, Param]] = {
        "noise": Param(0.0, 0.0, 0.5, "Execution noise e: probability that a chosen move flips."),
        "dependence_cost": Param(0.0, 0.0, None, "kappa: cost to i of a round with any confrontation, "
                                                 "per unit of the dependence relation w_ij."),
        "imitation_interval": Param(0, 0, 1_000_000, "Rounds between imitation steps k (0: no imitation).",
                                    integer=True),
        "imitation_probability": Param(1.0, 0.0, 1.0, "Probability mu that a state revises at an imitation step."),
        **_behaviour_parameters(),
    }
    event_types: ClassVar[dict[str, type[EventSpec]]] = {"set_behaviour": SetBehaviour}
    main_reporters = ("cooperation_rate",)

    @classmethod
    def reporter_specs(cls, scenario: Scenario) -> list[ReporterSpec]:
        """Labels and units of the per-round reporters."""
        specs = [ReporterSpec("cooperation_rate", "Cooperation rate this round", "share of moves (0-1)"),
                 ReporterSpec("mutual_confrontation_rate", "Mutual confrontations this round",
                              "share of pairs (0-1)"),
                 ReporterSpec("mean_payoff", "Mean payoff per state and game this round", "payoff points")]
        return specs + [ReporterSpec(f"share.{b}", f"States following {b}", "share of states (0-1)")
                        for b in cls._behaviour_names(scenario)]
    uses_settings: ClassVar[bool] = True  # reads `settings:` (see parse_settings)
    open_relations: ClassVar[bool] = True  # the relations it reads are named in `settings:`

    # -- declarations that depend on the scenario ------------------------------------------
    @classmethod
    def config(cls, scenario: Scenario) -> GamesConfig:
        """The validated ``settings:`` of ``scenario``."""
        return parse_settings(scenario)

    @staticmethod
    def _actor_behaviours(scenario: Scenario) -> list[str]:
        raw = scenario.settings
        default = raw.get("behaviour") if isinstance(raw, Mapping) else None
        return [a.behaviour or default or "" for a in scenario.actors]

    @classmethod
    def _behaviour_names(cls, scenario: Scenario) -> list[str]:
        """Behaviours that can appear in a run (initial ones and those set by events)."""
        names = cls._actor_behaviours(scenario)
        for ev in scenario.events:
            beh = getattr(ev, "behaviour", None)
            if ev.type == "set_behaviour" and isinstance(beh, str):
                names.append(beh)
        return [n for n in dict.fromkeys(names) if n]

    @classmethod
    def _pairs(cls, scenario: Scenario, cfg: GamesConfig | None = None) -> np.ndarray:
        cfg = cfg or parse_settings(scenario)
        n = len(scenario.actors)
        if cfg.network is None:
            return all_pairs(n, cfg.self_play)
        from simsim.model import design_of

        pairs = pairs_from_relation(design_of(scenario).rel[cfg.network])
        if cfg.self_play:
            pairs = np.vstack([pairs, np.column_stack([np.arange(n), np.arange(n)])])
            pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
        return pairs

    @classmethod
    def check(cls, scenario: Scenario) -> None:
        """Validate settings, behaviours, behaviour parameters and per-pair games."""
        cfg = parse_settings(scenario)
        known = _behaviour_classes()
        for i, a in enumerate(scenario.actors):
            beh = a.behaviour or cfg.behaviour
            if beh is None:
                raise scenario.error(("actors", i), f"actor '{a.id}' needs a behaviour (or set settings.behaviour); "
                                                    f"known: {', '.join(known)}")
            if beh not in known:
                raise scenario.error(("actors", i, "behaviour"),
                                     f"unknown behaviour {beh!r}; known: {', '.join(known)}")
            allowed = known[beh].parameters
            for pname, q in a.behaviour_params.items():
                path = ("actors", i, "behaviour_params", pname)
                if pname not in allowed:
                    raise scenario.error(path, f"behaviour '{beh}' has no parameter '{pname}'; "
                                               f"it has: {', '.join(allowed) or 'none'}")
                lo, hi = q.support()
                spec = allowed[pname]
                if lo < spec.low or hi > spec.high:
                    raise scenario.error(path, f"'{pname}' must lie in [{spec.low:g}, {spec.high:g}] "
                                               f"but {q.describe()} reaches [{lo:g}, {hi:g}]")
        for k, ev in enumerate(scenario.events):
            if isinstance(ev, SetBehaviour) and ev.behaviour not in known:
                raise scenario.error(("events", k, "behaviour"), f"unknown behaviour {ev.behaviour!r}; "
                                                                 f"known: {', '.join(known)}")
        if cfg.pair_payoffs:
            linked = {tuple(p) for p in cls._pairs(scenario, cfg).tolist()}
            raw_pairs = scenario.settings["pairs"]  # type: ignore[attr-defined]
            for k, key in enumerate(cfg.pair_payoffs):
                if key not in linked:
                    raise scenario.error(("settings", "pairs", k, "between"),
                                         f"{'-'.join(raw_pairs[k]['between'])} do not play: they are not linked "
                                         f"in relation '{cfg.network}'")
        if len(cls._pairs(scenario, cfg)) == 0:
            raise scenario.error(("settings", "network") if cfg.network else ("actors",), "no pair of actors plays")

    @classmethod
    def outcome_specs(cls, scenario: Scenario) -> list[OutcomeSpec]:
        """Cooperation (overall and per pair), payoffs per state, shares of behaviours, top scorer."""
        ids = scenario.ids
        names = {a.id: a.name for a in scenario.actors}
        specs = [
            OutcomeSpec("cooperation_rate", "number", "Share of cooperative moves over all rounds and pairs.",
                        label="Cooperation rate over all rounds and pairs", unit="share of moves (0-1)"),
            OutcomeSpec("mutual_confrontations", "number", "Pair-rounds in which both sides confronted.",
                        label="Mutual confrontations", unit="pair-rounds"),
            OutcomeSpec("top_scorer", "category", "State with the highest cumulative payoff (first in order on ties).",
                        tuple(ids), label="Top scorer", unit=""),
        ]
        specs += [OutcomeSpec(f"payoff.{a}", "number", f"Cumulative payoff of {a}.",
                              label=f"Cumulative payoff of {names[a]}", unit="payoff points") for a in ids]
        for i, j in cls._pairs(scenario).tolist():
            if i != j:
                specs.append(OutcomeSpec(f"cooperation_rate.{ids[i]}-{ids[j]}", "number",
                                         f"Share of cooperative moves in the game {ids[i]}-{ids[j]}.",
                                         label=f"Cooperation rate, {names[ids[i]]} - {names[ids[j]]}",
                                         unit="share of moves (0-1)"))
        specs += [OutcomeSpec(f"share.{b}", "number", f"Share of states following {b} at the end.",
                              label=f"States following {b} at the end", unit="share of states (0-1)")
                  for b in cls._behaviour_names(scenario)]
        return specs

    # -- the model: R runs side by side ----------------------------------------------------
    vectorised = True

    def setup(self) -> None:
        """Build the pairs, payoff matrices, behaviours and one :class:`GameEngine` for all runs.

        Run ``r``'s states are engine states ``r * n .. r * n + n - 1`` and its games the pairs
        offset by ``r * n``; every array of the engine is thus the runs' arrays laid end to end.
        """
        R, n = self.R, self.n
        self.p = {k: np.broadcast_to(np.asarray(v, dtype=float), (R,)).copy() for k, v in self.p.items()}
        cfg = parse_settings(self.spec)
        self.cfg = cfg
        self.pairs = self._pairs(self.spec, cfg)
        P = len(self.pairs)
        base = pair_payoffs(P, cfg.game)
        for p, (i, j) in enumerate(self.pairs.tolist()):
            if (i, j) in cfg.pair_payoffs:
                base[p] = cfg.pair_payoffs[(i, j)]
        self.base_payoffs = base
        self._real_pair = self.pairs[:, 0] != self.pairs[:, 1]
        self._n_real = int(self._real_pair.sum())
        names = self._behaviour_names(self.spec)
        classes = _behaviour_classes()
        self.behaviour_list = [classes[b]() for b in names]
        code = np.array([names.index(b) for b in self._actor_behaviours(self.spec)], dtype=np.intp)
        params: dict[str, np.ndarray] = {}
        for pname in {p for b in self.behaviour_list for p in b.parameters}:
            default = self.p[pname] if pname in self.p else np.full(R, next(
                b.parameters[pname].default for b in self.behaviour_list if pname in b.parameters))
            per_state = [np.broadcast_to(np.asarray(bp.get(pname, default), dtype=float), (R,))
                         for bp in self.behaviour_params]
            params[pname] = np.stack(per_state, axis=1).reshape(-1)  # (R * n,), run-major
        offset = (np.arange(R, dtype=np.intp) * n)[:, None, None]
        all_pairs_ = (self.pairs[None] + offset).reshape(-1, 2)
        self.engine = GameEngine(R * n, all_pairs_, self._slot_payoffs(), self.behaviour_list, np.tile(code, R), params)
        self._stochastic = any(b.metadata.get("stochastic", False) for b in self.behaviour_list)
        # the slots whose state follows a stochastic behaviour: fixed by the scenario unless
        # behaviours can change (imitation, set_behaviour events); then only they draw
        stoch_code = np.array([bool(b.metadata.get("stochastic", False)) for b in self.behaviour_list])
        fixed = not self._may_be_positive("imitation_interval") and not any(
            isinstance(ev, SetBehaviour) for ev in self.spec.events)
        self._draw_slots: np.ndarray | None = (
            np.flatnonzero(stoch_code[code][self.pairs.reshape(-1)]) if fixed else None)
        self._noisy = self._may_be_positive("noise")
        self._window_rounds = np.zeros(R, dtype=np.int64)
        self._blocks: dict[str, tuple[int, np.ndarray]] = {}
        nan = np.full(R, np.nan)
        self.cooperation_rate, self.mutual_confrontation_rate, self.mean_payoff = nan, nan.copy(), nan.copy()
        self.imitations = np.zeros(R, dtype=np.int64)
        self._neighbours = GameEngine(n, self.pairs, pair_payoffs(P).reshape(-1, 2, 2), self.behaviour_list[:1],
                                      np.zeros(n, dtype=np.intp)).neighbours()

    #: uniforms per run and stream drawn in one call (a block of steps; bounds memory per run)
    _BLOCK_VALUES = 2048

    def _step_uniforms(self, name: str, width: int, t: int) -> np.ndarray:
        """Each run's ``width`` uniforms of stream ``name`` for step ``t`` (1-based), shape (R, width).

        Steps are drawn in blocks of ``B = max(1, 2048 // width)``: stream ``<name>.<b>`` holds
        steps ``b B + 1 .. (b + 1) B``. ``B`` depends on the scenario only, so a run's numbers do
        not depend on the other runs; one call per block instead of one per step.
        """
        per = max(1, self._BLOCK_VALUES // max(width, 1))
        b, k = divmod(t - 1, per)
        cached = self._blocks.get(name)
        if cached is None or cached[0] != b:
            cached = (b, self.uniforms(f"{name}.{b}", (per, width)))
            self._blocks[name] = cached
        return cached[1][:, k]

    def _may_be_positive(self, name: str) -> bool:
        """Whether parameter ``name`` can be above zero in some run (decided by the scenario alone)."""
        q = self.spec.parameters.get(name)
        if q is not None and (q.uncertain or q.central() > 0):
            return True
        if q is None and float(self.parameters[name].default or 0.0) > 0:
            return True
        return any(getattr(ev, "parameter", None) == name and float(getattr(ev, "value", 0.0)) > 0
                   for ev in self.spec.events)

    def _slot_payoffs(self) -> np.ndarray:
        """Every run's slot payoffs laid end to end, shape (R * 2 * pairs, 2, 2)."""
        base = slot_payoffs(self.pairs, self.base_payoffs)  # (2P, 2, 2), no dependence cost
        out = np.broadcast_to(base, (self.R, *base.shape)).copy()
        if self.cfg.dependence:
            me, other = self.pairs.reshape(-1), self.pairs[:, ::-1].reshape(-1)
            w = self.rel[self.cfg.dependence][:, me, other]  # (R, 2P)
            kappa = self.p["dependence_cost"]
            out -= (kappa[:, None] * w)[:, :, None, None] * _CONFRONT_OUTCOME
        return out.reshape(-1, 2, 2)

    def reporters(self) -> dict[str, Any]:
        """Per-round cooperation rate, mutual-confrontation rate, mean payoff, behaviour shares."""
        out: dict[str, Any] = {
            "cooperation_rate": "cooperation_rate",
            "mutual_confrontation_rate": "mutual_confrontation_rate",
            "mean_payoff": "mean_payoff",
        }
        for k, b in enumerate(self.behaviour_list):
            out[f"share.{b.name}"] = [self._share, [k]]
        return out

    def _share(self, code: int) -> np.ndarray:
        """Share of each run's states whose behaviour is ``behaviour_list[code]``."""
        return (self.engine.code.reshape(self.R, self.n) == code).sum(axis=1) / self.n

    def on_set_behaviour(self, event: SetBehaviour, mask: np.ndarray) -> None:
        """Event ``set_behaviour``: one state switches behaviour (its pairs keep their history)."""
        names = [b.name for b in self.behaviour_list]
        states = np.flatnonzero(mask) * self.n + self.idx[event.actor]
        self.engine.code[states] = names.index(event.behaviour)
        self.engine._regroup()

    def advance(self) -> None:
        """Play one round in every pair of every run; imitation every ``imitation_interval`` rounds.

        Run ``r`` draws from its own streams (see :meth:`_step_uniforms` for the blocks of
        steps): ``decide`` (one uniform per slot, or per slot of a stochastic behaviour when
        behaviours cannot change), ``noise`` (one per slot), and for imitation
        ``revise.<step>`` (one per state) and ``tie.<step>`` (one per pair of states).
        """
        R, t = self.R, self.steps
        e = self.engine
        if self.cfg.dependence is not None:  # events may have changed kappa or w
            e.set_payoff(self._slot_payoffs())
        slots = 2 * len(self.pairs)
        u = None
        if self._stochastic and self._draw_slots is None:
            u = self._step_uniforms("decide", slots, t).reshape(-1)
        elif self._stochastic:  # only the slots of stochastic behaviours, which never change
            u = np.zeros((R, slots))
            u[:, self._draw_slots] = self._step_uniforms("decide", self._draw_slots.size, t)
            u = u.reshape(-1)
        moves = e.decide(uniforms=u)  # deterministic behaviours draw nothing
        if self._noisy:
            flip = (self._step_uniforms("noise", slots, t) < self.p["noise"][:, None]).reshape(-1)
            e.flips += int(np.count_nonzero(flip))
            moves ^= flip
        e.execute(moves)
        m = moves.reshape(R, slots)
        self.cooperation_rate = 1.0 - m.sum(axis=1) / slots
        both = m[:, 0::2] & m[:, 1::2] & self._real_pair
        self.mutual_confrontation_rate = both.sum(axis=1) / self._n_real if self._n_real else np.full(R, np.nan)
        self.mean_payoff = e.last_payoff.reshape(R, slots).sum(axis=1) / slots
        self._window_rounds += 1
        k = self.p["imitation_interval"].astype(np.int64)
        due = (k > 0) & (t % np.maximum(k, 1) == 0)
        if due.any():
            self._imitate(due, t)

    def _imitate(self, due: np.ndarray, t: int) -> None:
        """Imitation step (see :func:`imitate`) in the runs ``due``, each from its own streams."""
        R, n = self.R, self.n
        e = self.engine
        nb = self._neighbours
        games = e.games.reshape(R, n)
        denom = games * np.maximum(self._window_rounds, 1)[:, None]
        window = e.window.reshape(R, n)
        score = np.divide(window, denom, out=np.zeros((R, n)), where=denom > 0)
        revise = self.uniforms(f"revise.{t}", (n,)) < self.p["imitation_probability"][:, None]
        tie = self.uniforms(f"tie.{t}", (n, n))
        cand = np.where(nb, score[:, None, :], -np.inf)
        best = cand.max(axis=2)
        is_best = nb & (cand == best[:, :, None])
        pick = np.argmax(np.where(is_best, tie, -1.0), axis=2)
        copy = revise & nb.any(axis=1) & (best > score) & due[:, None]
        source = np.where(copy, pick + (np.arange(R) * n)[:, None], -1).reshape(-1)
        e.copy_behaviours(source)
        self.imitations += copy.sum(axis=1)
        window[due] = 0.0
        self._window_rounds[due] = 0

    def outcomes(self) -> dict[str, Any]:
        """Per-run outcomes (see :meth:`outcome_specs`), arrays over the runs."""
        e = self.engine
        R, n, P = self.R, self.n, len(self.pairs)
        rounds = max(e.history.round, 1)
        ids = self.ids
        coop = e.pair_cooperations.reshape(R, P)
        total = e.total.reshape(R, n)
        out: dict[str, Any] = {
            "cooperation_rate": coop.sum(axis=1) / (2 * rounds * P),
            "mutual_confrontations": e.pair_mutual_confrontations.reshape(R, P)[:, self._real_pair].sum(axis=1)
            .astype(float),
            "top_scorer": np.array(ids, dtype=object)[np.argmax(total, axis=1)],
        }
        for i, a in enumerate(ids):
            out[f"payoff.{a}"] = total[:, i].copy()
        for p, (i, j) in enumerate(self.pairs.tolist()):
            if i != j:
                out[f"cooperation_rate.{ids[i]}-{ids[j]}"] = coop[:, p] / (2 * rounds)
        for k, b in enumerate(self.behaviour_list):
            out[f"share.{b.name}"] = self._share(k)
        return out
