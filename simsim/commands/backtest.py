"""``simsim backtest``: calibrate on some cases, score predictions for the others against two baselines."""

from __future__ import annotations

import argparse
from typing import Any

NAME = "backtest"


def add_parser(sub: Any) -> None:
    """Register the ``backtest`` subcommand."""
    from simsim.commands.calibrate import _whole, add_calibration_options

    p = sub.add_parser(NAME, help="score calibrated predictions out of sample (cut-off date, leave-one-out) "
                                  "against the base rate and the prior")
    add_calibration_options(p)
    p.add_argument("--cutoff", metavar="DATE", help="train on cases before DATE (YYYY-MM-DD), score the rest")
    p.add_argument("--loo", action="store_true", help="leave-one-out over all cases")
    p.add_argument("--draws", type=_whole, default=2000, help="prior and posterior draws per scored case")
    p.add_argument("--out", metavar="DIR", help="also write scores.csv, predictions.csv, calibrations.csv")


def run(args: argparse.Namespace) -> int:
    """Run ``simsim backtest``."""
    from simsim.calibration.backtest import backtest
    from simsim.commands.calibrate import _say, settings_from
    from simsim.errors import SimsimError

    if args.cutoff is None and not args.loo:
        raise SimsimError("give --cutoff YYYY-MM-DD, --loo, or both")
    seed = 0 if args.seed is None else args.seed
    bt = backtest(args.cases, args.observed, args.parameters, outcome=args.outcome, cutoff=args.cutoff,
                  loo=args.loo, seed=seed, draws=args.draws, settings=settings_from(args), progress=_say(args.quiet))
    print(bt.format())
    cal = bt.calibrations
    approx = cal[cal["final_tolerance"] > 0]
    if len(approx):
        print(f"note: {len(approx)} of {len(cal)} calibrations stopped above tolerance 0 (approximate posteriors): "
              + ", ".join(f"{r.split} ({r.final_tolerance:g})" for r in approx.itertuples(index=False)))
    print(f"seed {seed}")
    if args.out:
        bt.save(args.out)
        print(f"wrote {args.out}/: scores.csv, predictions.csv, calibrations.csv, backtest.json")
    return 0
