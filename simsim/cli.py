"""The ``simsim`` command: a thin wrapper over the public API.

Exit codes: 0 success, 2 bad input (one message, no traceback), 1 internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from simsim.errors import RunFailedError, SimsimError

if TYPE_CHECKING:
    import pandas as pd

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own errors: one line, exit 2
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"simsim: error: {message}\n")


def _positive(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {v}")
    return v


def _seed(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if v < 0:
        raise argparse.ArgumentTypeError("a seed must be >= 0")
    return v


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``simsim`` command."""
    from simsim import __version__

    p = _Parser(prog="simsim", description="Simulate diplomatic scenarios as distributions of outcomes.")
    p.add_argument("--version", action="version", version=f"simsim {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    r = sub.add_parser("run", help="run a scenario many times; print a summary; write results and a plot")
    r.add_argument("scenario", help="scenario file, or the name of a shipped scenario")
    r.add_argument("-n", "--replications", type=_positive,
                   help="number of runs (default: the scenario's); for a sweep, runs per point; a Sobol or Morris "
                        "design in the scenario's experiment: section sets its own size (-n may only repeat it)")
    r.add_argument("--seed", type=_seed, help="master seed (default: the scenario's, else drawn and printed)")
    r.add_argument("--jobs", type=_positive, help="worker processes (default: all cores for large runs)")
    r.add_argument("--out", type=Path, help="results folder (default: out/<scenario name>)")
    r.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE",
                   help="override a scenario value, e.g. --set parameters.rationality=2 (repeatable)")
    r.add_argument("--ranges", action="store_true",
                   help="sample every fixed value that gives a range: over it (so sensitivity ranks it)")
    r.add_argument("--sampling", choices=("random", "lhs", "sobol", "morris"),
                   help="sampling of uncertain inputs: independent per run (default), a Latin hypercube, "
                        "or a Sobol or Morris design (default: the scenario's experiment: section)")
    r.add_argument("--memory", metavar="SIZE",
                   help="memory budget for the chunks computed at once, e.g. 4G (default 2G): sets the chunk size "
                        "from the number of actors and steps")
    r.add_argument("--chunk-size", type=_positive, help="runs per chunk (default: from --memory)")
    r.add_argument("--resume", type=Path, metavar="DIR",
                   help="finish the interrupted experiment in DIR (same scenario and --set values): only the "
                        "missing chunks are computed")
    r.add_argument("--scheduler", metavar="ADDRESS",
                   help="compute on a Dask cluster: tcp://HOST:PORT of a running scheduler, or 'local' to start "
                        "a LocalCluster (needs pip install 'simsim[distributed]')")
    r.add_argument("--no-plot", action="store_true", help="do not write outcomes.png")
    r.add_argument("--no-timeseries", action="store_true", help="do not record per-step reporters")
    r.add_argument("--quiet", action="store_true", help="print only the output folder")

    v = sub.add_parser("validate", help="check scenario files without running them")
    v.add_argument("scenarios", nargs="+")
    v.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE")

    sub.add_parser("schema", help="print the scenario JSON Schema (for editors)")
    sub.add_parser("list", help="list mechanisms, behaviours and shipped scenarios")

    d = sub.add_parser("describe", help="show a scenario's actors, uncertain inputs and sources")
    d.add_argument("scenario")
    d.add_argument("--ranges", action="store_true", help="as run --ranges: fixed values with a range are sampled")
    d.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE")

    pl = sub.add_parser("plot", help="draw outcomes.png from a results folder")
    pl.add_argument("results", type=Path)
    pl.add_argument("--out", type=Path, help="PNG file (default: RESULTS/outcomes.png)")
    pl.add_argument("--outcome", action="append", help="outcome to plot (repeatable; default: main outcomes)")

    se = sub.add_parser("sensitivity", help="which uncertain inputs drive an outcome (partial rank correlations)")
    se.add_argument("results", type=Path, help="results folder")
    se.add_argument("--outcome", help="outcome (default: the first main outcome)")
    se.add_argument("--category", help="category of a categorical outcome (default: the most frequent)")
    se.add_argument("--out", type=Path, help="PNG file (default: RESULTS/sensitivity.png)")
    se.add_argument("--point", type=int, metavar="K",
                    help="a sweep's design point whose runs are ranked (default: the first; points are never pooled)")

    cv = sub.add_parser("convergence", help="how an outcome's estimate settles as runs accumulate")
    cv.add_argument("results", type=Path, help="results folder")
    cv.add_argument("--outcome", help="outcome (default: the first main outcome)")
    cv.add_argument("--category", help="category of a categorical outcome (default: the most frequent)")
    cv.add_argument("--out", type=Path, help="PNG file (default: RESULTS/convergence.png)")

    c = sub.add_parser("compare", help="compare two results folders, or run two scenarios and compare them")
    c.add_argument("a", help="results folder or scenario")
    c.add_argument("b", help="results folder or scenario")
    c.add_argument("-n", "--replications", type=_positive, help="runs per scenario (scenarios only)")
    c.add_argument("--seed", type=_seed, help="master seed for both scenarios (scenarios only)")
    c.add_argument("--jobs", type=_positive)
    c.add_argument("--out", type=Path, help="folder for comparison.csv and comparison.png")
    c.add_argument("--outcome", action="append", help="outcome to compare (repeatable)")
    for name in COMMAND_MODULES:
        _command_module(name).add_parser(sub)
    return p


