"""The explorer's page (Solara): controls on the left, outcomes and the comparison on the right.

The scenario comes from the environment variable ``SIMSIM_EXPLORE_SCENARIO`` (set by
``simsim explore``), read when the page renders. Sliders are Mesa's own
(:class:`mesa.visualization.UserInputs` with :class:`mesa.visualization.Slider`, as in
SolaraViz). Everything the page computes is in :mod:`simsim.explore.session`; this module
only lays it out.
"""

from __future__ import annotations

import dataclasses
import html
import math
import os
import re
import time
from functools import lru_cache
from typing import Any

import solara
import solara.lab
from mesa.visualization import Slider
from mesa.visualization.solara_viz import UserInputs

from simsim.errors import SimsimError
from simsim.explore.inputs import GROUPS, Control, controls, overrides
from simsim.explore.session import ExploreRun, draw_figures, explore_run, results_zip, summary_rows
from simsim.plotting import category_text

ENV_SCENARIO = "SIMSIM_EXPLORE_SCENARIO"
ENV_RUNS, ENV_SEED = "SIMSIM_EXPLORE_RUNS", "SIMSIM_EXPLORE_SEED"
#: Runs the page starts with when the scenario asks for more (keeps the first answer quick).
DEFAULT_MAX_RUNS = 2000
#: Seconds the page waits after a change before it runs, so that a dragged slider runs once.
DEBOUNCE = 0.4

CSS = """
.simsim-controls { max-height: calc(100vh - 24px); overflow-y: auto; position: sticky; top: 12px;
                   padding-right: 8px; }
.simsim-control { border-bottom: 1px solid #eee; padding: 6px 0 2px 0; }
.simsim-control .label { font-weight: 600; font-size: 0.9rem; }
.simsim-control .doc { color: #555; font-size: 0.78rem; line-height: 1.2; }
.simsim-control .state { font-size: 0.78rem; color: #666; }
.simsim-control .state.changed { color: #b35900; font-weight: 600; }
.simsim-control .v-input__slot { margin-bottom: 0 !important; }
.simsim-control .v-messages { display: none; }
.simsim-control .v-slider__thumb-label-container { display: none; }  /* the value field shows it */
.simsim-message { font-family: monospace; font-size: 0.85rem; white-space: pre-wrap; margin-top: 4px; }
table.simsim-summary { border-collapse: collapse; font-size: 0.9rem; width: 100%; }
table.simsim-summary th, table.simsim-summary td { padding: 4px 8px; border-bottom: 1px solid #ddd; text-align: left; }
table.simsim-summary td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
table.simsim-summary td.diff.sig { font-weight: 700; color: #8a2be2; }
table.simsim-summary .ci { color: #777; font-size: 0.8rem; }
.simsim-command { font-family: monospace; font-size: 0.8rem; background: #f6f6f6; padding: 6px;
                  word-break: break-all; }
"""


@lru_cache(maxsize=8)
def _load(scenario_arg: str) -> Any:
    import simsim

    return simsim.load_scenario(scenario_arg)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text)


def _fmt(value: float, kind: str) -> str:
    if not math.isfinite(value):
        return "–"
    return f"{value:.1%}" if kind != "number" else f"{value:.4g}"


def _fmt_diff(value: float, kind: str) -> str:
    if not math.isfinite(value):
        return "–"
    return f"{100 * value:+.1f} pp" if kind != "number" else f"{value:+.4g}"


def _summary_html(run: ExploreRun) -> str:
    """The main outcomes as an HTML table; each row carries its exact estimate in ``data-estimate``."""
    e = html.escape
    head = ("<tr><th>Outcome</th><th>With your changes</th><th>As written</th>"
            "<th>Difference (changed − as written; pp: percentage points)</th></tr>")
    body = []
    for r in summary_rows(run):
        k = r["kind"]
        name = f"{r['label']}: {category_text(r['category'])}" if r["category"] else r["label"]
        what = "probability" if k != "number" else ("mean" + (f", {r['unit']}" if r["unit"] else ""))
        if r["label"] != r["outcome"]:
            what += f"; {r['outcome']}"
        sig = r["diff_low"] > 0 or r["diff_high"] < 0
        body.append(
            f'<tr data-outcome="{e(r["outcome"])}" data-category="{e(r["category"])}" '
            f'data-estimate="{r["changed"]!r}" data-written="{r["written"]!r}">'
            f'<td>{e(name)} <span class="ci">({what})</span></td>'
            f'<td class="num changed">{_fmt(r["changed"], k)} <span class="ci">'
            f'[{_fmt(r["changed_low"], k)}, {_fmt(r["changed_high"], k)}]</span></td>'
            f'<td class="num written">{_fmt(r["written"], k)} <span class="ci">'
            f'[{_fmt(r["written_low"], k)}, {_fmt(r["written_high"], k)}]</span></td>'
            f'<td class="num diff{" sig" if sig else ""}">{_fmt_diff(r["difference"], k)} <span class="ci">'
            f'[{_fmt_diff(r["diff_low"], k)}, {_fmt_diff(r["diff_high"], k)}]</span></td></tr>')
    return f'<table class="simsim-summary" data-testid="summary">{head}{"".join(body)}</table>'


