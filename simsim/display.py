"""How simsim's objects show themselves in a notebook: compact HTML for Jupyter's ``_repr_html_``.

``Results``, ``Scenario`` and :class:`~simsim.comparison.Comparison` call these functions from
their ``_repr_html_`` methods. Each gives a title line, the identity of the object (scenario,
mechanism, runs, seed, overrides) and a short table: the main outcomes with 95% intervals for
results; actors and uncertain inputs for a scenario; differences with intervals for a comparison.
Every text from a file or a scenario is escaped.
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simsim.comparison import Comparison
    from simsim.results import Results
    from simsim.scenario.schema import Scenario

_STYLE = ("<style>.simsim table{border-collapse:collapse;font-size:90%;margin:.3em 0}"
          ".simsim td,.simsim th{padding:1px 8px;text-align:left;border-bottom:1px solid #ddd}"
          ".simsim .num{text-align:right;font-variant-numeric:tabular-nums}"
          ".simsim .meta{color:#555;font-size:90%}</style>")


def _table(header: list[str], rows: list[list[str]], numeric: tuple[int, ...] = ()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td class='num'>{c}</td>" if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _num(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return f"{v:.4g}"


def _pct(v: float) -> str:
    return "n/a" if v is None or math.isnan(v) else f"{v:.1%}"


def summary_rows(results: Results, max_categories: int = 6) -> list[list[str]]:
    """Rows (outcome, estimate, 95% interval) of the main outcomes, labels and units as declared."""
    from simsim.plotting import category_text, outcome_label

    specs = {s["name"]: s for s in results.outcome_specs}
    names = [n for n in results.main_outcomes if n in specs]
    if not names:
        return []
    summ = results.summary(names)
    rows = []
    for name, g in summ.groupby("outcome", sort=False):
        spec = specs[str(name)]
        label = escape(outcome_label(spec, str(name)))
        if spec["kind"] == "category":
            g = g.sort_values("estimate", ascending=False) if len(g) > max_categories else g
            for r in g.head(max_categories).itertuples(index=False):
                rows.append([f"{label}: {escape(category_text(str(r.category)))}", _pct(r.estimate),
                             f"{_pct(r.ci_low)} - {_pct(r.ci_high)}"])
            if len(g) > max_categories:
                rows.append([f"{label}: {len(g) - max_categories} more categories", "", ""])
        elif spec["kind"] == "bool":
            r = g.iloc[0]
            rows.append([label, _pct(r.estimate), f"{_pct(r.ci_low)} - {_pct(r.ci_high)}"])
        else:
            r = g.iloc[0]
            unit = spec.get("unit") or ""
            if not r.n:
                rows.append([label, "undefined in every run", ""])
                continue
            rows.append([label, f"mean {_num(r.estimate)} {escape(unit)}".strip(),
                         f"{_num(r.ci_low)} - {_num(r.ci_high)}"])
    return rows


def results_html(results: Results) -> str:
    """HTML summary of results: title, identity, and the main outcomes with 95% intervals."""
    sc = results.metadata.get("scenario", {})
    title = escape(str(sc.get("title") or sc.get("name") or "simsim results"))
    over = sc.get("overrides") or []
    meta = (f"scenario <code>{escape(str(sc.get('name')))}</code>"
            + (f" with <code>{escape(', '.join(over))}</code>" if over else "")
            + f" &middot; mechanism <code>{escape(str(sc.get('model')))}</code>"
            + f" &middot; {len(results):,} runs x {sc.get('steps', '?')} steps"
            + f" &middot; seed {results.seed}")
    rows = summary_rows(results)
    table = (_table(["main outcome", "estimate", "95% interval"], rows, numeric=(1, 2)) if rows
             else "<p>No main outcomes named; see <code>.summary()</code>.</p>")
    return (f"{_STYLE}<div class='simsim'><b>{title}</b><br><span class='meta'>{meta}</span>{table}"
            f"<span class='meta'>Probabilities with Wilson intervals; means with normal intervals. "
            f"Tables: <code>.runs</code>, <code>.timeseries</code>, <code>.summary()</code>.</span></div>")


def scenario_html(scenario: Scenario) -> str:
    """HTML summary of a scenario: title, identity, actors and uncertain inputs."""
    from simsim.inputs import design_of

    over = scenario.overrides
    meta = (f"scenario <code>{escape(scenario.name)}</code>"
            + (f" with <code>{escape(', '.join(over))}</code>" if over else "")
            + f" &middot; mechanism <code>{escape(scenario.model)}</code>"
            + f" &middot; {scenario.steps} steps &middot; {scenario.replications:,} runs by default"
            + (f" &middot; seed {scenario.seed}" if scenario.seed is not None else ""))
    actors = [[f"<code>{escape(a.id)}</code>", escape(a.name), escape(a.kind), escape(", ".join(a.memberships))]
              for a in scenario.actors]
    unc = design_of(scenario).uncertain
    inputs = [[f"<code>{escape(u.column)}</code>", escape(u.quantity.describe()),
               escape(f"source {u.quantity.source}" if u.quantity.source else "assumption")] for u in unc]
    parts = [_STYLE, "<div class='simsim'>", f"<b>{escape(scenario.title or scenario.name)}</b><br>",
             f"<span class='meta'>{meta}</span>",
             _table(["actor", "name", "kind", "member of"], actors)]
    parts.append(f"<b>Uncertain inputs</b> ({len(unc)}, sampled once per run)"
                 + (_table(["input", "distribution", "provenance"], inputs) if inputs else "<br>"))
    parts.append(f"<span class='meta'>{len(scenario.events)} events &middot; {len(scenario.sources)} sources "
                 f"&middot; main outcomes: {escape(', '.join(scenario.outcomes) or 'none named')}</span></div>")
    return "".join(parts)


def comparison_html(cmp: Comparison) -> str:
    """HTML summary of a comparison: both sides, the pairing, and each difference with its interval."""
    from simsim.plotting import comparison_data

    t = comparison_data(cmp.a, cmp.b, table=cmp.table)
    rows = []
    for r in t.itertuples(index=False):
        if r.kind == "number":
            f = _num
            unit = "" if r.unit in ("count", "probability") else f" {escape(r.unit)}"
        else:
            f, unit = _pct, ""
        diff = (f"{r.difference * 100:+.1f} pp" if r.kind != "number" else f"{r.difference:+.4g}{unit}")
        dint = (f"{r.diff_low * 100:+.1f} - {r.diff_high * 100:+.1f}" if r.kind != "number"
                else f"{r.diff_low:+.4g} - {r.diff_high:+.4g}")
        rows.append([escape(str(r.display)) + (" (mean)" if r.kind == "number" else ""),
                     f(r.estimate_a), f(r.estimate_b), diff, dint])
    meta = (f"a = <code>{escape(cmp.labels[0])}</code> ({len(cmp.a.runs):,} runs, seed {cmp.a.seed}) &middot; "
            f"b = <code>{escape(cmp.labels[1])}</code> ({len(cmp.b.runs):,} runs, seed {cmp.b.seed})<br>"
            f"pairing: {escape(cmp.pairing)}")
    return (f"{_STYLE}<div class='simsim'><b>Comparison: b - a</b><br><span class='meta'>{meta}</span>"
            + _table(["outcome", "a", "b", "difference b - a", "95% interval"], rows, numeric=(1, 2, 3, 4))
            + "<span class='meta'>pp: percentage points. <code>.table</code> has every number; "
              "<code>.figure()</code> draws them.</span></div>")
