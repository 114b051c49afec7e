"""The `dilemma` rules as plain numpy batched over runs: the floor simsim's flagship is measured against.

Same arithmetic as :mod:`simsim.mechanisms.dilemma` (the three options' expected utilities and
their multinomial logit, the visitor's travel decision, the consequences, the institution's
review after a rounded lognormal delay with pending reviews, the shared credibility; the same
reporters and outcomes), with none of simsim's machinery: no Mesa model or DataCollector, no
per-run streams (one ``numpy.random.Generator`` serves every draw of every run), no tables
(arrays in, arrays out), and utilities computed only for the host/visitor pairs that are read.
Inputs are sampled through the same inverse CDFs. So it agrees with simsim in distribution,
not run by run (checked by ``tests/test_bench_agreement.py`` and printed by ``bench_dilemma.py``).
"""

from __future__ import annotations

import numpy as np
from scipy import special

import simsim
from simsim.inputs import design_of, inputs_from_uniforms, place_inputs

DECISIONS = ("no_visit", "declined", "arrest", "no_arrest")
REVIEWS = ("none", "found", "not_found", "pending")
LONGEST = 1200  # longest delay summed over exactly in the expected discount


def _logistic(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _expected_discount(median: np.ndarray, spread: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """E[beta**d] per run for d = max(1, round(median * exp(spread * z))), z standard normal.

    P(d) is computed once per distinct (median, spread); the sum over d is then a polynomial in
    beta, evaluated by Horner's rule for the runs sharing it ((runs, LONGEST) arrays would not fit
    at 100,000 runs).
    """
    pairs, back = np.unique(np.stack([median, spread], axis=1), axis=0, return_inverse=True)
    back = back.ravel()
    k = np.arange(1, LONGEST + 1, dtype=float)
    m, s = pairs[:, :1], pairs[:, 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        cdf = np.where(s > 0, special.ndtr((np.log(k + 0.5) - np.log(m)) / s), (np.rint(m) <= k).astype(float))
    cdf[:, -1] = 1.0
    pmf = np.diff(cdf, axis=-1, prepend=0.0)
    out = np.empty(len(beta))
    for j in range(len(pairs)):
        x = beta[back == j]
        acc = np.zeros_like(x)
        for c in pmf[j, ::-1]:
            acc = (acc + c) * x
        out[back == j] = acc
    return out


def run_floor(scn: simsim.Scenario, runs: int, seed: int,
              chunk: int = 2000) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Outcomes (name -> (R,)) and reporters (name -> (T+1, R)) of ``runs`` runs of ``scn``.

    Runs are computed ``chunk`` at a time (simsim's largest chunk): a (runs, actors, actors) array
    of 100,000 runs does not stay in the CPU caches, and the floor should be as fast as numpy allows.
    """
    rng = np.random.default_rng(seed)
    parts = [_run_chunk(scn, min(chunk, runs - start), rng) for start in range(0, runs, chunk)]
    out = {k: np.concatenate([o[k] for o, _ in parts]) for k in parts[0][0]}
    out["run"] = np.arange(runs)
    series = {k: np.concatenate([s[k] for _, s in parts], axis=1) for k in parts[0][1]}
    return out, series


def _run_chunk(scn: simsim.Scenario, runs: int,
               rng: np.random.Generator) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """One chunk of ``runs`` runs, every draw from ``rng``."""
    d = design_of(scn)
    R, n, T = runs, len(d.ids), scn.steps
    idx = {a: i for i, a in enumerate(d.ids)}
    # inputs: one uniform per uncertain quantity and run, through its inverse CDF, put in place
    inputs = inputs_from_uniforms(scn, rng.random((R, len(d.uncertain)))) if d.uncertain else {}
    p, attr, rel, _ = place_inputs(scn, inputs, R)
    inst = next(i for i, a in enumerate(scn.actors) if a.kind == "institution")
    inst_id = d.ids[inst]
    member = np.array([inst_id in a.memberships for a in scn.actors])
    third = np.ones(n, dtype=bool)
    third[inst] = False
    ties, dep, trade = rel["ties"], rel["energy_dependence"], rel["trade_share"]
    ties0 = ties.copy()
    support = rel["norm_support"][:, :, inst]  # (R, n)
    cred = attr["credibility"][:, inst].copy()
    disc = _expected_discount(p["finding_delay"], p["finding_delay_spread"], p["discount"])
    visits = [ev for ev in scn.events if ev.type == "visit"]
    V = len(visits)
    hosts = list(dict.fromkeys(idx[ev.host] for ev in visits))
    partner: dict[int, int] = {}
    for ev in visits:
        partner.setdefault(idx[ev.host], idx[ev.visitor])
    first: dict[int, int] = {}
    for v in sorted(range(V), key=lambda i: (visits[i].step, i)):
        first.setdefault(idx[visits[v].host], v)
    fired = rng.random((R, V)) < np.array([ev.probability for ev in visits])
    # per visit: travel, choice, retaliate, find, refer, sanction, delay, one per actor for reactions
    u = rng.random((R, V, 7 + n))
    due = np.full((R, V), -1)
    review = np.zeros((R, V), dtype=np.int8)
    counts = {k: np.zeros(R, dtype=np.int64) for k in (
        "visits", "visits_declined", "calls_off", "arrests", "non_compliances", "refusals_by_non_members",
        "retaliations", "findings", "referrals", "sanctions")}
    decision = {h: np.zeros(R, dtype=np.int8) for h in hosts}
    called_off = {h: np.zeros(R, dtype=bool) for h in hosts}
    flags = {k: np.zeros((R, n), dtype=bool) for k in ("retaliation", "finding", "referral")}
    shortfall = np.zeros((R, n))
    trade_lost = np.zeros((R, n))
    w3c, tau = p["w_third"] * p["third_party_cost"], p["trade_severity"]

    def options(h: int, q: int) -> np.ndarray:
        """Option probabilities (R, 3) of host h toward visitor q: call off, arrest, no arrest."""
        others = third.copy()
        others[[h, q]] = False
        lost_ties = w3c[:, None] * np.maximum(ties[:, h, :], 0.0)
        cost = lost_ties + (p["w_trade"] * tau)[:, None] * trade[:, h, :]
        against_refusal = (np.maximum(support, 0.0) * others * cost).sum(axis=1)
        against_arrest = (np.maximum(-support, 0.0) * others * cost).sum(axis=1)
        supporters = (lost_ties * ((support > 0) & others)).sum(axis=1)
        enforcement = disc * p["finding_prob"] * (p["w_finding"] + p["referral_prob"] * (
            p["w_referral"] + p["sanction_prob"] * (p["w_sanction"] + supporters)))
        eu = np.empty((R, 3))
        eu[:, 0] = -p["w_ties"] * p["call_off_tie_loss"]
        eu[:, 1] = (-p["w_ties"] * (ties[:, h, q] + p["partner_tie_loss"])
                    - p["retaliation_prob"] * (p["w_dependence"] * p["retaliation_severity"] * dep[:, h, q]
                                               + p["w_trade"] * tau * trade[:, h, q])
                    - against_arrest)
        eu[:, 2] = (p["w_ties"] * p["visit_tie_gain"] - against_refusal
                    - p["w_domestic"] * attr["domestic_compliance"][:, h]
                    - (p["w_obligation"] * cred + enforcement if member[h] else 0.0))
        z = p["rationality"][:, None] * eu
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def shift(runs_: np.ndarray, h: int, others: np.ndarray, delta: np.ndarray | float) -> None:
        add = np.where(others & runs_[:, None], np.broadcast_to(delta, (R,))[:, None], 0.0)
        ties[:, h, :] += add
        ties[:, :, h] += add

    rep_names = ["credibility", "visits", "arrests", "non_compliances", "findings"]
    for h in hosts:
        rep_names += [f"p_comply.{d.ids[h]}", f"p_call_off.{d.ids[h]}"]
    series = {k: np.empty((T + 1, R)) for k in rep_names}

    def record(t: int) -> None:
        series["credibility"][t] = cred
        for k in ("visits", "arrests", "non_compliances", "findings"):
            series[k][t] = counts[k]
        for h in hosts:
            po = options(h, partner[h])
            series[f"p_comply.{d.ids[h]}"][t] = po[:, 1]
            series[f"p_call_off.{d.ids[h]}"][t] = po[:, 0]

    record(0)
    for step in range(1, T + 1):
        for v, ev in enumerate(visits):  # the institution's reviews due now, in event order
            here = due[:, v] == step
            if not here.any():
                continue
            h, q = idx[ev.host], idx[ev.visitor]
            found = here & (u[:, v, 3] < p["finding_prob"])
            referred = found & (u[:, v, 4] < p["referral_prob"])
            sanctioned = referred & (u[:, v, 5] < p["sanction_prob"])
            review[:, v] = np.where(here, np.where(found, 1, 2), review[:, v])
            flags["finding"][found, h] = True
            flags["referral"][referred, h] = True
            counts["findings"] += found
            counts["referrals"] += referred
            counts["sanctions"] += sanctioned
            cred = np.where(found, cred + p["enforcement_restoration"] * (1.0 - cred), cred)
            if sanctioned.any():
                sup = (support > 0) & third
                sup[:, [h, q]] = False
                shift(sanctioned, h, sup, -p["third_party_cost"])
                np.clip(ties, -1.0, 1.0, out=ties)
        now = [(v, ev) for v, ev in enumerate(visits) if ev.step == step and fired[:, v].any()]
        if now:
            probs = {(idx[ev.host], idx[ev.visitor]): options(idx[ev.host], idx[ev.visitor]) for _, ev in now}
            comply_n, defy_n = np.zeros(R), np.zeros(R)
            for v, ev in now:
                h, q = idx[ev.host], idx[ev.visitor]
                po = probs[(h, q)]
                choice = (u[:, v, 1, None] >= np.cumsum(po, axis=1)[:, :-1]).sum(axis=1)
                call_off = fired[:, v] & (choice == 0)
                hosted = po[:, 1] + po[:, 2]
                risk = np.divide(po[:, 1], hosted, out=np.zeros(R), where=hosted > 0)
                gain = attr["visit_value"][:, q] - risk * attr["arrest_cost"][:, q]
                travel = fired[:, v] & ~call_off & (u[:, v, 0] < _logistic(p["visitor_rationality"] * gain))
                comply = travel & (choice == 1)
                refuse = travel & (choice == 2)
                defy = refuse & member[h]
                retaliate = comply & (u[:, v, 2] < p["retaliation_prob"])
                if v == first[h]:
                    decision[h][:] = np.where(fired[:, v], np.where(travel, np.where(comply, 2, 3), 1), 0)
                    called_off[h][:] = call_off
                counts["visits"] += travel
                counts["visits_declined"] += fired[:, v] & ~travel
                counts["calls_off"] += call_off
                counts["arrests"] += comply
                counts["non_compliances"] += defy
                counts["refusals_by_non_members"] += refuse & ~defy
                counts["retaliations"] += retaliate
                flags["retaliation"][retaliate, h] = True
                shortfall[:, h] += np.where(retaliate, p["retaliation_severity"] * dep[:, h, q], 0.0)
                trade_lost[:, h] += np.where(retaliate, tau * trade[:, h, q], 0.0)
                one = np.zeros((R, n), dtype=bool)
                one[:, q] = True
                shift(comply, h, one, -p["partner_tie_loss"])
                shift(refuse, h, one, p["visit_tie_gain"])
                shift(call_off, h, one, -p["call_off_tie_loss"])
                react = (u[:, v, 7:] < np.abs(support)) & third
                react[:, [h, q]] = False
                react_c = react & (support < 0) & comply[:, None]
                react_d = react & (support > 0) & refuse[:, None]
                shift(comply, h, react_c, -p["third_party_cost"])
                shift(refuse, h, react_d, -p["third_party_cost"])
                trade_lost[:, h] += tau * (trade[:, h, :] * (react_c | react_d)).sum(axis=1)
                z = special.ndtri(np.clip(u[:, v, 6], 1e-300, 1 - 1e-16))
                delay = np.clip(np.rint(p["finding_delay"] * np.exp(p["finding_delay_spread"] * z)), 1, 10 * LONGEST)
                at = step + delay.astype(np.int64)
                due[defy, v] = at[defy]
                review[:, v] = np.where(defy, np.where(at > T, 3, 0), review[:, v])
                comply_n += comply & member[h]
                defy_n += defy
            np.clip(ties, -1.0, 1.0, out=ties)
            np.clip(trade_lost, 0.0, 1.0, out=trade_lost)
            c = 1.0 - (1.0 - cred) * (1.0 - p["compliance_reinforcement"]) ** comply_n
            c = c * (1.0 - p["precedent_erosion"]) ** defy_n
            cred = np.where(comply_n + defy_n > 0, c, cred)
        record(step)
    out: dict[str, np.ndarray] = {"run": np.arange(R), **inputs, **counts,
                                  "reviews_pending": (review == 3).sum(axis=1), "final_credibility": cred,
                                  "norm_unravelled": cred < p["unravel_threshold"]}
    names, reviews = np.array(DECISIONS, dtype=object), np.array(REVIEWS, dtype=object)
    dt = ties - ties0
    for h in hosts:
        hid = d.ids[h]
        out[f"decision.{hid}"] = names[decision[h]]
        out[f"called_off.{hid}"] = called_off[h]
        out[f"review.{hid}"] = reviews[review[:, first[h]]]
        out[f"retaliation.{hid}"] = flags["retaliation"][:, h]
        out[f"finding.{hid}"] = flags["finding"][:, h]
        out[f"referral.{hid}"] = flags["referral"][:, h]
        out[f"energy_shortfall.{hid}"] = shortfall[:, h]
        out[f"trade_loss.{hid}"] = trade_lost[:, h]
        for j, jid in enumerate(d.ids):
            if j not in (h, inst):
                out[f"ties_change.{hid}.{jid}"] = dt[:, h, j]
    return out, series