@solara.component
def InputControl(c: Control, text: str | None, on_text: Any) -> None:
    """One input: its name and meaning, the scenario's value, a slider and a field for the exact value."""
    changed = text is not None
    try:
        value = float(text) if changed else c.start  # type: ignore[arg-type]
    except ValueError:
        value = c.start
    with solara.Div(classes=["simsim-control", f"control-{_slug(c.column)}"]):
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(c.label), classes=["label"])
        if c.doc:
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(c.doc), classes=["doc"])
        origin = f"scenario: {c.describe} ({c.provenance})"
        if changed:
            state = f"set to {text}; {origin}"
        elif c.uncertain:
            state = f"{origin}, sampled in each run"
        else:
            state = origin
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(state),
                    classes=["state"] + (["changed"] if changed else []),
                    attributes={"title": c.note} if c.note else None)

        def slid(v: float) -> None:
            if changed or c.format(v) != c.format(c.start):  # a slider snapping to its grid is no change
                on_text(c.format(v))

        with solara.Row(style={"align-items": "center"}, gap="4px"):
            if c.has_slider:
                lo, hi = float(c.low), float(c.high)  # type: ignore[arg-type]
                slider = Slider("", value=min(max(value, lo), hi), min=lo, max=hi, step=c.step,
                                dtype=int if c.integer else float)
                with solara.Div(style={"flex": "1 1 auto", "min-width": "120px"}, classes=["slider"]):
                    UserInputs({c.column: slider}, on_change=lambda _name, v: slid(v))
            solara.InputText("value" if c.has_slider else "value (no range in the scenario)",
                             value=text if changed else c.format(c.start),
                             on_value=lambda t: on_text(t.strip() or None),
                             style={"max-width": "90px" if c.has_slider else "200px"}, classes=["value-field"])
            if changed:
                solara.Button(icon_name="mdi-undo", icon=True, small=True, on_click=lambda: on_text(None),
                              classes=["reset-one"])


@solara.component
def Page() -> None:
    """The explorer page for the scenario named in ``SIMSIM_EXPLORE_SCENARIO``."""
    scenario_arg = os.environ.get(ENV_SCENARIO, "")
    solara.Style(CSS)
    try:
        scn = _load(scenario_arg)
    except SimsimError as exc:
        solara.Error(f"Cannot load scenario '{scenario_arg}': {exc}")
        return
    ctrls = controls(scn)
    empty: dict[str, str] = {}
    values = solara.use_reactive(empty)  # column -> text the user set
    n_text = solara.use_reactive(os.environ.get(ENV_RUNS) or str(min(scn.replications, DEFAULT_MAX_RUNS)))
    seed_text = solara.use_reactive(os.environ.get(ENV_SEED) or str(scn.seed if scn.seed is not None else 1))
    auto = solara.use_reactive(True)
    current = (tuple(overrides(ctrls, values.value)), n_text.value, seed_text.value)
    requested = solara.use_reactive(current)
    wanted = current if auto.value else requested.value
    progress_text = solara.use_reactive("")
    no_run: ExploreRun | None = None
    last_run = solara.use_reactive(no_run)  # the last run that finished, shown while the next one runs

    def work() -> ExploreRun | None:
        sets, n, seed = wanted
        time.sleep(DEBOUNCE)
        if not task.is_current():
            return None

        def progress(frac: float, what: str) -> None:
            task.progress = 100.0 * frac
            progress_text.set(what)

        stop = lambda: not task.is_current()  # noqa: E731
        run = explore_run(scenario_arg, list(sets), n, seed, progress=progress, stop=stop, figures=False)
        if run is None or stop():
            return None
        last_run.set(run)  # the numbers show now; the figures follow
        if not draw_figures(run, progress, stop):
            return None
        last_run.set(dataclasses.replace(run, figures=dict(run.figures)))
        return run

    task = solara.lab.use_task(work, dependencies=[wanted], raise_error=False)

    def set_value(column: str, text: str | None) -> None:
        new = dict(values.value)
        if text is None:
            new.pop(column, None)
        else:
            new[column] = text
        values.set(new)

    def set_auto(on: bool) -> None:
        requested.set(current)
        auto.set(on)

    solara.Title(f"simsim explore: {scn.title or scn.name}")
    with solara.Column(style={"padding": "12px"}):
        with solara.Row(style={"align-items": "baseline", "flex-wrap": "wrap"}):
            solara.HTML(tag="h2", unsafe_innerHTML=html.escape(scn.title or scn.name), style={"margin": "0"})
            solara.Text(f"mechanism {scn.model} · {scn.steps} steps · {len(ctrls)} inputs you can change",
                        style={"color": "#666"})
        with solara.Columns([4, 8]):
            with solara.Div(classes=["simsim-controls"]):
                _RunCard(n_text, seed_text, auto, set_auto, lambda: requested.set(current), task,
                         len(values.value), lambda: values.set({}))
                if not ctrls:
                    solara.Info("This scenario has no parameters or uncertain inputs to change: "
                                "every number in it is fixed.")
                for group in GROUPS:
                    members = [c for c in ctrls if c.group == group]
                    if not members:
                        continue
                    k = sum(c.column in values.value for c in members)
                    title = f"{group} ({len(members)}" + (f", {k} changed)" if k else ")")
                    with solara.Details(summary=title, expand=group == GROUPS[0]):
                        for c in members:
                            InputControl(c, values.value.get(c.column),
                                         lambda t, col=c.column: set_value(col, t))
            with solara.Column():
                _Results(task, progress_text.value, last_run.value, scn)


