"""Regenerate docs/gallery.md and its figures: every kind of figure simsim draws, from shipped scenarios.

Run from the repository root:  python examples/gallery.py [--out DIR]

Writes ``DIR/gallery.md`` and ``DIR/gallery/*.png`` (default DIR: docs). The test suite runs
this script into a temporary folder and checks that the page it writes is the committed
``docs/gallery.md`` and that every figure the page shows is produced, so the page cannot drift
from the code. Run counts are small so that the script stays quick; the figures show what each
kind looks like, not final estimates.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import simsim
from simsim.comparison import Comparison
from simsim.plotting import (
    SimsimFigure,
    convergence_figure,
    fan_data,
    outcomes_figure,
    plot_fan,
    reporter_spec,
    sensitivity_figure,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = 7


class Entry(NamedTuple):
    """One figure of the gallery: its file, heading, caption and how to draw it."""

    file: str
    heading: str
    caption: str
    draw: Callable[[dict[str, simsim.Results]], SimsimFigure]
    code: str


_DESIGNS: dict[str, simsim.Results] = {}


def _design(kind: str) -> simsim.Results:
    """A small designed experiment on the flagship (computed once): a sweep, Sobol or Morris."""
    from simsim.designs import morris, sobol, sweep

    if kind not in _DESIGNS:
        if kind == "sweep":
            _DESIGNS[kind] = sweep("mongolia_icc_2024", {
                "relations.energy_dependence.edges.MNG->RUS": [0.2, 0.6, 0.95],
                "relations.ties.edges.MNG->RUS": [0.1, 0.7]}, replications=400, seed=SEED)
        elif kind == "sobol":
            _DESIGNS[kind] = sobol("mongolia_icc_2024", base_samples=16, replications=20, seed=SEED)
        else:
            _DESIGNS[kind] = morris("mongolia_icc_2024", trajectories=8, replications=20, seed=SEED)
    return _DESIGNS[kind]


def _fan(results: simsim.Results, reporter: str) -> SimsimFigure:
    spec = reporter_spec(results, reporter) or {}
    fig = SimsimFigure(figsize=(6, 3.6), layout="constrained")
    plot_fan(fan_data(results.timeseries, reporter), spec.get("label", reporter), fig.add_subplot(),
             unit=spec.get("unit"))
    return fig


#: (key, scenario, runs): the experiments the figures draw on
RUNS: tuple[tuple[str, str, int], ...] = (
    ("mongolia", "mongolia_icc_2024", 2000),
    ("mongolia_half", "mongolia_icc_2024_half_dependence", 2000),
    ("network", "icc_visits_network", 1000),
    ("arms", "nuclear_arms_race", 120),
    ("arms_extended", "nuclear_arms_race_new_start_extended", 120),
    ("bargaining", "ec_emissions_1994", 5),
    ("alignment", "landscape_syria_2016", 60),
    ("games", "iterated_cooperation", 40),
)

ENTRIES: tuple[Entry, ...] = (
    Entry("outcomes_mongolia.png", "Outcomes of one scenario",
          "Probabilities of the boolean and categorical main outcomes with 95% Wilson intervals; one panel "
          "per numeric outcome, titled with its declared label and drawn on its declared unit; a fan chart "
          "(median, 25-75% and 5-95% of runs) of each main reporter over steps. An outcome that most runs "
          "share (here: no fuel cut) is stated in the title and the histogram shows the other runs.",
          lambda r: outcomes_figure(r["mongolia"]),
          "outcomes_figure(res)"),
    Entry("outcomes_network.png", "Outcomes with counts: bars of their values",
          "A numeric outcome with few distinct values (a count of arrests or non-compliances over a few "
          "visits) is drawn as one bar per value with its share of runs, instead of a histogram.",
          lambda r: outcomes_figure(r["network"]),
          "outcomes_figure(simsim.run(\"icc_visits_network\", replications=1000, seed=7))"),
    Entry("compare_mongolia.png", "Comparison of two scenarios",
          "Left: both scenarios' estimates with 95% intervals; probabilities share one 0-100% axis, and each "
          "numeric outcome has its own axis spanning 5-95% of the runs of both, so a difference of means is "
          "seen against the spread of the outcome. Right: the difference b - a with its 95% interval and zero.",
          lambda r: Comparison.of(r["mongolia"], r["mongolia_half"]).figure(),
          "Comparison.of(res, res_half_dependence).figure()"),
    Entry("compare_new_start.png", "Comparison with numeric outcomes in their units",
          "The same figure for the New START counterfactual (the ceiling observed one more year): "
          "warheads and months on their own axes, with the declared units.",
          lambda r: Comparison.of(r["arms"], r["arms_extended"]).figure(),
          "Comparison.of(res, res_extended).figure()"),
    Entry("sensitivity_mongolia.png", "Sensitivity: what drives an outcome",
          "Tornado chart of the partial rank correlation (PRCC, Marino et al. 2008) of each uncertain input "
          "with the outcome, with 95% intervals; inputs are named by actor and attribute or relation.",
          lambda r: sensitivity_figure(r["mongolia"], "decision.MNG", "no_arrest"),
          "sensitivity_figure(res, \"decision.MNG\", \"no_arrest\")"),
    Entry("convergence_mongolia.png", "Convergence: are there enough runs?",
          "The estimate and its 95% interval over the first n runs, on a log scale of n.",
          lambda r: convergence_figure(r["mongolia"], "final_credibility"),
          "convergence_figure(res, \"final_credibility\")"),
    Entry("fan_arsenal.png", "Fan chart of one reporter",
          "Median and bands of a per-step reporter across runs, titled with its label and with its unit on "
          "the y-axis.",
          lambda r: _fan(r["arms"], "arsenal.USA"),
          "plot_fan(fan_data(res.timeseries, \"arsenal.USA\"), \"Arsenal of United States\", unit=\"warheads\")"),
    Entry("outcomes_arms_race.png", "Outcomes of an arms race (arms_race)",
          "Final arsenals in warheads, first months of breaches, and the total arsenal over the months.",
          lambda r: outcomes_figure(r["arms"]),
          "outcomes_figure(simsim.run(\"nuclear_arms_race\", replications=120, seed=7))"),
    Entry("outcomes_bargaining.png", "Outcomes of a bargaining model (bargaining)",
          "Every input of this scenario is fixed, so every run is the same: each numeric outcome is a point "
          "mass, drawn as a single bar; the fan charts are lines.",
          lambda r: outcomes_figure(r["bargaining"]),
          "outcomes_figure(simsim.run(\"ec_emissions_1994\", replications=5, seed=7))"),
    Entry("outcomes_alignment.png", "Outcomes of landscape theory (alignment)",
          "Open-ended categorical outcomes (configurations) show their most frequent categories and pool the "
          "others; energies are in the units of the landscape.",
          lambda r: outcomes_figure(r["alignment"]),
          "outcomes_figure(simsim.run(\"landscape_syria_2016\", replications=60, seed=7))"),
    Entry("design_sweep.png", "A sweep over two factors",
          "The outcome at every point of a full-factorial sweep (docs/experiments.md), each cell with its "
          "estimate and 95% interval; probabilities on a fixed 0-1 colour scale. Every point runs the same "
          "seeds, so differences between cells are not sampling noise.",
          lambda r: _design_figure("sweep"),
          "design_figure(sweep(\"mongolia_icc_2024\", {...}, replications=400, seed=7), \"decision.MNG\", "
          "\"no_arrest\")"),
    Entry("design_sobol.png", "Sobol indices (SALib)",
          "First-order and total-order Sobol indices of each uncertain input with 95% bootstrap intervals, "
          "on the probability of a row of the design (20 runs per row). With 16 base samples the intervals "
          "are wide, and the figure says in red why the indices are not resolved: this shows the figure, "
          "not the answer.",
          lambda r: _design_figure("sobol"),
          "design_figure(sobol(\"mongolia_icc_2024\", base_samples=16, replications=20, seed=7), ...)"),
    Entry("design_morris.png", "Morris screening (SALib)",
          "Mean absolute elementary effect (mu*) against the spread of the effects (sigma) of each input: "
          "far right matters, high up acts non-linearly or through interactions. Every input is a point; the "
          "10 largest by mu* are labelled.",
          lambda r: _design_figure("morris"),
          "design_figure(morris(\"mongolia_icc_2024\", trajectories=8, replications=20, seed=7), ...)"),
    Entry("outcomes_games.png", "Outcomes of iterated games (games)",
          "Cooperation rates as shares of moves, payoffs in payoff points, and the cooperation rate per round.",
          lambda r: outcomes_figure(r["games"]),
          "outcomes_figure(simsim.run(\"iterated_cooperation\", replications=40, seed=7))"),
)

def _design_figure(kind: str) -> SimsimFigure:
    from simsim.designs.plots import design_figure

    return design_figure(_design(kind), "decision.MNG", "no_arrest")


HEADER = """# Gallery

