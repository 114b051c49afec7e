"""``simsim design RESULTS_DIR``: the analysis of a designed experiment (sweep, Sobol, Morris)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

NAME = "design"


def add_parser(sub: Any) -> None:
    """Register the subcommand."""
    p = sub.add_parser(NAME, help="analyse a sweep, Sobol or Morris design: table and figure")
    p.add_argument("results", type=Path, help="results folder of a designed experiment")
    p.add_argument("--outcome", help="outcome (default: the first main outcome)")
    p.add_argument("--category", help="category of a categorical outcome (default: the most frequent)")
    p.add_argument("--out", type=Path, help="PNG file (default: RESULTS/design.png)")
    p.add_argument("--factor", action="append", metavar="PATH",
                   help="a sweep's factor on an axis of the figure (repeat for two; default: the first two)")
    p.add_argument("--at", action="append", default=[], metavar="PATH=VALUE",
                   help="fix another factor of a sweep at one of its levels (repeatable); factors neither shown nor "
                        "fixed get a panel per value")
    p.add_argument("--reference", type=int, metavar="K",
                   help="a sweep's point (the table's 'point' column) that paired differences are taken from "
                        "(default: the first point shown)")


def run(args: argparse.Namespace) -> int:
    """Print the design's table for the outcome and write its figure."""
    from simsim.designs.analysis import morris_effects, morris_warnings, sobol_indices, sobol_warnings, sweep_table
    from simsim.designs.plots import design_figure
    from simsim.errors import SimsimError
    from simsim.results import Results

    res = Results.load(args.results)
    kind = (res.metadata.get("design") or {}).get("kind")
    name = args.outcome or (res.main_outcomes[0] if res.main_outcomes else None)
    if name is None:
        raise SimsimError("no main outcome: choose one with --outcome")
    from simsim.results_check import check_category, check_outcomes

    check_outcomes(res, name)
    check_category(res, name, args.category)
    spec = {s["name"]: s for s in res.outcome_specs}.get(name)
    category = args.category
    if spec is not None and spec["kind"] == "category" and category is None:
        counts = res.runs[name].dropna().astype(str).value_counts()
        category = str(counts.index[0]) if len(counts) else None
    label = f"{name} = {category}" if category else name
    at = _at(args.at)
    out = args.out or args.results / "design.png"
    if not out.parent.is_dir():
        raise SimsimError(f"--out {out}: folder {out.parent} does not exist")
    if kind != "sweep" and args.reference is not None:
        raise SimsimError(f"--reference: {args.results} is a {kind or 'plain'} design, not a sweep")
    # bad --factor/--at/--reference: refused before any output
    fig = design_figure(res, name, category, factors=args.factor, at=at, reference=args.reference)
    notes: list[str] = []
    if kind == "sweep":
        from simsim.designs.analysis import reference_point, sweep_at

        ref = reference_point(res, args.reference, at)
        table = sweep_at(sweep_table(res, name, category, reference=ref), at)
        design = res.metadata["design"]
        ref_text = ", ".join(f"{f} = {float(v):g}" for f, v in zip(design["factors"], design["points"][ref],
                                                                  strict=True))
        where = "; ".join(f"{f} = {v:g}" for f, v in at.items())
        print(f"{label} at each point of the sweep" + (f" with {where}" if where else "")
              + f" ({design['replications']} runs per point, the same seeds at every point):\n"
              f"  estimate [ci_low, ci_high]: the point's own 95% interval (overlapping intervals do not mean "
              f"no difference)\n"
              f"  diff [diff_low, diff_high]: paired difference from point {ref} ({ref_text}), run by run on the "
              f"shared seeds, normal 95% interval over 'pairs' pairs")
    elif kind == "sobol":
        table = sobol_indices(res, name, category)
        d = res.metadata["design"]
        print(f"Sobol indices of {label} (S1 first order, ST total order; *_conf: 95% half-widths; "
              f"base_samples {d.get('base_samples')}, {d.get('replications') or 1} replication(s) per row):")
        notes = sobol_warnings(res, name, category, table)
    elif kind == "morris":
        table = morris_effects(res, name, category)
        print(f"Morris elementary effects of {label} (per grid step of the inputs' quantiles):")
        notes = morris_warnings(res, name, category)
    else:
        raise SimsimError(f"{args.results}: plain replications, not a sweep, sobol or morris design "
                          f"(use `simsim sensitivity` for them)")
    import pandas as pd

    if table.attrs.get("not_estimable"):  # a table of nan says nothing: the reason is below
        print(f"  (not estimable for any of the {len(table)} inputs)")
    else:
        with pd.option_context("display.max_rows", 200, "display.width", 160,
                               "display.float_format", "{:.4g}".format):
            print(table.to_string(index=False))
    if notes:
        print("Not resolved:\n" + "\n".join(f"  - {n}" for n in notes))
    fig.savefig(out, dpi=110)
    print(f"Wrote {out}")
    return 0


def _at(exprs: list[str]) -> dict[str, float]:
    """``--at PATH=VALUE`` options as ``{path: value}``."""
    from simsim.errors import SimsimError

    out = {}
    for expr in exprs:
        path, eq, text = expr.partition("=")
        try:
            out[path.strip()] = float(text)
        except ValueError:
            raise SimsimError(f"--at {expr}: expected PATH=VALUE with a number, e.g. --at steps=12") from None
        if not eq:
            raise SimsimError(f"--at {expr}: expected PATH=VALUE, e.g. --at steps=12")
    return out