#: Subcommands that live in modules of their own under ``simsim/commands/``. Each module
#: defines ``NAME`` (the subcommand), ``add_parser(sub)`` and ``run(args) -> int``, and
#: imports only the standard library at import time (heavy imports go inside ``run``), so
#: that ``simsim --help`` stays fast.
COMMAND_MODULES: tuple[str, ...] = ("cases", "design", "explore", "rerun", "calibrate", "backtest")


def _command_module(name: str) -> Any:
    import importlib

    return importlib.import_module(f"simsim.commands.{name}")


# ------------------------------------------------------------------ formatting
def format_summary(summary: pd.DataFrame, max_categories: int = 6, total: int | None = None) -> str:
    """Human-readable lines for a summary table (``total``: number of runs, to flag undefined values)."""
    import pandas as pd

    lines = []
    # open-ended categorical outcomes (e.g. configuration labels) can have many categories:
    # show the most frequent few
    shown = []
    for _, group in summary.groupby("outcome", sort=False):
        if group["kind"].iloc[0] == "category" and len(group) > max_categories:
            top = group.sort_values("estimate", ascending=False).head(max_categories)
            shown.append(top)
            rest = 1.0 - top["estimate"].sum()
            shown.append(pd.DataFrame([{"outcome": group["outcome"].iloc[0], "kind": "more",
                                        "category": f"{len(group) - max_categories} other categories",
                                        "estimate": rest}]))
        else:
            shown.append(group)
    summary = pd.concat(shown, ignore_index=True) if shown else summary
    width = max([len(str(o)) + (len(str(c)) + 3 if isinstance(c, str) else 0)
                 for o, c in zip(summary["outcome"], summary["category"], strict=True)] + [10])
    for r in summary.itertuples(index=False):
        if r.kind == "more":
            lines.append(f"  {r.outcome + ' = ...':<{width}}  {r.estimate:7.1%}   in {r.category}")
        elif r.kind in ("bool", "category"):
            label = f"{r.outcome} = {r.category}" if isinstance(r.category, str) else str(r.outcome)
            lines.append(f"  {label:<{width}}  {r.estimate:7.1%}   95% CI [{r.ci_low:6.1%}, {r.ci_high:6.1%}]")
        elif r.n:
            sd = 0.0 if abs(r.sd) < 1e-12 * max(1.0, abs(r.estimate)) else r.sd
            inf = _n_infinite(r)
            missing = (f"  (finite in {r.n} of {total} runs; infinite in {inf})" if inf and total else
                       f"  (defined in {r.n} of {total} runs)" if total and r.n < total else "")
            lines.append(f"  {r.outcome:<{width}}  mean {r.estimate:.4g}  95% CI [{r.ci_low:.4g}, {r.ci_high:.4g}]"
                         f"  sd {sd:.3g}  5-95%: {r.q05:.4g} .. {r.q95:.4g}{missing}")
        elif inf := _n_infinite(r):
            lines.append(f"  {r.outcome:<{width}}  infinite in {inf} of {total or inf} runs, undefined in the others"
                         if total and inf < total else f"  {r.outcome:<{width}}  infinite in every run")
        else:
            lines.append(f"  {r.outcome:<{width}}  undefined in every run")
    return "\n".join(lines)


