"""Regenerate the worked example of docs/mechanisms/bargaining.md from the code.

Run from the repository root:  python examples/bargaining_worked_example.py [--check]

The section of the page between the markers ``<!-- worked-example:start -->`` and
``<!-- worked-example:end -->`` is computed here: the EC emission case
(scenarios/ec_emissions_1994.yaml) round by round under both offer rules, next to the path of the
published replication (tests/reference/bdm_ec_replication_path.csv), and the distribution of
forecasts of scenarios/icc_compliance_bargaining.yaml. Without ``--check`` the page is rewritten;
with it, the script only reports whether the page is up to date (exit code 1 if not).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

import simsim

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOC = ROOT / "docs" / "mechanisms" / "bargaining.md"
EC = ROOT / "scenarios" / "ec_emissions_1994.yaml"
ICC = ROOT / "scenarios" / "icc_compliance_bargaining.yaml"
REPLICATION = ROOT / "tests" / "reference" / "bdm_ec_replication_path.csv"
START, END = "<!-- worked-example:start -->", "<!-- worked-example:end -->"
MOVERS = ("BEL", "LUX", "IRL")


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, width=96, break_on_hyphens=False, break_long_words=False)


def replication_means() -> np.ndarray:
    """Weighted mean position by round (0-10) of the published replication."""
    with REPLICATION.open() as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    return np.array([float(r["mean_position"]) for r in rows])


def ec_rounds(rule: int) -> pd.DataFrame:
    """One run of the EC case with offer rule ``rule`` (0 paper, 1 replication): its timeseries by round."""
    scn = simsim.load_scenario(EC, {"parameters.offer_rule.value": rule})
    ts = simsim.run(scn, replications=1, seed=1).timeseries
    return ts.sort_values("step").set_index("step").rename_axis("round")


def worked_example() -> tuple[str, dict[str, float]]:
    """The markdown of the worked example and its key numbers."""
    rep, paper = ec_rounds(1), ec_rounds(0)
    published = replication_means()
    names = {a.id: a.name for a in simsim.load_scenario(EC).actors}
    gap = np.abs(rep["mean_position"].to_numpy() - published)
    gap_paper = np.abs(paper["mean_position"].to_numpy() - published)
    runs = {rule: simsim.run(simsim.load_scenario(EC, {"parameters.offer_rule.value": rule}), replications=1,
                             seed=1).runs.iloc[0] for rule in (0, 1)}
    movers = ", ".join(names[a] for a in MOVERS)
    lines = [
        "The reference case (all inputs fixed, no randomness in the model, so every run is the same):",
        "",
        "    simsim run scenarios/ec_emissions_1994.yaml -n 1 --seed 1 --out out/ec_emissions_1994",
        "",
        *_wrap("The scenario selects the replication's offer rule (`offer_rule: 1`); "
               "`--set parameters.offer_rule.value=0` selects the paper's. Round by round: `mean` is the forecast "
               "(the weighted mean position, B1), `published` the published replication's mean, then the median and "
               f"the positions of the three actors that move ({movers}) and the offers accepted, all under the "
               "replication's rule, except the column of means under the paper's rule:"),
        "",
        "| round | mean | published | mean, paper's rule | median | "
        + " | ".join(names[a] for a in MOVERS) + " | confrontations accepted | compromises accepted |",
        "|---|---|---|---|---|" + "---|" * len(MOVERS) + "---|---|",
    ]
    for k in rep.index:
        row = rep.loc[k]
        cells = [str(k), f"{row['mean_position']:.3f}", f"{published[k]:.3f}", f"{paper.loc[k, 'mean_position']:.3f}",
                 f"{row['median_position']:.3f}", *(f"{row[f'position.{a}']:.3f}" for a in MOVERS),
                 str(int(row["accepted.confrontation"])), str(int(row["accepted.compromise"]))]
        lines.append("| " + " | ".join(cells) + " |")
    in_band = {rule: bool(df["mean_position"].between(7.2, 7.6).all()) for rule, df in ((0, paper), (1, rep))}
    band = ("Both stay in the published band [7.2, 7.6]." if all(in_band.values()) else
            f"In the published band [7.2, 7.6]: replication's rule {in_band[1]}, paper's rule {in_band[0]}.")
    settle = {rule: bool(runs[rule]["converged"]) for rule in (0, 1)}
    settled = ("Neither run settles: the runs end at the step limit with `converged` false, the lack of "
               "convergence Scholz et al. discuss." if not any(settle.values()) else
               f"Converged: replication's rule {settle[1]}, paper's rule {settle[0]}.")
    lines += [
        "",
        *_wrap("With the replication's rule the forecast equals the published replication's on every round "
               f"(largest difference {gap.max():.1e}; the test requires 0.05); with the paper's rule it follows it "
               f"for the first rounds and then drifts (largest difference {gap_paper.max():.2f}). {band} {settled} "
               f"Forecast after round 10: {rep['mean_position'].iloc[-1]:.3f} (replication's rule), "
               f"{paper['mean_position'].iloc[-1]:.3f} (paper's rule)."),
        "",
    ]
    icc = simsim.run(simsim.load_scenario(ICC), replications=500, seed=20240903).runs
    lines += [
        "With uncertain inputs every run draws its own capabilities, positions and saliences, and the",
        "forecast becomes a distribution:",
        "",
        "    simsim run scenarios/icc_compliance_bargaining.yaml -n 500 --seed 20240903",
        "",
        "| outcome | mean | sd | 5% | 95% |",
        "|---|---|---|---|---|",
    ]
    for col in ("forecast", "final_median", "final_position.MNG"):
        v = icc[col]
        lines.append(f"| `{col}` | {v.mean():.2f} | {v.std():.2f} | {v.quantile(0.05):.1f} | {v.quantile(0.95):.1f} |")
    lines += [
        "",
        "These numbers restate the assumed input ranges of that scenario through the model; they are not",
        "estimates of what happened.",
    ]
    key = {"max_gap_replication": float(gap.max()), "max_gap_paper": float(gap_paper.max()),
           "forecast_replication": float(rep["mean_position"].iloc[-1]),
           "forecast_paper": float(paper["mean_position"].iloc[-1]),
           "icc_forecast_mean": float(icc["forecast"].mean())}
    return "\n".join(lines) + "\n", key


def main(check: bool = False, doc: Path = DOC) -> dict[str, object]:
    """Rewrite (or with ``check``, compare) the worked example in ``doc``; return what was done."""
    text = doc.read_text()
    if text.count(START) != 1 or text.count(END) != 1:
        raise SystemExit(f"{doc}: expected one {START} and one {END} marker")
    head, rest = text.split(START)
    old, tail = rest.split(END)
    body, key = worked_example()
    new = f"{head}{START}\n{body}{END}{tail}"
    current = new == text
    if not check and not current:
        doc.write_text(new)
    elif check and not current:
        sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), ("\n" + body).splitlines(True),
                                                   "docs (current)", "docs (from the code)"))
    return {"up_to_date": current, "written": not check and not current, **key}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only report whether the page is up to date")
    result = main(check=ap.parse_args().check)
    print("up to date" if result["up_to_date"] else ("rewritten" if result["written"] else "OUT OF DATE"))
    sys.exit(0 if result["up_to_date"] or result["written"] else 1)
