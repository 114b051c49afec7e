"""Syria, February 2016: which two-bloc alignment does landscape theory predict, and how sure is it?

Run from the repository root:  python examples/landscape_syria.py [--runs N] [--out DIR]

The shipped scenario holds the sizes and propensities of the published replication by A. Furnas
with R. Axelrod (February 2016). Exact enumeration of all 2^10 two-bloc configurations gives the
global minimum and every local minimum of the energy landscape; the model (many random starts
per run, each descending by one actor's best response at a time) shows where descent ends. The
published result is {Turkey, ISIS, Nusra Front} against all others, with energy -83,200.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

import simsim
from simsim.mechanisms.alignment import enumerate_configurations
from simsim.plotting import outcomes_figure

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent / "scenarios"


def landscape(scn: simsim.Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Sizes and the propensity matrix of an alignment scenario (fixed values, or central ones)."""
    ids = scn.ids
    pos = {a: k for k, a in enumerate(ids)}
    size = np.array([a.attributes["size"].central() for a in scn.actors])
    rel = scn.relations["propensity"]
    prop = np.full((len(ids), len(ids)), float(rel.default))
    for edge in rel.edges:
        i, j = pos[edge.from_], pos[edge.to]
        prop[i, j] = edge.central()
        if rel.symmetric:
            prop[j, i] = edge.central()
    np.fill_diagonal(prop, 0.0)
    return size, prop


def landscape_figure(energies: np.ndarray, minima: pd.DataFrame, title: str) -> Figure:
    """Histogram of the energy of every configuration, with the local minima marked."""
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.add_subplot()
    ax.hist(energies, bins=40, color="#4C72B0", alpha=0.8, label=f"all {len(energies):,} configurations")
    for k, row in enumerate(minima.itertuples(index=False)):
        colour = "#C44E52" if row.is_global else "#DD8452"
        kind = "global minimum" if row.is_global else "local minimum"
        ax.axvline(row.energy, color=colour, lw=2, ls="-" if row.is_global else "--",
                   label=f"{kind}: {{{row.configuration.replace('+', ', ')}}}, E = {row.energy:,.0f}")
        if k >= 5:
            break
    ax.set_xlabel("energy E(X) = sum over ordered pairs of s_i s_j p_ij d_ij(X)  (lower: less frustration)")
    ax.set_ylabel("number of configurations")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    return fig


def main(runs: int = 200, seed: int = 2016, out: Path = Path("out/example_syria")) -> dict:
    scn = simsim.load_scenario(SCENARIOS / "landscape_syria_2016.yaml")
    names = {a.id: a.name for a in scn.actors}

    # 1. exact: every two-bloc configuration of the landscape
    size, prop = landscape(scn)
    en = enumerate_configurations(size, prop, keep_energies=True)
    minima = en.table(scn.ids)

    # 2. the model: random starts descend to a local minimum
    res = simsim.run(scn, replications=runs, seed=seed)
    reached = res.runs["configuration"].value_counts(normalize=True)

    out.mkdir(parents=True, exist_ok=True)
    res.save(out / "results")
    minima.to_csv(out / "local_minima.csv", index=False)
    outcomes_figure(res).savefig(out / "outcomes.png", dpi=100)
    landscape_figure(en.energies, minima,
                     f"Syria 2016: energy of all {en.count:,} two-bloc configurations "
                     f"({len(minima)} local minimum{'a' if len(minima) != 1 else ''})"
                     ).savefig(out / "landscape.png", dpi=100)

    label = minima.loc[0, "configuration"]
    print(f"Exact enumeration of {en.count:,} configurations:")
    print(f"  global minimum: {{{', '.join(names[i] for i in label.split('+'))}}} against all others,"
          f" energy {en.global_energy:,.0f} (published: Turkey, ISIS, Nusra Front; -83,200)")
    print(f"  local minima: {len(minima)}")
    print(minima[["rank", "configuration", "energy", "is_global"]].to_string(index=False))
    print()
    print(f"The model, {runs} runs x {int(scn.parameters['starts'].central())} random starts:")
    for conf, share in reached.items():
        print(f"  start 0 ended in {conf}: {share:.1%} of runs")
    print(f"  mean share of starts ending in the global minimum: {res.runs['global_basin'].mean():.1%}")
    print(f"  moves of start 0: median {res.runs['moves'].median():.0f}, max {res.runs['moves'].max():.0f}")
    print(f"\nWritten to {out}/")
    return {
        "global_configuration": label,
        "global_energy": en.global_energy,
        "configurations_examined": en.count,
        "local_minima": minima,
        "reached": reached.to_dict(),
        "results": res,
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=2016)
    ap.add_argument("--out", type=Path, default=Path("out/example_syria"))
    a = ap.parse_args()
    main(a.runs, a.seed, a.out)
