"""The `dilemma` rules as plain numpy batched over runs: the floor simsim's flagship is measured against.

Same arithmetic as :mod:`simsim.mechanisms.dilemma` (the same utility, choices, consequences,
precedent and reviews, the same reporters and outcomes), with none of simsim's machinery: no
Mesa model or DataCollector, no per-run streams (one ``numpy.random.Generator`` serves every
draw of every run), no tables (arrays in, arrays out), and utilities computed only for the
host/visitor pairs that are read. Inputs are sampled through the same inverse CDFs. So it
agrees with simsim in distribution, not run by run (``bench_dilemma.py`` checks the agreement).
"""

from __future__ import annotations

import numpy as np

import simsim
from simsim.model import design_of


def _logistic(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def run_floor(scn: simsim.Scenario, runs: int, seed: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Outcomes (name -> (R,)) and reporters (name -> (T+1, R)) of ``runs`` runs of ``scn``."""
    rng = np.random.default_rng(seed)
    d = design_of(scn)
    R, n = runs, len(d.ids)
    idx = {a: i for i, a in enumerate(d.ids)}
    # inputs: one uniform per uncertain quantity and run, through its inverse CDF
    p = {k: np.full(R, v) for k, v in d.params.items()}
    attr = {k: np.broadcast_to(v, (R, n)).copy() for k, v in d.attr.items()}
    rel = {k: np.broadcast_to(v, (R, n, n)).copy() for k, v in d.rel.items()}
    u_in = rng.random((R, len(d.uncertain)))
    inputs = {}
    for i, q in enumerate(d.uncertain):
        v = q.quantity.from_uniform(u_in[:, i])
        inputs[q.column] = v
        kind = q.target[0]
        if kind == "param":
            p[q.target[1]] = v
        elif kind == "attr":
            attr[q.target[1]][:, q.target[2]] = v
        elif kind == "rel":
            _, name, a, b = q.target
            rel[name][:, a, b] = v
            if d.rel_symmetric[name]:
                rel[name][:, b, a] = v
    inst = next(i for i, a in enumerate(scn.actors) if a.kind == "institution")
    inst_id = d.ids[inst]
    member = np.array([1.0 if inst_id in a.memberships else 0.0 for a in scn.actors])
    third = np.ones(n, dtype=bool)
    third[inst] = False
    ties, dep, trade = rel["ties"], rel["energy_dependence"], rel["trade_share"]
    ties0 = ties.copy()
    support = rel["norm_support"][:, :, inst]  # (R, n)
    cred = attr["credibility"][:, inst].copy()
    visits = [ev for ev in scn.events if ev.type == "visit"]
    V = len(visits)
    hosts = list(dict.fromkeys(idx[ev.host] for ev in visits))
    partner = {}
    for ev in visits:
        partner.setdefault(idx[ev.host], idx[ev.visitor])
    first = {}
    for v in sorted(range(V), key=lambda i: (visits[i].step, i)):
        first.setdefault(idx[visits[v].host], v)
    fired = rng.random((R, V)) < np.array([ev.probability for ev in visits])
    u = rng.random((R, V, 7 + n))
    due = np.full((R, V), -1)
    counts = {k: np.zeros(R, dtype=np.int64) for k in ("visits", "visits_declined", "arrests", "non_compliances",
                                                         "refusals_by_non_members", "retaliations", "findings",
                                                         "referrals", "sanctions")}
    decision = {h: np.zeros(R, dtype=np.int8) for h in hosts}
    flags = {k: np.zeros((R, n), dtype=bool) for k in ("retaliation", "finding", "referral")}
    shortfall = np.zeros((R, n))
    rows = np.arange(R)

    def pc(h: int, q: int) -> np.ndarray:
        pos = np.maximum(ties[:, h, :], 0.0) * third
        pos[:, q] = 0.0
        num, den = (pos * support).sum(axis=1), pos.sum(axis=1)
        tp = np.divide(num, den, out=np.zeros(R), where=den > 1e-12)
        du = (p["w_obligation"] * member[h] * cred - p["w_dependence"] * dep[:, h, q] * p["retaliation_prob"]
              * p["retaliation_severity"] - p["w_trade"] * trade[:, h, q] * p["retaliation_prob"]
              - p["w_ties"] * ties[:, h, q] + p["w_third"] * tp + p["w_domestic"] * attr["domestic_compliance"][:, h])
        return _logistic(p["rationality"] * du)

    def shift(runs_: np.ndarray, h: int, others: np.ndarray, delta: np.ndarray | float) -> None:
        add = np.where(others & runs_[:, None], np.broadcast_to(delta, (R,))[:, None], 0.0)
        ties[:, h, :] += add
        ties[:, :, h] += add

    rep_names = ["credibility", "visits", "arrests", "non_compliances", "findings"] + \
        [f"p_comply.{d.ids[h]}" for h in hosts]
    series = {k: np.empty((scn.steps + 1, R)) for k in rep_names}

    def record(t: int) -> None:
        series["credibility"][t] = cred
        for k in ("visits", "arrests", "non_compliances", "findings"):
            series[k][t] = counts[k]
        for h in hosts:
            series[f"p_comply.{d.ids[h]}"][t] = pc(h, partner[h])

    record(0)
    for step in range(1, scn.steps + 1):
        for v, ev in enumerate(visits):
            here = due[:, v] == step
            if not here.any():
                continue
            h = idx[ev.host]
            found = here & (u[:, v, 3] < p["finding_prob"])
            referred = found & (u[:, v, 4] < p["referral_prob"])
            sanctioned = referred & (u[:, v, 5] < p["sanction_prob"])
            flags["finding"][found, h] = True
            flags["referral"][referred, h] = True
            counts["findings"] += found
            counts["referrals"] += referred
            counts["sanctions"] += sanctioned
            cred = np.where(found, cred + p["enforcement_restoration"] * (1.0 - cred), cred)
            if sanctioned.any():
                sup = (support > 0) & third
                sup[:, h] = False
                shift(sanctioned, h, sup, -p["third_party_cost"])
                np.clip(ties, -1.0, 1.0, out=ties)
        now = [(v, ev) for v, ev in enumerate(visits) if ev.step == step]
        if now:
            probs = {(idx[ev.host], idx[ev.visitor]): pc(idx[ev.host], idx[ev.visitor]) for _, ev in now}
            comply_n, defy_n = np.zeros(R), np.zeros(R)
            for v, ev in now:
                h, q = idx[ev.host], idx[ev.visitor]
                pr = probs[(h, q)]
                gain = attr["visit_value"][:, q] - pr * attr["arrest_cost"][:, q]
                travel = fired[:, v] & (u[:, v, 0] < _logistic(p["visitor_rationality"] * gain))
                comply = travel & (u[:, v, 1] < pr)
                refuse = travel & ~comply
                defy = refuse & bool(member[h])
                retaliate = comply & (u[:, v, 2] < p["retaliation_prob"])
                if v == first[h]:
                    decision[h][:] = np.where(fired[:, v], np.where(travel, np.where(comply, 2, 3), 1), 0)
                counts["visits"] += travel
                counts["visits_declined"] += fired[:, v] & ~travel
                counts["arrests"] += comply
                counts["non_compliances"] += defy
                counts["refusals_by_non_members"] += refuse & ~defy
                counts["retaliations"] += retaliate
                flags["retaliation"][retaliate, h] = True
                shortfall[:, h] += np.where(retaliate, p["retaliation_severity"] * dep[:, h, q], 0.0)
                one = np.zeros((R, n), dtype=bool)
                one[:, q] = True
                shift(comply, h, one, -p["partner_tie_loss"])
                shift(refuse, h, one, p["visit_tie_gain"])
                react = (u[:, v, 7:] < np.abs(support)) & third
                react[:, [h, q]] = False
                shift(comply, h, react & (support < 0), -p["third_party_cost"])
                shift(refuse, h, react & (support > 0), -p["third_party_cost"])
                due[defy, v] = step + p["finding_delay"][defy].astype(np.int64)
                comply_n += comply & bool(member[h])
                defy_n += defy
            np.clip(ties, -1.0, 1.0, out=ties)
            c = 1.0 - (1.0 - cred) * (1.0 - p["compliance_reinforcement"]) ** comply_n
            c = c * (1.0 - p["precedent_erosion"]) ** defy_n
            cred = np.where(comply_n + defy_n > 0, c, cred)
        record(step)
    del rows
    out: dict[str, np.ndarray] = {"run": np.arange(R), **inputs, **counts, "final_credibility": cred,
                                  "norm_unravelled": cred < p["unravel_threshold"]}
    names = np.array(("no_visit", "declined", "arrest", "no_arrest"), dtype=object)
    dt = ties - ties0
    for h in hosts:
        hid = d.ids[h]
        out[f"decision.{hid}"] = names[decision[h]]
        out[f"retaliation.{hid}"] = flags["retaliation"][:, h]
        out[f"finding.{hid}"] = flags["finding"][:, h]
        out[f"referral.{hid}"] = flags["referral"][:, h]
        out[f"energy_shortfall.{hid}"] = shortfall[:, h]
        for j, jid in enumerate(d.ids):
            if j not in (h, inst):
                out[f"ties_change.{hid}.{jid}"] = dt[:, h, j]
    return out, series
