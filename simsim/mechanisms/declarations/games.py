"""Declaration of the ``games`` mechanism (see :class:`simsim.mechanisms.games.GamesModel`).

Besides the declaration, it holds what checking a scenario needs: the named games, the pairing
of states (:func:`all_pairs`, :func:`pairs_from_relation`) and the parsing of ``settings:``
(:func:`parse_settings`). :mod:`simsim.mechanisms.games` re-exports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from simsim.behaviours import BUILTIN_BEHAVIOURS, Behaviour
from simsim.declaration import Declaration, OutcomeSpec, Param, ReporterSpec
from simsim.scenario.schema import EventSpec, Scenario

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


class GamesDeclaration(Declaration):
    """Iterated cooperate/confront games between pairs of states, each following a behaviour.

    What the mechanism reads and reports; the equations are in
    :class:`~simsim.mechanisms.games.GamesModel`, which inherits this declaration.
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
        from simsim.inputs import design_of

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


__all__ = [
    "NAMED_GAMES", "GamesConfig", "GamesDeclaration", "SetBehaviour", "all_pairs", "pairs_from_relation",
    "parse_settings", "payoff_matrix",
]
