"""The explorer's controls: one per input of a scenario that an analyst may change.

Each uncertain input (a distribution, sampled once per run) and each parameter with a fixed
value becomes a :class:`Control`. Its slider spans the range the scenario itself gives: a
distribution's support, or a fixed value's ``range:``; a fixed value without ``range:``
gets a field only. A value the user sets becomes an override in the ``--set`` syntax
(``parameters.w_dependence=3``), so that :func:`simsim.load_scenario` validates it exactly
as on the command line. Needs only the core install.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simsim.scenario.quantity import Quantity
    from simsim.scenario.schema import Scenario

#: Group titles, in the order the page shows them.
GROUPS = ("Parameters", "Actor attributes", "Relations", "Behaviour parameters")


@dataclass(frozen=True)
class Control:
    """One input the page lets the user set.

    Attributes
    ----------
    column
        The input's name in ``runs.parquet`` and ``simsim describe`` (``param.w_dependence``).
    path
        Its override path (``parameters.w_dependence``), as ``--set`` takes it.
    group
        One of :data:`GROUPS`.
    label
        Short name shown above the slider.
    doc
        What the input means, from the mechanism's declaration (or the relation's description).
    describe
        The scenario's value: ``uniform(2, 5)`` or ``0.2``.
    provenance
        ``source <id>`` or ``assumption``.
    note
        The scenario's note on the value ('' if none).
    uncertain
        Whether the scenario samples it per run.
    low, high
        Slider range (``None``: no range in the scenario, a field only).
    step
        Slider step.
    integer
        Whether the value must be a whole number.
    start
        Where the slider starts: the fixed value, or the distribution's mean clipped to the range.
    """

    column: str
    path: str
    group: str
    label: str
    doc: str
    describe: str
    provenance: str
    note: str
    uncertain: bool
    low: float | None
    high: float | None
    step: float
    integer: bool
    start: float

    @property
    def has_slider(self) -> bool:
        """Whether the scenario gives a range to slide over."""
        return self.low is not None and self.high is not None and self.high > self.low

    def format(self, value: float) -> str:
        """``value`` as the override writes it: rounded to the slider's step, no trailing zeros."""
        return format_value(value, self.step)

    def override(self, text: str) -> str:
        """The ``--set`` expression that sets this input to ``text``."""
        return f"{self.path}={text.strip()}"


def nice_step(low: float, high: float, integer: bool = False) -> float:
    """A round slider step giving about 100 to 1000 positions between ``low`` and ``high``."""
    if integer:
        return 1.0
    span = high - low
    if not span > 0 or not math.isfinite(span):
        return 0.01
    return 10.0 ** math.floor(math.log10(span / 100.0))


def format_value(value: float, step: float) -> str:
    """``value`` rounded to the decimals of ``step`` (``2.0000001`` with step 0.01 -> ``'2'``)."""
    decimals = max(0, -math.floor(math.log10(step))) if step > 0 else 6
    text = f"{round(float(value), decimals):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _range_of(q: Quantity, spec_low: float | None, spec_high: float | None) -> tuple[float | None, float | None]:
    if q.uncertain:
        lo, hi = q.support()
        if not math.isfinite(lo) or not math.isfinite(hi):  # an untruncated normal: mean +- 3 sd
            mean, sd = float(q.mean or 0.0), float(q.sd or 1.0)
            lo = lo if math.isfinite(lo) else mean - 3 * sd
            hi = hi if math.isfinite(hi) else mean + 3 * sd
            if spec_low is not None:
                lo = max(lo, spec_low)
            if spec_high is not None:
                hi = min(hi, spec_high)
        return lo, hi
    if q.range is not None:
        return float(q.range[0]), float(q.range[1])
    return None, None


def _control(column: str, path: str, group: str, label: str, doc: str, q: Quantity, spec: object | None) -> Control:
    spec_low = getattr(spec, "low", None)
    spec_high = getattr(spec, "high", None)
    integer = bool(getattr(spec, "integer", False))
    lo, hi = _range_of(q, spec_low, spec_high)
    step = nice_step(lo, hi, integer) if lo is not None and hi is not None else (1.0 if integer else 0.01)
    start = q.central()
    if lo is not None and hi is not None:
        start = min(max(start, lo), hi)
    start = float(format_value(start, step))  # on the slider's grid, so the slider does not move it
    return Control(column=column, path=path, group=group, label=label, doc=doc, describe=q.describe(),
                   provenance=f"source {q.source}" if q.source else "assumption", note=q.note or "",
                   uncertain=q.uncertain, low=lo, high=hi, step=step, integer=integer, start=start)


def controls(scenario: Scenario) -> list[Control]:
    """The controls of ``scenario``: every uncertain input and every parameter, grouped.

    Uncertain actor attributes, relation edges and behaviour parameters are included; fixed
    ones (observed figures such as a trade share) are not, except parameters, which all are.
    """
    from simsim.registry import get_mechanism

    mech = get_mechanism(scenario.model)
    out: list[Control] = []
    for name, q in scenario.parameters.items():
        spec = mech.parameters.get(name)
        out.append(_control(f"param.{name}", f"parameters.{name}", "Parameters", name,
                            getattr(spec, "doc", ""), q, spec))
    for a in scenario.actors:
        for name, q in a.attributes.items():
            if q.uncertain:
                spec = mech.attributes.get(name)
                out.append(_control(f"attr.{a.id}.{name}", f"actors.{a.id}.attributes.{name}", "Actor attributes",
                                    f"{a.id} {name}", f"{a.name}: {getattr(spec, 'doc', '')}".rstrip(": "), q, spec))
    for rname, rel in scenario.relations.items():
        rspec = mech.relations.get(rname)
        doc = " ".join((rel.description or getattr(rspec, "doc", "") or "").split())
        for e in rel.edges:
            if e.uncertain:
                out.append(_control(f"rel.{rname}.{e.key}", f"relations.{rname}.edges.{e.key}", "Relations",
                                    f"{rname} {e.key}", doc, e, rspec))
    for a in scenario.actors:
        for name, q in a.behaviour_params.items():
            if q.uncertain:
                out.append(_control(f"bparam.{a.id}.{name}", f"actors.{a.id}.behaviour_params.{name}",
                                    "Behaviour parameters", f"{a.id} {name}", f"behaviour of {a.name}", q, None))
    return out


def overrides(controls: Sequence[Control], values: Mapping[str, str]) -> list[str]:
    """The ``--set`` expressions for the values the user set (``values``: text by column), in page order."""
    return [c.override(values[c.column]) for c in controls if c.column in values]


def command_line(scenario: str, replications: int, seed: int, sets: Sequence[str]) -> str:
    """The ``simsim run`` command that reproduces a run of the page."""
    parts = ["simsim", "run", scenario, "-n", str(replications), "--seed", str(seed)]
    for s in sets:
        parts += ["--set", s]
    return " ".join(shlex.quote(p) for p in parts)
