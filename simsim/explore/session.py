"""What the explorer computes for one click of *Run*: runs, summary, figures and the results zip.

Pure Python over the public API (no Solara), so tests check it without a browser. A run of
the page is :func:`explore_run`: it loads the scenario with the user's overrides through
:func:`simsim.load_scenario` (every value validated as on the command line), runs it and the
scenario as written with the same number of runs and seed, and draws the same figures as the
CLI (:mod:`simsim.plotting`).
"""

from __future__ import annotations

import io
import json
import math
import tempfile
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simsim.errors import SimsimError
from simsim.explore.inputs import command_line

#: Most runs the page starts in one click (``simsim run`` has no such limit).
MAX_RUNS = 100_000
#: Resolution of the figures shown in the page and written to the zip.
DPI = 90

Progress = Callable[[float, str], None]


def parse_whole(text: str | int, what: str, minimum: int, maximum: int | None = None) -> int:
    """``text`` as a whole number in [minimum, maximum], or a :class:`SimsimError` naming ``what``."""
    try:
        value = int(str(text).strip())
    except ValueError:
        raise SimsimError(f"{what}: expected a whole number, got '{text}'") from None
    if value < minimum:
        raise SimsimError(f"{what}: expected a number >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise SimsimError(f"{what}: at most {maximum:,} in the explorer (use `simsim run` for more), got {value:,}")
    return value


@dataclass
class ExploreRun:
    """The outcome of one click of *Run*: both results, the comparison and the figures (PNG bytes)."""

    scenario_arg: str
    overrides: tuple[str, ...]
    replications: int
    seed: int
    base: Any
    results: Any
    comparison: pd.DataFrame
    figures: dict[str, bytes] = field(default_factory=dict)

    @property
    def command(self) -> str:
        """The ``simsim run`` command that reproduces the changed scenario's results."""
        return command_line(self.scenario_arg, self.replications, self.seed, self.overrides)


_lock = threading.Lock()
_base_cache: dict[tuple[str, int, int], Any] = {}
_figure_cache: dict[int, tuple[Any, bytes]] = {}


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _settings(replications: int, seed: int) -> Any:
    """One process (the page's server has threads: no fork), no progress bar on the server's terminal."""
    from simsim.experiment import RunSettings

    return RunSettings(replications=replications, seed=seed, jobs=1, progress=False)


def base_run(scenario_arg: str, replications: int, seed: int) -> Any:
    """The scenario as written, run ``replications`` times with ``seed`` (cached for the last few)."""
    import simsim

    key = (scenario_arg, replications, seed)
    with _lock:
        if key in _base_cache:
            return _base_cache[key]
    res = simsim.run(simsim.load_scenario(scenario_arg), settings=_settings(replications, seed))
    with _lock:
        if len(_base_cache) >= 4:
            _base_cache.pop(next(iter(_base_cache)))
        _base_cache[key] = res
    return res


def base_figure(results: Any) -> bytes:
    """The outcomes figure of the scenario as written (cached with its results)."""
    from simsim.plotting import outcomes_figure

    key = id(results)
    with _lock:
        if key in _figure_cache and _figure_cache[key][0] is results:
            return _figure_cache[key][1]
    png = _png(outcomes_figure(results))
    with _lock:
        if len(_figure_cache) >= 4:
            _figure_cache.pop(next(iter(_figure_cache)))
        _figure_cache[key] = (results, png)
    return png


def explore_run(scenario_arg: str, overrides: Sequence[str], replications: int | str, seed: int | str,
                progress: Progress | None = None, stop: Callable[[], bool] | None = None,
                figures: bool = True) -> ExploreRun | None:
    """Run the changed scenario and the scenario as written; compare them; draw the figures.

    Parameters
    ----------
    scenario_arg
        Scenario file or shipped scenario name, as given to ``simsim explore``.
    overrides
        ``--set`` expressions (``parameters.w_dependence=3``), validated by :func:`simsim.load_scenario`.
    replications, seed
        Number of runs and master seed, for both scenarios (text from the page's fields is parsed).
    progress
        Called with (fraction done, what is being done) between the stages.
    stop
        Called between the stages; when it returns True the run is abandoned (returns None).
    figures
        Draw the figures now (else later with :func:`draw_figures`, so that the numbers show first).

    Raises
    ------
    SimsimError
        A bad value: its message names the value, as on the command line.
    """
    import simsim
    from simsim.analysis import compare

    def step(frac: float, what: str) -> bool:
        if progress is not None:
            progress(frac, what)
        return bool(stop and stop())

    n = parse_whole(replications, "number of runs", 1, MAX_RUNS)
    s = parse_whole(seed, "seed", 0)
    scn = simsim.load_scenario(scenario_arg, list(overrides))
    if step(0.05, f"running the scenario as written ({n:,} runs)"):
        return None
    base = base_run(scenario_arg, n, s)
    if overrides:
        if step(0.2, f"running it with your changes ({n:,} runs)"):
            return None
        res = simsim.run(scn, settings=_settings(n, s))
    else:  # nothing changed: the same scenario, runs and seed give the same results
        res = base
    table = compare(base, res)
    run = ExploreRun(scenario_arg, tuple(overrides), n, s, base, res, table)
    if figures and not draw_figures(run, progress, stop):
        return None
    return run


def comparison_labels(overrides: Sequence[str]) -> tuple[str, str]:
    """Legend labels of the comparison figure: the scenario as written, and with the user's changes."""
    if not overrides:
        return ("as written", "as written (the same runs)")
    shown = ", ".join(overrides[:3]) + (f" and {len(overrides) - 3} more" if len(overrides) > 3 else "")
    return ("as written", f"with your changes: {shown}")


def draw_figures(run: ExploreRun, progress: Progress | None = None, stop: Callable[[], bool] | None = None) -> bool:
    """Draw the figures of ``run`` into ``run.figures`` (the same figures as the CLI); False if stopped."""
    from simsim.plotting import comparison_figure, outcomes_figure

    def step(frac: float, what: str) -> bool:
        if progress is not None:
            progress(frac, what)
        return bool(stop and stop())

    if step(0.4, "drawing the figures"):
        return False
    run.figures["as_written"] = base_figure(run.base)
    run.figures["outcomes"] = (run.figures["as_written"] if run.results is run.base
                               else _png(outcomes_figure(run.results)))
    if step(0.75, "drawing the comparison"):
        return False
    run.figures["comparison"] = _png(comparison_figure(run.base, run.results, labels=comparison_labels(run.overrides),
                                                       table=run.comparison))
    step(1.0, "done")
    return True


def summary_rows(run: ExploreRun) -> list[dict[str, Any]]:
    """One row per main outcome (and category): estimates with 95% intervals, as written and changed.

    Keys: ``outcome``, ``category`` ('' for none), ``kind``, ``label`` and ``unit`` (from the
    outcome's declaration where it gives them, else the id and ''), ``changed``, ``changed_low``,
    ``changed_high``, ``written``, ``written_low``, ``written_high``, ``difference``, ``diff_low``,
    ``diff_high``. Estimates are exactly those of ``Results.summary()``.
    """
    rows = []
    summ = run.results.summary(run.results.main_outcomes)
    cmp = {r.label: r for r in run.comparison.itertuples(index=False)}
    specs = {sp["name"]: sp for sp in run.results.outcome_specs}
    for r in summ.itertuples(index=False):
        category = r.category if isinstance(r.category, str) else ""
        label = f"{r.outcome}: {category}" if category else r.outcome
        c = cmp.get(label)
        spec = specs.get(r.outcome, {})
        rows.append({"outcome": r.outcome, "category": category, "kind": r.kind,
                     "label": spec.get("label") or r.outcome, "unit": spec.get("unit") or "",
                     "changed": float(r.estimate), "changed_low": float(r.ci_low), "changed_high": float(r.ci_high),
                     "written": float(c.estimate_a) if c is not None else math.nan,
                     "written_low": float(c.ci_low_a) if c is not None else math.nan,
                     "written_high": float(c.ci_high_a) if c is not None else math.nan,
                     "difference": float(c.difference) if c is not None else math.nan,
                     "diff_low": float(c.diff_low) if c is not None else math.nan,
                     "diff_high": float(c.diff_high) if c is not None else math.nan})
    return rows


def results_zip(run: ExploreRun) -> bytes:
    """A zip of the results folders: the changed scenario's, the scenario as written, the comparison.

    Layout: ``changed/`` and ``as_written/`` (each as ``simsim run --out`` writes it: Parquet
    tables, ``metadata.json``, ``summary.json``, ``outcomes.png``), ``comparison.csv``,
    ``comparison.png`` and ``explore.json`` (the overrides and the command that reproduces them).
    """
    if not {"outcomes", "as_written", "comparison"} <= set(run.figures):
        draw_figures(run)
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="simsim-explore-") as tmp:
        root = Path(tmp)
        run.results.save(root / "changed")
        (root / "changed" / "outcomes.png").write_bytes(run.figures["outcomes"])
        run.base.save(root / "as_written")
        (root / "as_written" / "outcomes.png").write_bytes(run.figures["as_written"])
        run.comparison.to_csv(root / "comparison.csv", index=False)
        (root / "comparison.png").write_bytes(run.figures["comparison"])
        (root / "explore.json").write_text(json.dumps(
            {"scenario": run.scenario_arg, "replications": run.replications, "seed": run.seed,
             "overrides": list(run.overrides), "command": run.command}, indent=2))
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in sorted(root.rglob("*")):
                if p.is_file():
                    zf.write(p, p.relative_to(root).as_posix())
    return buf.getvalue()