def _n_infinite(row: Any) -> int:
    """Runs in which a summary row's number is +-inf (0 for summaries written before it was counted)."""
    v = getattr(row, "n_infinite", 0)
    return 0 if v is None or v != v else int(v)


def nonfinite_note(summary: pd.DataFrame, total: int) -> str | None:
    """One line naming the outcomes that are +-inf in some runs, and in how many; None if none are.

    Such values (e.g. an arms race that ran away) are left out of the means, intervals and figures.
    """
    if "n_infinite" not in summary:
        return None
    rows = summary[summary["n_infinite"].fillna(0) > 0]
    if rows.empty:
        return None
    shown = [f"{o} in {int(k)}" for o, k in zip(rows["outcome"], rows["n_infinite"], strict=True)]
    more = f" and {len(shown) - 6} more outcomes" if len(shown) > 6 else ""
    return (f"infinite values (of {total} runs): {', '.join(shown[:6])}{more}; left out of the means, intervals "
            "and figures")


def _main_first(summary: pd.DataFrame, main: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    is_main = summary["outcome"].isin(main)
    return summary[is_main], summary[~is_main]


# ------------------------------------------------------------------ commands
def _writable_folder(path: Path) -> list[Path]:
    """Create ``path`` (a results folder) now, so that a bad path fails before any run.

    Returns the folders created, deepest first (see :func:`_remove_empty`).
    """
    if path.exists() and not path.is_dir():
        raise SimsimError(f"--out {path}: exists and is not a folder")
    created = [p for p in (path, *path.parents) if not p.exists()]
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SimsimError(f"--out {path}: cannot create the folder ({exc.strerror or exc})") from None
    if not os.access(path, os.W_OK):
        _remove_empty(created)
        raise SimsimError(f"--out {path}: the folder is not writable")
    return created


def _remove_empty(folders: list[Path]) -> None:
    """Remove ``folders`` (deepest first) that are still empty: a refused command leaves nothing behind."""
    for p in folders:
        try:
            p.rmdir()  # only succeeds on an empty folder
        except OSError:
            return


def _writable_file(path: Path) -> None:
    if not path.parent.is_dir():
        raise SimsimError(f"--out {path}: folder {path.parent} does not exist")


#: the run command's figure and "what drives" ranking use at most this many runs (the first ones)
PLOT_RUNS = 100_000
DRIVER_RUNS = 50_000


def _cmd_run(args: argparse.Namespace) -> int:
    import simsim
    from simsim.designs.options import check_resume_options, check_run_options
    from simsim.experiment import RunSettings
    from simsim.experiment.checks import check_run

    scn = simsim.load_scenario(args.scenario, args.overrides, ranges=args.ranges)
    if args.resume is not None and args.out is not None and args.out != args.resume:
        raise SimsimError("--resume DIR writes to DIR: leave out --out")
    out = args.resume or args.out or Path("out") / scn.name
    if args.resume is not None and not args.resume.is_dir():
        raise SimsimError(f"--resume {args.resume}: no such folder")
    # options that the experiment: section (or the interrupted plan) would silently override
    check_run_options(scn, replications=args.replications, sampling=args.sampling, overrides=args.overrides)
    if args.resume is not None:
        check_resume_options(args.resume, replications=args.replications, seed=args.seed, sampling=args.sampling,
                             no_timeseries=args.no_timeseries, chunk_size=args.chunk_size, memory=args.memory)
    settings = RunSettings(replications=args.replications, seed=args.seed, jobs=args.jobs,
                           timeseries=not args.no_timeseries, sampling=args.sampling or "random", memory=args.memory,
                           chunk_size=args.chunk_size, out=out, resume=args.resume is not None,
                           executor=args.scheduler, progress=False if args.quiet else None)
    check_run(scn, None, None, None, settings)  # e.g. too large for memory: refused before --out is created
    if args.scheduler is not None:
        import logging

        # Dask logs a lost connection with long tracebacks; simsim's own error says what happened.
        # Its loggers have levels of their own (distributed.client, ...): silence their handler.
        import distributed  # noqa: F401 - configures Dask's logging first, so that this applies after it

        for name in ["distributed", *[n for n in logging.root.manager.loggerDict if n.startswith("distributed.")]]:
            quiet = logging.getLogger(name)
            quiet.setLevel(logging.CRITICAL)
            for handler in quiet.handlers:
                handler.setLevel(logging.CRITICAL)
    created = _writable_folder(out)
    t0 = time.perf_counter()
    try:
        from simsim.designs import run_experiment

        res = run_experiment(scn, settings=settings, design=args.sampling)
    except BaseException as exc:
        _remove_empty(created)  # refused before anything was written: leave no empty folder behind
        if not isinstance(exc, KeyboardInterrupt):
            raise
        if not out.exists():
            print("simsim: interrupted before any run was written", file=sys.stderr)
            return 130
        print(f"simsim: interrupted; the chunks completed so far are in {out}: finish with\n"
              f"  simsim run {args.scenario} --resume {out}" + "".join(f" --set {o}" for o in args.overrides),
              file=sys.stderr)
        return 130
    elapsed = time.perf_counter() - t0
    s = res.metadata["settings"]
    if s["seed_drawn"]:
        print(f"simsim: no seed given; drew seed {s['seed']} (rerun with --seed {s['seed']})", file=sys.stderr)
    total = len(res)
    notes = []
    if args.no_plot:
        (out / "outcomes.png").unlink(missing_ok=True)  # never leave a plot of other results
    else:
        from simsim.experiment.progress import stages
        from simsim.plotting import outcomes_figure

        # the tables were written chunk by chunk while the runs were computed
        with stages(["drawing outcomes.png"], False if args.quiet else None) as stage:
            stage.next("drawing outcomes.png")
            # the figure draws the main reporters' fan charts: read only those columns of the timeseries
            fig_res = res.head(PLOT_RUNS, reporters=list(res.metadata.get("main_reporters", []))) \
                if total > PLOT_RUNS else res
            if total > PLOT_RUNS:
                notes.append(f"outcomes.png shows the first {PLOT_RUNS:,} of {total:,} runs")
            outcomes_figure(fig_res).savefig(out / "outcomes.png", dpi=110)
    if args.quiet:
        print(out)
        return EXIT_OK
    print(f"{scn.title or scn.name}")
    print(f"  mechanism {scn.model}; {s['replications']} runs x {scn.steps} steps; seed {s['seed']}; "
          f"{s['sampling']} sampling; "
          f"{_executor_text(s, args)}; chunks of {s['chunk_size']}; {elapsed:.1f} s")
    resumed = res.metadata.get("resumed")
    if resumed:
        print(f"  resumed: {resumed['chunks_on_disk']} chunks were on disk; computed the other "
              f"{resumed['chunks_computed']} ({resumed['runs_computed']:,} runs)")
    summary = res.summary()
    main, rest = _main_first(summary, res.main_outcomes)
    design = res.metadata.get("design")
    if design and design["kind"] == "sweep":
        reps = design["replications"]
        print(f"\nPooled over the {len(design['points'])} points of the sweep: the intervals below treat the "
              f"{total:,} runs as independent, but every point reuses the same {reps:,} seeds (common random "
              f"numbers), so they are too narrow. Per point: simsim design {out}")
    if len(main):
        print("\nMain outcomes")
        print(format_summary(main, total=total))
    if len(rest):
        names = list(dict.fromkeys(rest["outcome"]))
        print(f"\nOther outcomes ({len(names)}; all in {out / 'summary.json'})")
        print(format_summary(rest[rest["outcome"].isin(names[:10])], total=total))
        if len(names) > 10:
            print(f"  ... {len(names) - 10} more outcomes")
    if design:
        if design["kind"] == "sweep":
            what = (f"a sweep over {', '.join(design['factors'])} ({len(design['points'])} points x "
                    f"{design['replications']} runs; the summary above pools every point)")
        else:
            what = {"sobol": "a Sobol design", "morris": "a Morris design"}.get(design["kind"], design["kind"])
        print(f"\nThis experiment is {what}: its analysis and figure: simsim design {out}")
    # the ranking reads no timeseries; a sweep is ranked within its first point (whose runs come first)
    per = design["replications"] if design and design["kind"] == "sweep" else total
    ranked = min(per, DRIVER_RUNS)
    sample = res.head(ranked, reporters=[]) if total > ranked else res
    if res.main_outcomes and any(c.split(".", 1)[0] in ("param", "attr", "rel") for c in sample.runs.columns):
        name, category, table = _drivers(sample, None, None)
        print("\n" + _format_drivers(name, category, table, top=5, results=sample, where=out))
        if ranked < per:
            print(f"  (ranked on the first {ranked:,} of {per:,} runs{' of that point' if per < total else ''}: "
                  f"enough to rank inputs; intervals are for that sample)")
        print(f"  (all inputs, and other outcomes: simsim sensitivity {out} --outcome NAME)")
    if note := nonfinite_note(summary, total):
        notes.insert(0, note)
    for note in notes:
        print(f"\nNote: {note}")
    print(f"\nWrote {out}/: runs.parquet, timeseries.parquet (folders of Parquet parts), metadata.json, summary.json"
          + ("" if args.no_plot else ", outcomes.png"))
    return EXIT_OK


def _executor_text(used: dict[str, Any], args: argparse.Namespace) -> str:
    """Where the runs were computed: as the results record it, else as the options chose it.

    Results of sweeps computed before a sweep ran as one experiment record no executor, and
    their ``jobs`` is only the ``--jobs`` option (``None`` by default): never print "None".
    """
    if used.get("executor"):
        return str(used["executor"])
    if args.scheduler:
        return "a local Dask cluster" if args.scheduler == "local" else f"Dask cluster {args.scheduler}"
    if args.jobs:
        return f"up to {args.jobs} process{'es' if args.jobs > 1 else ''}"
    return "local processes (the default: one for small experiments, all cores for large ones)"


def _cmd_validate(args: argparse.Namespace) -> int:
    import simsim
    from simsim.inputs import design_of

    bad = 0
    for path in args.scenarios:
        try:
            scn = simsim.load_scenario(path, args.overrides)
        except SimsimError as exc:
            print(f"error: {exc}", file=sys.stderr)
            bad += 1
            continue
        n_unc = len(design_of(scn).uncertain)
        print(f"ok: {path} ({scn.name}: mechanism {scn.model}, {len(scn.actors)} actors, "
              f"{n_unc} uncertain inputs, {len(scn.events)} events{_experiment_text(scn)})")
    return EXIT_BAD_INPUT if bad else EXIT_OK


def _experiment_text(scn: Any) -> str:
    """``; experiment: ...`` for a scenario with an experiment section (what ``simsim run`` will run)."""
    exp = scn.experiment
    if exp is None:
        return ""
    reps = exp.replications if exp.replications is not None else scn.replications
    if exp.design == "sweep":
        points = 1
        for f in exp.factors.values():
            points *= len(f.points())
        from simsim.inputs import design_of
        from simsim.scenario.factors import point_scenario

        swept = ", ".join(exp.factors)
        first = point_scenario(scn, {path: f.points()[0] for path, f in exp.factors.items()})
        fixed = len(design_of(scn).uncertain) - len(design_of(first).uncertain)
        held = (f"{fixed} of the uncertain inputs are swept: {len(design_of(first).uncertain)} stay uncertain "
                "at each point" if fixed else "at each point the swept values are fixed")
        return (f"; experiment: a sweep of {points} points x {reps} runs = {points * reps:,} runs over {swept} "
                f"({held})")
    if exp.design in ("sobol", "morris"):
        from simsim.scenario.factors import design_size

        return f"; experiment: a {exp.design.capitalize()} design, {design_size(scn)[1]}"
    return f"; experiment: {reps:,} runs, {exp.design} sampling"


def _cmd_schema(args: argparse.Namespace) -> int:
    from simsim.scenario.schema import Scenario

    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "simsim scenario"
    print(json.dumps(schema, indent=2))
    return EXIT_OK


def _cmd_list(args: argparse.Namespace) -> int:
    from simsim import registry

    print("Mechanisms (model: in a scenario):")
    for name in registry.declaration_names():  # declarations: listing needs no model (no Mesa import)
        cls = registry.get_declaration(name)
        first = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
        print(f"  {name:<12} {first}")
    print("\nBehaviours (decision rules):")
    for name, cls in registry.behaviours().items():
        first = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
        print(f"  {name:<24} {first}")
    print(f"\nShipped scenarios ({registry.scenarios_dir()}):")
    for name in registry.shipped_scenarios():
        print(f"  {name}")
    return EXIT_OK


def _cmd_describe(args: argparse.Namespace) -> int:
    import simsim
    from simsim.inputs import design_of

    scn = simsim.load_scenario(args.scenario, args.overrides, ranges=args.ranges)
    print(f"{scn.title or scn.name}  (mechanism {scn.model}; {scn.steps} steps; default {scn.replications} runs)")
    print(scn.description.strip())
    print("\nActors:")
    for a in scn.actors:
        mem = f" member of {', '.join(a.memberships)}" if a.memberships else ""
        print(f"  {a.id:<6} {a.name} ({a.kind}){mem}")
    unc = design_of(scn).uncertain
    print(f"\nUncertain inputs ({len(unc)}), sampled once per run:")
    for u in unc:
        prov = f"source {u.quantity.source}" if u.quantity.source else "assumption"
        print(f"  {u.column:<40} {u.quantity.describe():<28} {prov}")
    from simsim.registry import get_declaration
    from simsim.scenario.values import used_values

    values = [v for v in used_values(scn) if v.value != "derived" or v.origin == "given"]
    fixed = [v for v in values if v.name not in {u.column for u in unc}]
    n_default = sum(v.origin == "default" for v in fixed)
    print(f"\nFixed inputs and other values used ({len(fixed)}; {n_default} at the mechanism's defaults, "
          f"marked 'default'"
          f"{'; strict: every parameter given' if scn.strict else ''}):")
    for v in fixed:
        mark = "default" if v.origin == "default" else ""
        print(f"  {v.name:<40} {v.value:<28} {mark:<8} {v.provenance}")
    derived = [v.name for v in used_values(scn) if v.value == "derived" and v.origin == "default"]
    if derived:
        print(f"  derived by the mechanism from other inputs: {', '.join(derived)}")
    specs = get_declaration(scn.model).outcome_specs(scn)
    print(f"\nOutcomes per run ({len(specs)}; main: {', '.join(scn.outcomes) or 'none named'}):")
    for o in specs:
        unit = f" [{o.unit}]" if o.unit else ""
        print(f"  {o.name:<40} {o.kind:<9} {o.doc}{unit}")
    print("\nSources:")
    for s in scn.sources:
        print(f"  [{s.id}] {s.title}" + (f" ({s.year})" if s.year else "") + (f" {s.document}" if s.document else "")
              + (f" {s.url}" if s.url else "") + (f" [accessed {s.accessed}]" if s.accessed else ""))
    return EXIT_OK


def _cmd_plot(args: argparse.Namespace) -> int:
    from simsim.plotting import outcomes_figure
    from simsim.results import Results
    from simsim.results_check import check_outcomes

    res = Results.load(args.results)
    check_outcomes(res, args.outcome)
    out = args.out or args.results / "outcomes.png"
    _writable_file(out)
    outcomes_figure(res, args.outcome).savefig(out, dpi=110)
    print(out)
    return EXIT_OK


def _drivers(res: Any, outcome: str | None, category: str | None,
             point: int | None = None) -> tuple[str, str | None, pd.DataFrame]:
    from simsim.analysis import sensitivity
    from simsim.results_check import check_category

    specs = {sp["name"]: sp for sp in res.outcome_specs}
    name = outcome or (res.main_outcomes[0] if res.main_outcomes else None)
    if name is None:
        raise SimsimError("the results name no main outcome; choose one with --outcome")
    check_category(res, name, category)  # unknown names: an error with a did-you-mean
    if specs[name]["kind"] == "category" and category is None:
        counts = res.runs[name].dropna().astype(str).value_counts()
        category = str(counts.index[0]) if len(counts) else None
    return name, category, sensitivity(res, name, category, point=point)


def _format_drivers(name: str, category: str | None, table: pd.DataFrame, top: int, results: Any = None,
                    where: Path | None = None) -> str:
    from simsim.analysis import sweep_point_text

    label = f"{name} = {category}" if category else name
    k = table.attrs.get("point")
    note = ""
    if k is not None:
        label += f", within {sweep_point_text(results, k)} of the sweep"
        folder = where or results.directory or "DIR"
        note = ("\n  (one point: the points share their seeds, so they are never pooled; the swept factors are fixed "
                f"within a point, so not ranked: their effect is in simsim design {folder}; another point: "
                f"simsim sensitivity {folder} --point K)")
    if table.attrs.get("per_row"):
        note += (f"\n  (on the {table.attrs['rows']:,} design rows, each by its mean over its "
                 f"{table.attrs['per_row']} runs: a row's runs share its inputs)")
    if table.empty:
        return (f"What drives {label}: not estimable (it needs an outcome that varies, inputs that vary, "
                f"and more runs than uncertain inputs + 4)") + note
    lines = [f"What drives {label} (partial rank correlation, 95% CI):"]
    for r in table.head(top).itertuples(index=False):
        lines.append(f"  {r.input:<40} {r.prcc:+.2f}  [{r.ci_low:+.2f}, {r.ci_high:+.2f}]")
    return "\n".join(lines) + note


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from simsim.plotting import sensitivity_figure
    from simsim.results import Results

    res = Results.load(args.results)
    name, category, table = _drivers(res, args.outcome, args.category, point=args.point)
    print(_format_drivers(name, category, table, top=len(table), results=res))
    out = args.out or args.results / "sensitivity.png"
    _writable_file(out)
    sensitivity_figure(res, name, category, point=args.point).savefig(out, dpi=110)
    print(f"Wrote {out}")
    return EXIT_OK


def _cmd_convergence(args: argparse.Namespace) -> int:
    from simsim.analysis import convergence
    from simsim.plotting import convergence_figure
    from simsim.results import Results

    res = Results.load(args.results)
    name, category, _ = _drivers(res, args.outcome, args.category)
    table = convergence(res, name, category)
    label = f"{name} = {category}" if category else name
    print(f"{label}: estimate and 95% interval over the first n runs")
    for r in table.itertuples(index=False):
        print(f"  n = {r.n:>8}  {r.estimate:.4g}  [{r.ci_low:.4g}, {r.ci_high:.4g}]")
    out = args.out or args.results / "convergence.png"
    _writable_file(out)
    convergence_figure(res, name, category).savefig(out, dpi=110)
    print(f"Wrote {out}")
    return EXIT_OK


def _results_or_run(arg: str, args: argparse.Namespace, like: Any = None) -> object:
    """Results of ``arg`` (a results folder), or of running it (a scenario).

    A scenario run second without ``--seed`` takes the master seed and number of runs of the
    first result (``like``), so that the two share their seeds and compare pairs them.
    """
    import simsim
    from simsim.experiment import RunSettings
    from simsim.results import Results

    if Path(arg).is_dir():
        return Results.load(arg)
    scn = simsim.load_scenario(arg)
    seed, n = args.seed, args.replications
    if like is not None and seed is None:
        seed, n = like.seed, (n if n is not None else len(like.runs))
        print(f"b = {scn.name}: run with the seed and number of runs of a ({seed}, {n}), so that runs pair up")
    return simsim.run(scn, settings=RunSettings(replications=n, seed=seed, jobs=args.jobs))


def _cmd_compare(args: argparse.Namespace) -> int:
    from simsim.analysis import compare
    from simsim.plotting import comparison_figure, distinct_labels

    if args.out:
        _writable_folder(args.out)
    a: Any = _results_or_run(args.a, args)
    b: Any = _results_or_run(args.b, args, like=a)
    table = compare(a, b, args.outcome)
    na, nb = distinct_labels(a, b)  # the scenario names, with the overrides a variant was made with
    print(f"a = {na}, b = {nb}: estimates with 95% intervals; difference b - a")
    if (a.seed, len(a.runs)) != (b.seed, len(b.runs)):
        print(f"  note: a has {len(a.runs)} runs with seed {a.seed}, b {len(b.runs)} runs with seed {b.seed}")
    for method in dict.fromkeys(table["interval"]):
        print(f"  intervals of differences: {method}")
    for r in table.itertuples(index=False):
        fmt = ".1%" if r.kind != "number" else ".4g"
        print(f"  {r.label:<34} a {r.estimate_a:{fmt}}  b {r.estimate_b:{fmt}}  "
              f"diff {r.difference:+{fmt}} [{r.diff_low:+{fmt}}, {r.diff_high:+{fmt}}]")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out / "comparison.csv", index=False)
        comparison_figure(a, b, args.outcome, table=table).savefig(args.out / "comparison.png", dpi=110)
        print(f"Wrote {args.out}/comparison.csv, comparison.png")
    return EXIT_OK


