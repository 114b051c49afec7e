"""Mongolia and the ICC warrant: run the flagship, plot it, and compare a counterfactual.

Run from the repository root:  python examples/mongolia_icc.py [--runs N] [--out DIR]

This is what a user would type in a notebook: load a scenario, run it many times, look at
the distribution of outcomes, then ask "what if Mongolia depended half as much on Russian
fuel?" with the counterfactual scenario made by ``extends:``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import simsim
from simsim.analysis import compare
from simsim.plotting import comparison_figure, outcomes_figure

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent / "scenarios"


def main(runs: int = 2000, seed: int = 7, out: Path = Path("out/example_mongolia")) -> dict:
    base = simsim.load_scenario(SCENARIOS / "mongolia_icc_2024.yaml")
    counterfactual = simsim.load_scenario(SCENARIOS / "mongolia_icc_2024_half_dependence.yaml")

    res = simsim.run(base, replications=runs, seed=seed)
    res_cf = simsim.run(counterfactual, replications=runs, seed=seed)

    out.mkdir(parents=True, exist_ok=True)
    res.save(out / "base")
    res_cf.save(out / "half_dependence")
    outcomes_figure(res).savefig(out / "base_outcomes.png", dpi=100)
    comparison_figure(res, res_cf).savefig(out / "comparison.png", dpi=100)

    table = compare(res, res_cf)
    table.to_csv(out / "comparison.csv", index=False)
    print(res.summary().head(8).to_string(index=False))
    print()
    print(table[["label", "estimate_a", "estimate_b", "difference", "diff_low", "diff_high"]].to_string(index=False))
    decisions = res.summary(["decision.MNG"]).set_index("category")["estimate"]
    decisions_cf = res_cf.summary(["decision.MNG"]).set_index("category")["estimate"]
    # the host's propensity to arrest before the visit, run by run (same seed: same draws)
    p0 = res.timeseries.loc[res.timeseries.step == 0, "p_comply.MNG"].to_numpy()
    p0_cf = res_cf.timeseries.loc[res_cf.timeseries.step == 0, "p_comply.MNG"].to_numpy()
    return {"base": decisions.to_dict(), "half_dependence": decisions_cf.to_dict(), "table": table,
            "called_off": (res.runs["called_off.MNG"].mean(), res_cf.runs["called_off.MNG"].mean()),
            "p_arrest": (p0, p0_cf)}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=Path("out/example_mongolia"))
    a = ap.parse_args()
    main(a.runs, a.seed, a.out)
