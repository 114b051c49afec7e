"""``simsim rerun RESULTS RUN_ID``: compute one run of saved results again and check it is identical."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

NAME = "rerun"


def add_parser(sub: Any) -> None:
    """Add the ``rerun`` subcommand to ``sub``."""
    p = sub.add_parser(NAME, help="replay one run of a results folder exactly and compare it with the stored run")
    p.add_argument("results", type=Path, help="results folder")
    p.add_argument("run_id", type=int, help="the run's id (column 'run' of runs.parquet)")
    p.add_argument("--timeseries", type=Path, metavar="CSV", help="also write the run's timeseries to this CSV file")


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:.6g}"
    return str(v)


def run(args: argparse.Namespace) -> int:
    """Replay the run; exit 0 if it equals the stored one, 1 if anything differs."""
    from simsim.experiment.replay import rerun
    from simsim.results import Results

    res = Results.load(args.results)
    rep = rerun(res, args.run_id)
    row = rep.row
    print(f"run {args.run_id} of {args.results}: seed {row['seed']}")
    design = res.metadata.get("design") or {}
    sampling = res.metadata.get("settings", {}).get("sampling", "random")
    where = {k: v for k, v in row.items() if k == "point" or k.startswith("sweep.")}
    if where:
        print(f"\nDesign point {_fmt(where.get('point'))} of the sweep")
        for k, v in where.items():
            if k != "point":
                print(f"  {k.removeprefix('sweep.'):<40} {_fmt(v)}")
    if design.get("kind") in ("sobol", "morris"):
        reps = int(design.get("replications") or 1)
        print(f"\nDesign row {args.run_id // reps}, replication {args.run_id % reps + 1} of {reps} of the "
              f"{design['kind']} design (run = row x replications + i, i from 0)")
    inputs = {k: v for k, v in row.items() if k.split(".", 1)[0] in ("param", "attr", "rel", "bparam")}
    outcomes = {k: v for k, v in row.items() if k not in inputs and k not in where and k not in ("run", "seed", "row")}
    if inputs:
        print(f"\nInputs ({len(inputs)}" + (f"; taken from the stored run: they come from the whole {sampling} design)"
                                            if sampling != "random" else ")"))
        for k, v in inputs.items():
            print(f"  {k:<40} {_fmt(v)}")
    print(f"\nOutcomes ({len(outcomes)})")
    for k, v in outcomes.items():
        print(f"  {k:<40} {_fmt(v)}")
    if args.timeseries is not None:
        rep.timeseries.to_csv(args.timeseries, index=False)
        print(f"\nWrote {args.timeseries}")
    diffs = rep.differences()
    if diffs:
        print(f"\nDIFFERS from the stored run in {len(diffs)} column(s): {', '.join(diffs[:10])}"
              + (" ..." if len(diffs) > 10 else ""), file=sys.stderr)
        return 1
    steps = len(rep.stored_timeseries)
    checked = f"outcomes{f', {steps} timeseries rows' if steps else ''}"
    if sampling == "random":
        print(f"\nIdentical to the stored run (inputs drawn again from the seed, {checked}).")
    else:
        print(f"\nIdentical to the stored run ({checked}); its inputs were read from the stored run, not drawn "
              f"again, so they are not checked.")
    return 0