COMMANDS = {"run": _cmd_run, "validate": _cmd_validate, "schema": _cmd_schema, "list": _cmd_list,
            "describe": _cmd_describe, "plot": _cmd_plot, "compare": _cmd_compare,
            "sensitivity": _cmd_sensitivity, "convergence": _cmd_convergence}


def _format_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                    line: str | None = None) -> str:
    return f"simsim: warning: {message}\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``simsim`` command; returns the exit code."""
    args = build_parser().parse_args(argv)
    warnings.formatwarning = _format_warning  # one line, without the library's source line
    try:
        if args.command in COMMANDS:
            return COMMANDS[args.command](args)
        return int(_command_module(args.command.replace("-", "_")).run(args))
    except RunFailedError as exc:  # a mechanism raised: not bad input, exit 1
        if exc.details:
            print(exc.details.rstrip(), file=sys.stderr)
        print(f"simsim: error: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except SimsimError as exc:
        from simsim.errors import ScenarioError, one_line

        text = str(exc) if isinstance(exc, ScenarioError) else one_line(str(exc))  # problems: one per line
        print(f"simsim: error: {text}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `simsim list | head`: the reader stopped listening
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # writing results or figures failed (disk full, permissions...)
        print(f"simsim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("simsim: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal error: say so plainly
        if os.environ.get("SIMSIM_DEBUG"):
            traceback.print_exc()
        print(f"simsim: internal error: {type(exc).__name__}: {exc} (set SIMSIM_DEBUG=1 for details)",
              file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