Every kind of figure simsim draws, from the shipped scenarios. Titles and axes come from the
`label` and `unit` each mechanism declares for its outcomes and reporters. In a notebook each
figure displays itself (no `%matplotlib` needed); `examples/mongolia_icc.ipynb` shows them in
context.

This page and its images are written by `python examples/gallery.py`; the test suite runs the
script and checks that the page is unchanged, so it follows the code. Run counts are small to
keep the script quick: the figures show what each kind looks like, not final estimates. Seed {seed}.
"""


def render(entries: tuple[Entry, ...] = ENTRIES) -> str:
    """The text of gallery.md."""
    parts = [HEADER.format(seed=SEED)]
    runs = {key: (name, n) for key, name, n in RUNS}
    parts.append("| experiment | scenario | runs |\n|---|---|---|")
    parts += [f"| `{key}` | `{name}` | {n} |" for key, (name, n) in runs.items()]
    for e in entries:
        parts.append(f"\n## {e.heading}\n\n{e.caption}\n\n```python\n{e.code}\n```\n\n"
                     f"![{e.heading}](gallery/{e.file})")
    return "\n".join(parts) + "\n"


def main(out: Path = ROOT / "docs", dpi: int = 80) -> list[Path]:
    """Run the experiments, draw every figure into ``out/gallery/`` and write ``out/gallery.md``."""
    results = {key: simsim.run(name, replications=n, seed=SEED, quiet=True) for key, name, n in RUNS}
    folder = out / "gallery"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for e in ENTRIES:
        path = folder / e.file
        e.draw(results).savefig(path, dpi=dpi)
        written.append(path)
    (out / "gallery.md").write_text(render())
    return written


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    a = ap.parse_args()
    for p in main(a.out):
        print(p)
