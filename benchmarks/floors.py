"""Plain-numpy floors: each mechanism's arithmetic batched over runs, without Mesa or simsim's runner.

A floor computes ``runs`` runs of a shipped scenario with arrays over all runs at once: inputs by
inverse CDF from one numpy generator, then the mechanism's steps, then nothing else (no
DataCollector, no outcome tables, no per-run streams). It bounds from below what simsim's
vectorised model could cost; ``bench_mechanisms.py`` reports simsim's time over the floor's.
Each floor returns one outcome array, so that the work cannot be skipped.
"""

from __future__ import annotations

import numpy as np
from scipy import special

import simsim
from simsim.inputs import design_of, inputs_from_uniforms, place_inputs
from simsim.mechanisms.alignment import _enumerate_cached
from simsim.mechanisms.bargaining import POSITION_TOLERANCE, _median, _round, _wmean
from simsim.mechanisms.games import GameEngine, GamesModel, pair_payoffs, parse_settings, slot_payoffs


def _arrays(scn: simsim.Scenario, runs: int, rng: np.random.Generator):
    """Parameters (R,), attributes (R, n), relations (R, n, n) and behaviour parameters of ``runs`` runs."""
    d = design_of(scn)
    inputs = inputs_from_uniforms(scn, rng.random((runs, len(d.uncertain)))) if d.uncertain else {}
    return place_inputs(scn, inputs, runs)


def arms_race(scn: simsim.Scenario, runs: int, seed: int) -> np.ndarray:
    """Final arsenals (R, n)."""
    rng = np.random.default_rng(seed)
    p, attr, rel, _ = _arrays(scn, runs, rng)
    n, steps = len(scn.ids), scn.steps
    x, fear, m, g, c = attr["arsenal"].copy(), rel["fear"], attr["fatigue"], attr["grievance"], attr["counted_share"]
    idx = {a: i for i, a in enumerate(scn.ids)}
    ceilings, doctrine = [], {}
    for ev in scn.events:
        fire = rng.random(runs) < ev.probability
        vals = {f: q.from_uniform(rng.random(runs)) for f in ("limit", "compliance", "fear_scale", "fear",
                                                             "fatigue", "grievance") if (q := getattr(ev, f, None))}
        if ev.type == "ceiling":
            ceilings.append((ev.step, np.inf if ev.end is None else ev.end, fire, np.isin(scn.ids, ev.actors), vals))
        elif ev.type == "doctrine":
            doctrine.setdefault(ev.step, []).append((ev, fire, vals))
    ii, jj = np.triu_indices(n, 1)
    inc = np.zeros((ii.size, n))
    inc[np.arange(ii.size), ii] = inc[np.arange(ii.size), jj] = 1.0
    d = np.arange(n)
    for t in range(1, steps + 1):
        for ev, fire, vals in doctrine.get(t, ()):
            i = idx[ev.actor]
            cols = np.ones(n, bool) if ev.towards is None else np.isin(scn.ids, ev.towards)
            cols[i] = False
            if "fear_scale" in vals:
                fear[:, i, cols] *= np.where(fire, vals["fear_scale"], 1.0)[:, None]
        a = fear.copy()
        a[:, d, d] = -m
        dt = p["dt"][:, None]
        new = x + dt * (np.matmul(a, x[:, :, None])[:, :, 0] + g)
        new += (p["noise"][:, None] * np.sqrt(dt)) * x * special.ndtri(rng.random((runs, n)))
        x = np.maximum(new, 0.0)
        linked = (fear[:, ii, jj] + fear[:, jj, ii]) > 0
        lam = np.where(linked, (p["shock_rate"] * p["dt"] / np.maximum(linked.sum(1), 1))[:, None], 0.0)
        k = rng.poisson(lam)
        x = x * (1.0 + p["shock_size"])[:, None] ** (k @ inc)
        for start, end, fire, cover, vals in ceilings:
            if start <= t < end:
                with np.errstate(divide="ignore"):
                    cap = np.where(cover & (c > 0), vals["limit"][:, None] / c, np.inf)
                comp = vals.get("compliance", p["compliance"])
                x = x - np.where(fire, comp, 0.0)[:, None] * np.maximum(x - cap, 0.0)
    return x


