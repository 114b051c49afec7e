"""New START: what would one more year of observing its limits change in a Richardson arms race?

Run from the repository root:  python examples/new_start.py [--runs N] [--out DIR]

Deployed warheads of the United States, Russia and China from January 2024 (one step = one
month) under uncertain fear, fatigue and grievance coefficients. The base scenario lets New
START's limit of 1,550 treaty-counted warheads lapse on 5 February 2026 (step 26); the
counterfactual, made with ``extends:``, observes it until February 2027 (step 38). Both are
run with the same seed, so they draw the same inputs and differ only through the ceiling.
These are consequences of the stated assumptions, not forecasts.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

import simsim
from simsim.analysis import compare, sensitivity
from simsim.plotting import comparison_figure, outcomes_figure, sensitivity_figure

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent / "scenarios"


def ceiling_end(scn: simsim.Scenario) -> int:
    """First step without the New START ceiling."""
    return next(int(e.end) for e in scn.events if getattr(e, "id", None) == "new_start")


def arsenals_figure(results: dict[str, simsim.Results], ends: dict[str, int]) -> Figure:
    """Median and 5-95% band of each treaty party's deployed arsenal by month, per scenario."""
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    colours = ("#4C72B0", "#C44E52")
    for ax, actor in zip(axes, ("USA", "RUS"), strict=True):
        for (name, res), colour in zip(results.items(), colours, strict=True):
            wide = res.timeseries.pivot(index="step", columns="run", values=f"arsenal.{actor}")
            q = wide.quantile([0.05, 0.5, 0.95], axis=1).T
            ax.fill_between(q.index, q[0.05], q[0.95], color=colour, alpha=0.15)
            ax.plot(q.index, q[0.5], color=colour, lw=1.8, label=f"{name}: median, 5-95% band")
            ax.axvline(ends[name], color=colour, ls="--", lw=1)
        ax.set_title({"USA": "United States", "RUS": "Russia"}[actor], fontsize=9)
        ax.set_xlabel("month (1 = January 2024; dashed: first month without the ceiling)")
        ax.legend(fontsize=8, loc="upper left")
    axes[0].set_ylabel("deployed warheads")
    fig.suptitle("Deployed arsenals with New START ending in February 2026 or observed to February 2027", fontsize=10)
    return fig


def main(runs: int = 500, seed: int = 2024, out: Path = Path("out/example_new_start")) -> dict:
    base = simsim.load_scenario(SCENARIOS / "nuclear_arms_race.yaml")
    extended = simsim.load_scenario(SCENARIOS / "nuclear_arms_race_new_start_extended.yaml")

    res = simsim.run(base, replications=runs, seed=seed)
    res_ext = simsim.run(extended, replications=runs, seed=seed)
    table = compare(res, res_ext)
    drivers = sensitivity(res, "final.USA")

    out.mkdir(parents=True, exist_ok=True)
    res.save(out / "base")
    res_ext.save(out / "extended")
    table.to_csv(out / "comparison.csv", index=False)
    drivers.to_csv(out / "sensitivity_final_USA.csv", index=False)
    # every outcome on its own scale, labelled with its declared unit, and the difference b - a
    comparison_figure(res, res_ext, table=table).savefig(out / "comparison.png", dpi=100)
    comparison_figure(res, res_ext, ["stable", "breach"]).savefig(out / "comparison_probabilities.png", dpi=100)
    outcomes_figure(res).savefig(out / "base_outcomes.png", dpi=100)
    sensitivity_figure(res, "final.USA").savefig(out / "sensitivity_final_USA.png", dpi=100)
    ends = {base.name: ceiling_end(base), extended.name: ceiling_end(extended)}
    arsenals_figure({base.name: res, extended.name: res_ext}, ends).savefig(out / "arsenals.png", dpi=100)

    print(f"{runs} runs of each scenario, seed {seed}; a = {base.name}, b = {extended.name}")
    with pd.option_context("display.float_format", "{:.4g}".format):
        cols = ["label", "estimate_a", "estimate_b", "difference", "diff_low", "diff_high"]
        print(table[cols].to_string(index=False))
    print("\nWhat drives the US arsenal in December 2035 (base; partial rank correlation):")
    print(drivers.head(5).to_string(index=False, float_format="{:.2f}".format))
    print(f"\nWritten to {out}/")
    return {"table": table, "sensitivity": drivers, "ceiling_end": ends, "base": res, "extended": res_ext}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=500)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--out", type=Path, default=Path("out/example_new_start"))
    a = ap.parse_args()
    main(a.runs, a.seed, a.out)
