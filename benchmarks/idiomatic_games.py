"""The `games` rules written as idiomatic Mesa: each state decides its moves in ``step()``.

The baseline ``bench_mechanisms.py`` compares simsim's vectorised model against. Same rules as
:mod:`simsim.mechanisms.games` for what the shipped scenarios use (pairs from the settings,
named and per-pair games, the dependence cost, execution noise, the nine behaviours with their
parameters; not imitation or ``set_behaviour`` events, which they do not use), written the way a
Mesa user would: each state keeps a history per game in a dict and decides move by move in
Python, random numbers come from ``self.rng.random()``, a DataCollector records every round and
:func:`mesa.batch_run` runs it.
"""

from __future__ import annotations

import math

import mesa
from _inputs import run_inputs, scenario

from simsim.mechanisms.games import GamesModel, parse_settings, slot_payoffs

DEFAULTS = {"forgiveness": 1 / 3, "cooperation_probability": 0.5, "rationality": 1.0,
            "prior_cooperation": 0.5, "prior_weight": 1.0}


class Player(mesa.Agent):
    """A state: its behaviour, parameters, and one history per game it plays (per side)."""

    def __init__(self, model: IdiomaticGames, behaviour: str, params: dict[str, float]) -> None:
        super().__init__(model)
        self.behaviour = behaviour
        self.params = params
        self.games: list[dict] = []  # one dict per side of a game this state plays
        self.total = 0.0

    def choose(self, g: dict) -> bool:
        """True to confront, by the state's behaviour, from the game's history."""
        rng, t, b = self.model.rng, self.model.round, self.behaviour
        if b == "always_cooperate":
            return False
        if b == "always_confront":
            return True
        if b in ("tit_for_tat", "suspicious_tit_for_tat"):
            return (b == "suspicious_tit_for_tat") if t == 0 else g["their_last"]
        if b == "grim_trigger":
            return g["their_confronts"] > 0
        if b == "win_stay_lose_shift":
            return False if t == 0 else g["my_last"] != g["their_last"]
        if b == "generous_tit_for_tat":
            u = rng.random()
            return False if t == 0 else (g["their_last"] and u >= self.params["forgiveness"])
        if b == "random":
            return rng.random() >= self.params["cooperation_probability"]
        if b == "quantal_response":
            u = rng.random()
            w, q0 = self.params["prior_weight"], self.params["prior_cooperation"]
            coops = t - g["their_confronts"]
            q = (w * q0 + coops) / (w + t) if w + t > 0 else q0
            pay = g["payoff"]
            e_c = q * pay[0][0] + (1 - q) * pay[0][1]
            e_d = q * pay[1][0] + (1 - q) * pay[1][1]
            x = self.params["rationality"] * (e_d - e_c)
            return u < math.exp(-math.log1p(math.exp(-x))) if x > -700 else False
        raise ValueError(b)

    def step(self) -> None:
        noise = self.model.p["noise"]
        for g in self.games:
            move = self.choose(g)
            if noise > 0 and self.model.rng.random() < noise:
                move = not move
            g["move"] = move


class IdiomaticGames(mesa.Model):
    """Idiomatic Mesa version of the games rules, for :func:`mesa.batch_run`."""

    def __init__(self, scenario_path: str, rng: int | None = None) -> None:
        scn = scenario(scenario_path)
        self.p, _, rel, bparams = run_inputs(scn, int(rng if rng is not None else 0))
        super().__init__(rng=rng)
        cfg = parse_settings(scn)
        pairs = GamesModel._pairs(scn, cfg)
        from simsim.mechanisms.games import pair_payoffs
        base = pair_payoffs(len(pairs), cfg.game)
        for k, (i, j) in enumerate(pairs.tolist()):
            if (i, j) in cfg.pair_payoffs:
                base[k] = cfg.pair_payoffs[(i, j)]
        dep = rel[cfg.dependence] if cfg.dependence else None
        pay = slot_payoffs(pairs, base, dep, float(self.p["dependence_cost"])).tolist()
        behaviours = GamesModel._actor_behaviours(scn)
        self.players = []
        for i in range(len(scn.actors)):
            params = {k: float(bparams[i].get(k, self.p.get(k, v))) for k, v in DEFAULTS.items()}
            self.players.append(Player(self, behaviours[i], params))
        self.pairs = []
        for k, (i, j) in enumerate(pairs.tolist()):
            sides = []
            for side, who in enumerate((i, j)):
                g = {"payoff": pay[2 * k + side], "my_last": False, "their_last": False, "their_confronts": 0,
                     "move": False, "weight": 0.5 if i == j else 1.0}
                self.players[who].games.append(g)
                sides.append((self.players[who], g))
            self.pairs.append(sides)
        self.round = 0
        self.cooperations = 0
        self.moves = 0
        self.cooperation_rate = math.nan
        self.datacollector = mesa.DataCollector(model_reporters={
            "cooperation_rate": "cooperation_rate",
            "overall_cooperation": lambda m: m.cooperations / m.moves if m.moves else math.nan,
            **{f"payoff.{a.id}": (lambda m, i=i: m.players[i].total) for i, a in enumerate(scn.actors)}})
        self.datacollector.collect(self)

    def step(self) -> None:
        self.agents.do("step")
        coop = 0
        for (pa, ga), (pb, gb) in self.pairs:
            a, b = ga["move"], gb["move"]
            for player, g, mine, theirs in ((pa, ga, a, b), (pb, gb, b, a)):
                player.total += g["payoff"][int(mine)][int(theirs)] * g["weight"]
                g["my_last"], g["their_last"] = mine, theirs
                g["their_confronts"] += int(theirs)
            coop += 2 - int(a) - int(b)
        self.round += 1
        self.cooperations += coop
        self.moves += 2 * len(self.pairs)
        self.cooperation_rate = coop / (2 * len(self.pairs))
        self.datacollector.collect(self)