def bargaining(scn: simsim.Scenario, runs: int, seed: int) -> np.ndarray:
    """Forecasts (R,)."""
    p, attr, _, _ = _arrays(scn, runs, np.random.default_rng(seed))
    x, c, s = attr["position"].copy(), attr["capability"], attr["salience"] / 100.0
    lo, hi = p["scale_min"], p["scale_max"]
    rng_span = x.max(1) - x.min(1)
    span = np.where(np.isfinite(lo) & np.isfinite(hi), hi - lo, np.where(rng_span > 0, rng_span, 1.0))
    pair, rep, atol = p["pair_normalisation"] >= 0.5, p["offer_rule"] >= 0.5, POSITION_TOLERANCE * span
    w = c * s
    active = np.ones(runs, bool)
    for _ in range(scn.steps):
        a = np.flatnonzero(active)
        if a.size == 0:
            break
        res = _round(x[a], c[a], s[a], span[a], p["q"][a], p["t"][a], pair[a], rep[a], atol[a],
                     mu=_median(x[a], w[a], span[a])[0])
        change = np.abs(res["x_after"] - x[a]).max(1)
        x[a] = res["x_after"]
        active[a] = change > p["tolerance"][a] * span[a]
    return _wmean(x, w)


def alignment(scn: simsim.Scenario, runs: int, seed: int) -> np.ndarray:
    """Energy of start 0 (R,), after descent; global minimum by enumeration per run."""
    rng = np.random.default_rng(seed)
    p, attr, rel, _ = _arrays(scn, runs, rng)
    n, m = len(scn.ids), int(p["starts"][0])
    size, prop = attr["size"], rel["propensity"]
    q = prop * size[:, None, :]
    d = np.arange(n)
    q[:, d, d] = 0.0
    tol = 1e-9 * (np.abs(q).sum(2).max(1) + 1.0)
    sigma = np.where(rng.random((runs, m, n)) < 0.5, 1.0, -1.0)
    h = np.matmul(sigma, q.transpose(0, 2, 1))
    active = np.ones((runs, m), bool)
    for _ in range(scn.steps):
        rr, mm = np.nonzero(active)
        if rr.size == 0:
            break
        imp = -sigma[rr, mm] * h[rr, mm] > tol[rr, None]
        cnt = imp.sum(1)
        moved = cnt > 0
        active[rr[~moved], mm[~moved]] = False
        rr, mm, imp, cnt = rr[moved], mm[moved], imp[moved], cnt[moved]
        k = (rng.random(rr.size) * cnt).astype(np.int64)
        aa = np.argmax(np.cumsum(imp, 1) > k[:, None], 1)
        old = sigma[rr, mm, aa].copy()
        sigma[rr, mm, aa] = -old
        h[rr, mm] -= 2.0 * old[:, None] * q[rr, :, aa]
    e0 = 0.5 * ((q.sum(2) * size).sum(1) - (sigma[:, 0] * h[:, 0] * size).sum(1))
    if n <= int(p["enumerate_max"][0]):
        for r in range(runs):
            _enumerate_cached(np.ascontiguousarray(size[r]).tobytes(), np.ascontiguousarray(prop[r]).tobytes(), n)
    return e0


def games(scn: simsim.Scenario, runs: int, seed: int) -> np.ndarray:
    """Cooperation rate (R,), runs laid end to end in one engine."""
    rng = np.random.default_rng(seed)
    p, _, rel, bp = _arrays(scn, runs, rng)
    cfg = parse_settings(scn)
    pairs = GamesModel._pairs(scn, cfg)
    n, P = len(scn.ids), len(pairs)
    base = pair_payoffs(P, cfg.game)
    for k, (i, j) in enumerate(pairs.tolist()):
        if (i, j) in cfg.pair_payoffs:
            base[k] = cfg.pair_payoffs[(i, j)]
    pay = np.broadcast_to(slot_payoffs(pairs, base), (runs, 2 * P, 2, 2)).copy()
    if cfg.dependence:
        me, other = pairs.reshape(-1), pairs[:, ::-1].reshape(-1)
        w = rel[cfg.dependence][:, me, other]
        pay -= (p["dependence_cost"][:, None] * w)[:, :, None, None] * np.array([[0.0, 1.0], [1.0, 1.0]])
    from simsim.registry import get_behaviour

    names = list(dict.fromkeys(GamesModel._actor_behaviours(scn)))
    code = np.array([names.index(b) for b in GamesModel._actor_behaviours(scn)])
    beh = [get_behaviour(b)() for b in names]
    params = {k: np.stack([np.broadcast_to(b.get(k, p.get(k, np.nan)), (runs,)) for b in bp], 1).reshape(-1)
              for k in {k for b in beh for k in b.parameters}}
    eng = GameEngine(runs * n, (pairs[None] + (np.arange(runs) * n)[:, None, None]).reshape(-1, 2),
                     pay.reshape(-1, 2, 2), beh, np.tile(code, runs), params)
    noise = np.repeat(p["noise"], 2 * P)
    for _ in range(scn.steps):
        moves = eng.decide(rng)
        moves ^= rng.random(moves.shape[0]) < noise
        eng.execute(moves)
    return eng.pair_cooperations.reshape(runs, P).sum(1) / (2 * scn.steps * P)


FLOORS = {"arms_race": arms_race, "bargaining": bargaining, "alignment": alignment, "games": games}
