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
from typing import Any

import numpy as np

from simsim.behaviours import Behaviour, PairHistory
from simsim.mechanisms.declarations.games import (
    NAMED_GAMES,
    GamesConfig,
    GamesDeclaration,
    SetBehaviour,
    _behaviour_classes,
    all_pairs,
    pairs_from_relation,
    parse_settings,
    payoff_matrix,
)
from simsim.model import DiplomacyModel
from simsim.registry import register_mechanism

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


@register_mechanism
class GamesModel(GamesDeclaration, DiplomacyModel):
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
        fixed = not self.may_be_positive("imitation_interval") and not any(
            isinstance(ev, SetBehaviour) for ev in self.spec.events)
        self._draw_slots: np.ndarray | None = (
            np.flatnonzero(stoch_code[code][self.pairs.reshape(-1)]) if fixed else None)
        self._noisy = self.may_be_positive("noise")
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
        u: np.ndarray | None = None
        if self._stochastic and self._draw_slots is None:
            u = self._step_uniforms("decide", slots, t).reshape(-1)
        elif self._stochastic and self._draw_slots is not None:  # only the stochastic behaviours' slots
            full = np.zeros((R, slots))
            full[:, self._draw_slots] = self._step_uniforms("decide", self._draw_slots.size, t)
            u = full.reshape(-1)
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
