"""``simsim calibrate``: infer shared parameters from observed cases (ABC-SMC); write a posterior and a fragment."""

from __future__ import annotations

import argparse
import sys
from typing import Any

NAME = "calibrate"


def _whole(text: str, low: int = 1) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if v < low:
        raise argparse.ArgumentTypeError(f"expected a number >= {low}, got {v}")
    return v


def _nonneg(text: str) -> int:
    return _whole(text, 0)


def _epsilon(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got '{text}'") from None
    if not v >= 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text}")
    return v


def add_calibration_options(p: argparse.ArgumentParser) -> None:
    """Options shared by ``calibrate`` and ``backtest``."""
    p.add_argument("cases", nargs="+", metavar="BASE_OR_CASES",
                   help="case scenario files, a folder of them, or their base file (its folder's files that extend it)")
    p.add_argument("--observed", metavar="TABLE",
                   help="CSV or Parquet: scenario, outcome, observed[, date] (default: each scenario's observed:)")
    p.add_argument("--outcome", metavar="NAME",
                   help="observed outcome to compare when a case observes several (name or prefix, e.g. decision)")
    p.add_argument("--parameters", nargs="+", metavar="NAME",
                   help="parameters to infer (default: every uncertain parameter the cases share)")
    p.add_argument("--seed", type=_nonneg, help="master seed (default: drawn and recorded)")
    p.add_argument("--particles", type=_whole, default=1000, help="particles per population (default 1000)")
    p.add_argument("--min-epsilon", type=_epsilon, default=0.0,
                   help="target tolerance in cases missed (default 0: every case reproduced)")
    p.add_argument("--max-populations", type=_nonneg, default=10, help="populations after the prior (default 10)")
    p.add_argument("--max-simulations", type=_whole, default=5_000_000,
                   help="budget of case runs (default 5,000,000)")
    p.add_argument("--kernel", choices=("auto", "mcmc", "pmc"), default="auto",
                   help="particle moves: mcmc (Del Moral et al. 2012), pmc (Beaumont et al. 2009); "
                        "auto: pmc up to 3 parameters")
    p.add_argument("--jobs", type=_whole, help="worker processes (default: 1 unless populations are large)")
    p.add_argument("--quiet", action="store_true", help="print no progress")


def add_parser(sub: Any) -> None:
    """Register the ``calibrate`` subcommand."""
    p = sub.add_parser(NAME, help="calibrate shared parameters to observed cases (ABC-SMC); write a posterior "
                                  "and a scenario fragment")
    add_calibration_options(p)
    p.add_argument("--out", metavar="DIR", default="calibration", help="output folder (default: calibration)")
    p.add_argument("--draws", type=_nonneg, default=2000,
                   help="draws for the predictive check per case (default 2000; 0 skips it)")
    p.add_argument("--no-plot", action="store_true", help="write no figures")


def settings_from(args: argparse.Namespace, predictive_draws: int = 0) -> Any:
    """:class:`CalibrationSettings` from the parsed options."""
    from simsim.calibration import CalibrationSettings

    return CalibrationSettings(particles=args.particles, min_epsilon=args.min_epsilon,
                               max_populations=args.max_populations, max_simulations=args.max_simulations,
                               predictive_draws=predictive_draws, kernel=args.kernel, jobs=args.jobs)


def _say(quiet: bool) -> Any:
    return None if quiet else (lambda line: print(line, file=sys.stderr, flush=True))


def run(args: argparse.Namespace) -> int:
    """Run ``simsim calibrate``."""
    from simsim.calibration import calibrate

    post = calibrate(args.cases, args.observed, args.parameters, outcome=args.outcome, seed=args.seed,
                     settings=settings_from(args, args.draws), progress=_say(args.quiet))
    out = post.save(args.out, figures=not args.no_plot)
    m = post.metadata
    print(f"{len(post.cases)} cases, {len(post.columns)} parameters, seed {m['seed']}: "
          f"{m['simulations']:,} runs; final tolerance {m['final_tolerance']:g} case(s) missed "
          f"(stopped: {m['stopped'].replace('_', ' ')}); ESS {post.ess:.0f} of {len(post.particles)}")
    if m["final_tolerance"] > 0:
        print(f"  note: the posterior is approximate: particles may miss up to {m['final_tolerance']:g} case(s); "
              "raise --max-simulations or --max-populations to go further")
    pops = post.populations
    print("\npopulation  tolerance  acceptance  moves    ESS  distinct        runs")
    for r in pops.itertuples(index=False):
        eps = "inf" if r.epsilon == float("inf") else f"{r.epsilon:g}"
        print(f"{r.population:>10}  {eps:>9}  {r.acceptance_rate:>10.4f}  {r.moves:>5}  {r.ess:>5.0f}  "
              f"{r.distinct:>8}  {r.simulated:>10,}")
    print("\nparameter                         prior                          prior mean  posterior mean "
          "[5%, 95%]")
    for r in post.summary().itertuples(index=False):
        print(f"{r.parameter:<34}{r.prior:<31}{r.prior_mean:>10.3g}  {r.posterior_mean:>8.3g} "
              f"[{r.posterior_q05:.3g}, {r.posterior_q95:.3g}]")
    if len(post.predictive):
        print("\npredictive probability of what happened      prior  posterior")
        obs = post.predictive[post.predictive["observed"]]
        for r in obs.itertuples(index=False):
            label = f"{r.case} ({r.category})"
            print(f"  {label:<42}{r.prior:>7.3f}  {r.posterior:>9.3f}")
    print(f"\nwrote {out}/: posterior.parquet, fragment.yaml (extend it to use the posterior), metadata.json, "
          f"summary.csv, populations.csv{', predictive.csv' if len(post.predictive) else ''}"
          f"{'' if args.no_plot else ', posterior.png' + (', predictive.png' if len(post.predictive) else '')}")
    return 0