@solara.component
def _RunCard(n_text: Any, seed_text: Any, auto: Any, set_auto: Any, run: Any, task: Any, n_changed: int,
             reset: Any) -> None:
    with solara.Card("Runs", margin=0, style={"margin-bottom": "8px"}):
        with solara.Row():
            solara.InputText("number of runs", value=n_text, classes=["runs-field"])
            solara.InputText("seed", value=seed_text, classes=["seed-field"])
        with solara.Div(classes=["auto-update"]):
            solara.Checkbox(label="update as I change inputs", value=auto.value, on_value=set_auto)
        with solara.Row():
            solara.Button("Run", color="primary", on_click=run, disabled=auto.value and not task.error,
                          classes=["run-button"])
            solara.Button(f"Reset {n_changed} changed input{'s' if n_changed != 1 else ''}", text=True,
                          disabled=n_changed == 0, on_click=reset, classes=["reset-all"])
        solara.HTML(tag="div", style="font-size: 0.78rem; color: #666",
                    unsafe_innerHTML="A slider or a value fixes that input in every run; untouched inputs keep "
                                     "the scenario's distribution. The same number of runs and seed are used for "
                                     "the scenario as written, so differences come from your changes.")


@solara.component
def _Results(task: Any, progress_text: str, run: ExploreRun | None, scn: Any) -> None:
    if task.pending:
        with solara.Div(classes=["simsim-progress"]):
            solara.ProgressLinear(task.progress if task.progress is not None else True)
            solara.Text(f"Running: {progress_text}…" if progress_text else "Waiting for the inputs to settle…",
                        style={"font-size": "0.85rem"})
    else:
        solara.ProgressLinear(False)
    if task.error:
        exc = task.exception
        if isinstance(exc, SimsimError):
            head, msg = "These inputs cannot be run:", str(exc)
        else:
            head, msg = "Internal error (please report it):", f"{type(exc).__name__}: {exc}"
        with solara.Error(classes=["simsim-error"]):
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(head))
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(msg), classes=["simsim-message"])
    if run is None:
        return
    if task.pending or task.error:
        solara.Text("The results below are from the last run that finished; the command line below says which "
                    "inputs they are for.", style={"color": "#b35900"})
    with solara.Card(f"Main outcomes: {run.replications:,} runs, seed {run.seed}", margin=0):
        solara.HTML(tag="div", unsafe_innerHTML=_summary_html(run))
        solara.HTML(tag="div", style="font-size: 0.78rem; color: #666; margin-top: 4px",
                    unsafe_innerHTML="95% intervals in brackets (Wilson for probabilities, normal for means; "
                                     "differences: Newcombe / Welch). Bold differences exclude zero.")
        solara.HTML(tag="div", unsafe_innerHTML="Reproduce on the command line:", style="margin-top: 8px")
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(run.command), classes=["simsim-command"])
        solara.FileDownload(lambda: results_zip(run), filename=f"{scn.name}-explore.zip",
                            label="Download results (zip)")
    def figure(name: str) -> None:
        if name in run.figures:
            solara.Image(run.figures[name], width="100%", classes=[f"figure-{name}"])
        else:
            solara.Text("Drawing…", style={"color": "#666"})

    with solara.lab.Tabs():
        with solara.lab.Tab("With your changes"):
            figure("outcomes")
        with solara.lab.Tab("Comparison"):
            figure("comparison")
        with solara.lab.Tab("Side by side"):
            with solara.Columns([1, 1]):
                with solara.Column():
                    solara.Text("With your changes")
                    figure("outcomes")
                with solara.Column():
                    solara.Text("As written")
                    figure("as_written")
        with solara.lab.Tab("About the scenario"):
            solara.Markdown(scn.description)
            solara.Markdown("\n".join(
                f"- [{s.id}] {s.title}" + (f" ({s.year})" if s.year else "") + (f" {s.url}" if s.url else "")
                for s in scn.sources))
