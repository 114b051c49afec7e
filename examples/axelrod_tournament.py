"""Axelrod's round robin, replayed: which behaviour scores most, and how often does it come first?

Run from the repository root:  python examples/axelrod_tournament.py [--runs N] [--out DIR]

The shipped scenario has the structure of Axelrod's first computer tournament (1980): every
entrant plays every other and a twin of itself, 200 rounds of the prisoner's dilemma with
R=3, S=0, T=5, P=1 and no noise. The deterministic entrants play the same matches in every
replication; the random, generous tit-for-tat and quantal-response entrants vary, so the
ranking is a distribution. The tournament score of an entrant is its total payoff divided by
its number of matches (in 1980 tit-for-tat, Rapoport's entry, scored highest on average).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

import simsim
from simsim.plotting import outcomes_figure

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent / "scenarios"


def standings_figure(table: pd.DataFrame, title: str) -> Figure:
    """Mean score per match (with the 5-95% range over replications) and share of wins."""
    fig = Figure(figsize=(11, 0.42 * len(table) + 1.8), layout="constrained")
    ax_score, ax_top = fig.subplots(1, 2, sharey=True, width_ratios=[3, 2])
    y = np.arange(len(table))[::-1]
    mean = table["score_per_match"].to_numpy()
    err = np.vstack([mean - table["score_p05"], table["score_p95"] - mean])
    ax_score.barh(y, mean, color="#4C72B0", alpha=0.85)
    ax_score.errorbar(mean, y, xerr=np.clip(err, 0, None), fmt="none", ecolor="black", capsize=3, lw=1)
    for yi, m in zip(y, mean, strict=True):
        ax_score.text(m / 2, yi, f"{m:.0f}", va="center", ha="center", fontsize=8, color="white")
    ax_score.set_yticks(y, [f"{b} ({i})" for i, b in zip(table.index, table["behaviour"], strict=True)], fontsize=8)
    ax_score.set_xlabel("mean points per match of 200 rounds (bar: 5-95% over replications)")
    ax_score.set_title("score", fontsize=9)
    top = table["top_scorer_share"].to_numpy()
    ax_top.barh(y, top, color="#55A868", alpha=0.85)
    for yi, t in zip(y, top, strict=True):
        ax_top.text(t + 0.01, yi, f"{t:.0%}", va="center", fontsize=8)
    ax_top.set_xlim(0, 1.1)
    ax_top.set_xlabel("share of replications in which it scored highest")
    ax_top.set_title("top scorer", fontsize=9)
    fig.suptitle(title, fontsize=10)
    return fig


def main(runs: int = 100, seed: int = 1980, out: Path = Path("out/example_axelrod")) -> dict:
    scn = simsim.load_scenario(SCENARIOS / "axelrod_tournament_1980.yaml")
    res = simsim.run(scn, replications=runs, seed=seed)

    ids = scn.ids
    matches = len(ids) if scn.settings.get("self_play", False) else len(ids) - 1
    payoff = res.runs[[f"payoff.{i}" for i in ids]].set_axis(ids, axis=1)
    score = payoff / matches
    top = res.runs["top_scorer"].value_counts(normalize=True).reindex(ids, fill_value=0.0)
    table = pd.DataFrame({
        "behaviour": [scn.actor(i).behaviour for i in ids],
        "mean_payoff": payoff.mean(),
        "score_per_match": score.mean(),
        "score_p05": score.quantile(0.05),
        "score_p95": score.quantile(0.95),
        "top_scorer_share": top,
    }, index=pd.Index(ids, name="entrant")).sort_values("score_per_match", ascending=False)

    out.mkdir(parents=True, exist_ok=True)
    res.save(out / "results")
    table.to_csv(out / "standings.csv")
    outcomes_figure(res).savefig(out / "outcomes.png", dpi=100)
    standings_figure(table, f"Round robin with the structure of Axelrod (1980): {len(ids)} entrants, "
                            f"{matches} matches each (one against its twin), {runs} replications"
                     ).savefig(out / "standings.png", dpi=100)

    print(f"{runs} replications of the round robin, {matches} matches of 200 rounds per entrant:")
    print(table[["behaviour", "mean_payoff", "score_per_match", "top_scorer_share"]]
          .to_string(formatters={"mean_payoff": "{:.0f}".format, "score_per_match": "{:.1f}".format,
                                 "top_scorer_share": "{:.0%}".format}))
    print(f"\nOverall cooperation rate: {res.runs['cooperation_rate'].mean():.3f}")
    print(f"Written to {out}/")
    return {"standings": table, "matches": matches, "results": res}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1980)
    ap.add_argument("--out", type=Path, default=Path("out/example_axelrod"))
    a = ap.parse_args()
    main(a.runs, a.seed, a.out)
